"""callflow lint: every problem of a flow, where it is, under a stable code.

    from callflow.lint import lint_flow, lint_paths

    lint_flow(load_flow("flows/x.yaml"))  # -> sorted list of Diagnostic
    lint_paths(["flows/"])                # -> LintReport (diagnostics, files, unreadable)

Rules live in callflow.lint.rules, one module per family; docs/lint-rules.md
documents each code. Lint never prints.
"""

from __future__ import annotations

from callflow.lint.rule import Rule
from callflow.lint.rules import ALL_RULES
from callflow.lint.runner import LintReport, lint_file, lint_flow, lint_paths

__all__ = ["ALL_RULES", "LintReport", "Rule", "lint_file", "lint_flow", "lint_paths"]
