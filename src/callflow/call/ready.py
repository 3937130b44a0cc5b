"""A flow made ready for a call: loaded, and refused if lint finds an error.

A flow with a broken target, an unknown placeholder or a payment before any
invoice line would fail in front of a caller; `run`, `resume` and
`rehearse` refuse it up front with every error at its file:line:col. Lint's
remembered results make the check nearly free for an unchanged flow.
"""

from __future__ import annotations

from callflow.flow.diagnostics import Severity
from callflow.flow.errors import FlowLoadError
from callflow.flow.loadedflow import LoadedFlow, load_flow


class FlowNotReady(FlowLoadError):
    """A flow that loads but has lint errors."""

    def lines(self) -> list[str]:
        path = self.diagnostics[0].path
        count = len(self.diagnostics)
        return [
            *super().lines(),
            f"{path}: {count} error{'s' if count != 1 else ''} to fix before a call can follow this flow "
            f"(callflow lint {path} lists every problem)",
        ]


def check_for_call(loaded: LoadedFlow) -> LoadedFlow:
    """Raise FlowNotReady when lint finds an error in the flow."""
    from callflow.lint.runner import lint_loaded

    errors = [d for d in lint_loaded(loaded) if d.severity is Severity.ERROR]
    if errors:
        raise FlowNotReady(errors)
    return loaded


def load_for_call(path: str) -> LoadedFlow:
    """load_flow, then check_for_call."""
    return check_for_call(load_flow(path))
