"""`callflow new [PATH]`: a new flow from a small template, with one scenario."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from callflow.commands._common import fail, optional_argument
from callflow.flow.errors import ExitCode

HELP = """Start a new flow: a small template that lints clean with --strict, and one
scenario that `callflow test` passes.

In a terminal it asks for the flow's id, its title and the id of the first
node (Enter keeps the default shown); elsewhere it takes --id, --title and
--start (the id defaults to PATH's name). PATH defaults to flows/<id>.yaml;
the scenario goes to <flow>.scenarios/ next to it. An existing file is never
overwritten.

    callflow new flows/password-reset.yaml
    callflow new --id refund-desk --title "Refund desk" --start R-1

Exit codes: 0 written; 2 usage (an invalid id, a file that already exists,
no PATH or --id without a terminal); 3 the folder cannot be written.
"""


def new(
    path: Annotated[
        Path | None, typer.Argument(metavar=optional_argument("PATH"), help="Where to write the flow (default: flows/<id>.yaml).", show_default=False)
    ] = None,
    flow_id: Annotated[str | None, typer.Option("--id", help="The flow's id, e.g. password-reset.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="What the summary calls the flow.")] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="NODE", help="The first node's id (default N-1).")] = None,
) -> None:
    from callflow.flow.starter import valid_id

    asking = sys.stdin.isatty() and sys.stdout.isatty()
    default_id = flow_id or (path.stem if path is not None else None)
    if asking:
        flow_id, title, start = _ask(default_id, title, start)
    else:
        if default_id is None:
            fail(
                "callflow new: standard input is not a terminal, so nothing can be asked: give PATH or --id "
                "(and --title, --start), e.g. callflow new flows/my-flow.yaml --title 'My flow'",
                ExitCode.USAGE,
            )
        flow_id = default_id
        title = title or flow_id.replace("-", " ").replace("_", " ").capitalize()
        start = start or "N-1"
    assert flow_id is not None and title is not None and start is not None
    for what, value in (("id", flow_id), ("--start", start)):
        if not valid_id(value):
            fail(
                f"callflow new: '{value}' is not a valid {what}: use letters, digits, '-', '_' or '.', starting with a letter or digit",
                ExitCode.USAGE,
            )
    target = path if path is not None else Path("flows") / f"{flow_id}.yaml"
    write(target, flow_id, title, start)


def _ask(default_id: str | None, title: str | None, start: str | None) -> tuple[str, str, str]:
    import questionary

    from callflow.flow.starter import valid_id

    def check(text: str) -> bool | str:
        return True if valid_id(text.strip()) else "letters, digits, '-', '_' or '.', starting with a letter or digit"

    answered = questionary.text("Flow id:", default=default_id or "", validate=check).unsafe_ask().strip()
    title = questionary.text(
        "Title:", default=title or answered.replace("-", " ").replace("_", " ").capitalize()
    ).unsafe_ask().strip() or answered
    first = questionary.text("First node id:", default=start or "N-1", validate=check).unsafe_ask().strip()
    return answered, title, first


def write(target: Path, flow_id: str, title: str, start: str) -> None:
    from callflow.flow.starter import starter_flow, starter_scenario
    from callflow.testing.scenario import scenarios_folder_of

    scenario = scenarios_folder_of(target) / f"{start.lower()}-buys-a-session.yaml"
    for existing in (target, scenario):
        if existing.exists():
            fail(
                f"callflow new: {existing} already exists, and callflow new does not overwrite: give another PATH or remove it",
                ExitCode.USAGE,
            )
    schema = _schema_for(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        scenario.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as out:
            out.write(starter_flow(flow_id, title, start, schema))
        with open(scenario, "x", encoding="utf-8") as out:
            out.write(starter_scenario(start))
    except FileExistsError as exc:
        fail(f"callflow new: {exc.filename} already exists, and callflow new does not overwrite", ExitCode.USAGE)
    except OSError as exc:
        fail(f"callflow new: cannot write {exc.filename or target}: {exc.strerror}", ExitCode.LOAD)
    print(f"Wrote {target} and {scenario}.")
    print(f"Next: edit {target}, then  callflow lint --strict {target}  and  callflow test {target}")


def _schema_for(target: Path) -> str | None:
    """The path from the flow to the nearest schema/flow.schema.json above it, for editors."""
    folder = target.resolve().parent
    for probe in (folder, *folder.parents):
        schema = probe / "schema" / "flow.schema.json"
        if schema.is_file():
            return os.path.relpath(schema, folder)
    return None
