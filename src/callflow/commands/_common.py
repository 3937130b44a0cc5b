"""What every command shares: turning user errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from callflow.flow.errors import CallflowError, ExitCode

T = TypeVar("T")

# The call's date for walks and route searches (default: a fixed day, so that runs repeat).
TodayOption = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="YYYY-MM-DD",
        help="The call's date the flow reads as `today` (default: 2026-11-23, fixed so that runs repeat).",
        show_default=False,
    ),
]


def day_of(value: str | None, default: date) -> date:
    """The --today date; a usage error (exit 2) naming what to write otherwise.
    Parsed here, not by typer, so the message is the same under every typer."""
    if value is None:
        return default
    text = value.strip()
    if len(text) == 10:  # YYYY-MM-DD only (fromisoformat also takes 20261123)
        with suppress(ValueError):
            return date.fromisoformat(text)
    fail(f"--today {value}: write the date as YYYY-MM-DD, e.g. 2026-11-23", ExitCode.USAGE)


def optional_argument(name: str, *, many: bool = False) -> str:
    """The metavar of an optional argument, shown as `[PATH]...` in the usage
    line whatever typer draws: typer 0.29 and later bracket an argument's
    metavar themselves, earlier ones print it as given."""
    if _TYPER_DECORATES_METAVARS:
        return name
    return f"[{name}]" + ("..." if many else "")


def _typer_decorates_metavars() -> bool:
    try:
        major, minor = (int(part) for part in typer.__version__.split(".")[:2])
    except (AttributeError, ValueError):
        return False
    return (major, minor) >= (0, 29)


_TYPER_DECORATES_METAVARS = _typer_decorates_metavars()


def complete_path(incomplete: str) -> list[str]:
    """Shell completion of a file argument: folders, and YAML files (flows,
    answers, scenarios) whose path starts with what is typed."""
    import os

    folder, slash, stem = incomplete.rpartition("/")
    base = folder + slash
    try:
        entries = sorted(os.scandir(folder or "."), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        name = entry.name
        if not name.startswith(stem) or (name.startswith(".") and not stem.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            found.append(base + name + "/")
        elif name.endswith((".yaml", ".yml", ".json", ".jsonl")):
            found.append(base + name)
    return found[:500]


class TextOrJson(str, Enum):
    """--format of a command whose machine output is JSON (docs/json-output.md)."""

    text = "text"
    json = "json"


# The one spelling of machine output is --format json; --json stays as its alias.
FormatOption = Annotated[
    TextOrJson,
    typer.Option("--format", "-f", help="text, or json (docs/json-output.md).", case_sensitive=False),
]
JsonAlias = Annotated[bool, typer.Option("--json", help="The same as --format json.")]
FlowArgument = Annotated[
    Path,
    typer.Argument(metavar="FLOW", help="The flow file (YAML).", autocompletion=complete_path, show_default=False),
]


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
