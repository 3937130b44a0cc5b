"""What a lint rule is: a stable code, a short name, a severity and one line
saying what it finds. docs/lint-rules.md explains each with examples."""

from __future__ import annotations

from typing import NamedTuple

from callflow.flow.diagnostics import Severity

ERROR = Severity.ERROR
WARNING = Severity.WARNING


class Rule(NamedTuple):
    code: str  # CF0xx load, CF1xx graph, CF2xx content, CF3xx actions
    name: str  # e.g. unknown-target
    severity: Severity
    summary: str
