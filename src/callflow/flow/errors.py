"""User-facing errors and the exit codes the CLI maps them to.

Nothing here prints: the CLI renders a `CallflowError` as one line per problem
(`path:line:col: CODE error: what, and how to fix it`) and exits with its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from callflow.flow.diagnostics import Diagnostic


class ExitCode(IntEnum):
    """Documented exit codes of every callflow command (README, `--help`)."""

    OK = 0
    PROBLEMS = 1  # lint problems that fail, failed scenarios
    USAGE = 2  # bad command-line usage (click uses 2 as well)
    LOAD = 3  # a flow, answers or scenario file that cannot be read or is invalid
    ANSWERS = 4  # an answers file that does not walk the flow to an end
    RECEIPT = 5  # the call finished but its receipt could not be written
    INTERRUPTED = 130  # Ctrl-C: the session was saved


class CallflowError(Exception):
    """A mistake in the user's input: shown as a message, never as a traceback."""

    exit_code: ExitCode = ExitCode.LOAD

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """The message as the lines the CLI prints."""
        return [self.message]


class FlowLoadError(CallflowError):
    """A file that cannot be read or does not describe a valid flow."""

    exit_code = ExitCode.LOAD

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__(str(self.diagnostics[0]) if self.diagnostics else "invalid file")

    def lines(self) -> list[str]:
        return [str(d) for d in self.diagnostics]


class FlowError(CallflowError):
    """A defect of the flow met while walking it (lint reports these up front)."""

    exit_code = ExitCode.LOAD


class AnswersError(CallflowError):
    """An answers file whose answers do not walk the flow to an end."""

    exit_code = ExitCode.ANSWERS


class ReceiptError(CallflowError):
    """The receipt could not be written; the session journal still has the call."""

    exit_code = ExitCode.RECEIPT
