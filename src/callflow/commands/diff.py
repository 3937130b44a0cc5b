"""`callflow diff OLD NEW` / `callflow diff FLOW --rev REV`: what a change to a
flow does to calls, and which scenarios it changes."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from callflow.commands._common import complete_path, fail, user_errors
from callflow.flow.errors import CallflowError, ExitCode

if TYPE_CHECKING:
    from callflow.commands._diffsides import Side
    from callflow.flow.flowdiff import Change
    from callflow.testing.behaviour import ScenarioChange

FORMAT_VERSION = 1
GIT_DRIVER_ARGS = 7  # path old-file old-hex old-mode new-file new-hex new-mode

HELP = """Show what a change to a flow does to calls, not to lines.

    callflow diff OLD NEW                  two flow files
    callflow diff FLOW --rev REV           the file against its committed version (git)

Lists nodes added and removed, words to say changed (a word diff:
[-old-]{+new+}), invoice lines, items and prices, routes and their
conditions, fields and ticket fields, ends added and removed. Then walks
each scenario of the flow (<flow>.scenarios/ next to NEW, or --scenarios)
through both versions and lists those whose path, outcome, ticket, invoice
or payments change. Formatting, comments and key order change nothing.

As a git diff driver (docs/editors.md, .gitattributes and diff.callflow.command), git calls
it with seven arguments; it then prints the comparison and exits 0, as git
expects of a driver.

Exit codes: 0 the same behaviour; 1 the behaviour changed; 2 usage (wrong
number of files, --rev with two files); 3 a flow that cannot be read or is
invalid, or a revision git cannot give.
"""


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


def diff(
    files: Annotated[
        list[str], typer.Argument(
            metavar="OLD NEW | FLOW", help="Two flow files, or one with --rev.", autocompletion=complete_path, show_default=False
        )
    ],
    rev: Annotated[
        str | None, typer.Option("--rev", metavar="GIT_REV", help="Compare FLOW with its version at this git revision.")
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, or json (docs/json-output.md).", case_sensitive=False)
    ] = DiffFormat.text,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    scenarios: Annotated[
        Path | None,
        typer.Option("--scenarios", metavar="PATH", help="The scenarios to walk (default: <flow>.scenarios/ next to NEW)."),
    ] = None,
    no_scenarios: Annotated[bool, typer.Option("--no-scenarios", help="Compare the flows only.")] = False,
) -> None:
    from callflow.commands import _diffsides as sides

    fmt = DiffFormat.json if as_json else output_format
    driver = len(files) == GIT_DRIVER_ARGS and rev is None
    if driver:
        _driver(files, fmt, scenarios, no_scenarios)
        return
    if rev is not None and len(files) != 1:
        fail("callflow diff: --rev compares one FLOW with its committed version; give one file (or drop --rev)", ExitCode.USAGE)
    if rev is None and len(files) != 2:
        fail(
            f"callflow diff: give two flow files (OLD NEW), or one with --rev GIT_REV; got {len(files)}",
            ExitCode.USAGE,
        )
    with user_errors():
        if rev is not None:
            old, new = sides.from_revision(files[0], rev), sides.from_file(files[0])
        else:
            old, new = sides.from_file(files[0]), sides.from_file(files[1])
        changed = _report(old, new, fmt, scenarios, no_scenarios)
    raise typer.Exit(int(ExitCode.PROBLEMS if changed else ExitCode.OK))


def _driver(files: list[str], fmt: DiffFormat, scenarios: Path | None, no_scenarios: bool) -> None:
    """git's external diff: `path old-file old-hex old-mode new-file new-hex new-mode`."""
    from callflow.commands import _diffsides as sides

    path, old_file, new_file = files[0], files[1], files[4]
    try:
        old = sides.from_file(old_file, named=path)
        new = sides.from_file(new_file, named=path)
    except CallflowError as exc:
        # git stops the whole diff at a driver's non-zero exit: say why, show the lines, go on.
        print(f"callflow diff {path}: cannot compare the behaviour:", *exc.lines(), sep="\n")
        _line_diff(path, old_file, new_file)
        return
    _report(old, new, fmt, scenarios, no_scenarios)


def _line_diff(path: str, old_file: str, new_file: str) -> None:
    import difflib

    def lines(name: str) -> list[str]:
        if name == "/dev/null":
            return []
        return Path(name).read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)

    sys.stdout.writelines(difflib.unified_diff(lines(old_file), lines(new_file), f"a/{path}", f"b/{path}"))


def _report(old: Side, new: Side, fmt: DiffFormat, scenarios: Path | None, no_scenarios: bool) -> bool:
    from callflow.flow.flowdiff import compare
    from callflow.testing.behaviour import compare_scenarios, scenario_files
    from callflow.testing.scenario import scenarios_folder_of

    changes: list[Change] = []
    if new.loaded is not None:
        changes = compare(
            old.loaded.written if old.loaded is not None else None,
            new.loaded.written,
            _procedures(old.loaded),
            _procedures(new.loaded),
        )
    elif old.loaded is not None:
        from callflow.flow.flowdiff import Change, all_nodes

        changes = [Change("node-removed", n, f"node {n} removed (the flow is gone)") for n in all_nodes(old.loaded.written, _procedures(old.loaded))]
    walked: list[ScenarioChange] = []
    if not no_scenarios:
        folder = scenarios if scenarios is not None else scenarios_folder_of(Path(new.path))
        files = scenario_files(folder) if folder.is_dir() else ([folder] if folder.is_file() else [])
        walked = compare_scenarios(files, old.loaded, new.loaded)
    changed = bool(changes) or any(s.changed for s in walked)
    if fmt is DiffFormat.json:
        sys.stdout.write(json.dumps(diff_data(old, new, changes, walked, changed), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(diff_text(old, new, changes, walked, changed))
    return changed


def _procedures(loaded: Any) -> dict[str, Any] | None:
    if loaded is None:
        return None
    return {name: source.procedure for name, source in loaded.procedures.items()}


def diff_data(old: Side, new: Side, changes: list[Change], walked: list[ScenarioChange], changed: bool) -> dict[str, Any]:
    """The comparison as JSON (docs/json-output.md, `callflow diff`)."""

    def side(s: Side) -> dict[str, Any]:
        loaded = s.loaded
        return {
            "label": s.label,
            "id": loaded.flow.id if loaded else None,
            "nodes": len(loaded.written.nodes) if loaded else 0,
        }

    return {
        "format": "callflow-diff",
        "format_version": FORMAT_VERSION,
        "old": side(old),
        "new": side(new),
        "same_behaviour": not changed,
        "changes": [c.as_dict() for c in changes],
        "scenarios": [s.as_dict() for s in walked],
    }


MARK = {"node-added": "+", "end-added": "+", "node-removed": "-", "end-removed": "-"}


def diff_text(old: Side, new: Side, changes: list[Change], walked: list[ScenarioChange], changed: bool) -> str:
    out = [f"callflow diff: {old.label} → {new.label}\n"]
    for change in changes:
        mark = MARK.get(change.kind) or ("+" if change.old is None and change.new is not None else "-" if change.new is None and change.old is not None else "~")
        out.append(f"  {mark} {change.text}\n")
    if not changes:
        out.append("  the flows make the same calls (nothing a director would see differs)\n")
    errors = [s for s in walked if s.error]
    moved = [s for s in walked if s.changed]
    if walked:
        out.append(f"\nScenarios: {len(moved)} of {len(walked) - len(errors)} walk differently\n")
    for s in moved:
        out.append(f"  {Path(s.path).name}: {s.name}\n")
        for what, a, b in s.differences:
            out.append(f"      {what}: {a}\n      {' ' * len(what)}  now {b}\n")
    for s in errors:
        out.append(f"  not walked: {s.error}\n")
    out.append("\nBehaviour changed.\n" if changed else "\nSame behaviour.\n")
    return "".join(out)
