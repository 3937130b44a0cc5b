"""What every command shares: turning user errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

import typer

from callflow.flow.errors import CallflowError, ExitCode

T = TypeVar("T")


def fail(message: str | list[str], code: ExitCode) -> NoReturn:
    """Print one or more lines to stderr and exit with `code`."""
    lines = [message] if isinstance(message, str) else message
    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(int(code))


@contextmanager
def user_errors() -> Iterator[None]:
    """Report a CallflowError as its lines and exit code, never as a traceback."""
    try:
        yield
    except CallflowError as exc:
        fail(exc.lines(), exc.exit_code)


def guarded(action: Callable[[], T]) -> T:
    with user_errors():
        return action()
    raise AssertionError("unreachable")
