"""What every command shares: turning user errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, NoReturn, TypeVar

import typer

from callflow.flow.errors import CallflowError, ExitCode

T = TypeVar("T")

# The call's date for walks and route searches (default: a fixed day, so that runs repeat).
TodayOption = Annotated[
    datetime | None,
    typer.Option(
        "--today",
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="The call's date the flow reads as `today` (default: 2026-11-23, fixed so that runs repeat).",
        show_default=False,
    ),
]


def day_of(value: datetime | None, default: date) -> date:
    return value.date() if value is not None else default


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
