"""callflow lint: every problem of a flow, where it is, under a stable code.

    from callflow.lint import lint_flow, lint_paths

    lint_flow(load_flow("flows/x.yaml"))  # -> sorted list of Diagnostic
    lint_paths(["flows/"])                # -> LintReport (diagnostics, files, unreadable)

Rules live in callflow.lint.rules, one module per family; docs/lint-rules.md
documents each code. Lint never prints.

The names are imported on first use, so that a lint whose files are all
remembered (callflow.lint.cache) never imports the models or the rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callflow.lint.rule import Rule
    from callflow.lint.rules import ALL_RULES
    from callflow.lint.runner import LintReport, lint_file, lint_flow, lint_paths

__all__ = ["ALL_RULES", "LintReport", "Rule", "lint_file", "lint_flow", "lint_paths"]

_WHERE = {
    "ALL_RULES": "callflow.lint.rules",
    "Rule": "callflow.lint.rule",
    "LintReport": "callflow.lint.runner",
    "lint_file": "callflow.lint.runner",
    "lint_flow": "callflow.lint.runner",
    "lint_paths": "callflow.lint.runner",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'callflow.lint' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
