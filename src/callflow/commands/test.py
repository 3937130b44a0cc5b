"""`callflow test [PATH...]`: run the scenarios of flows and report like pytest."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from callflow.commands._common import JsonAlias, complete_path, fail, optional_argument, user_errors
from callflow.commands._stdin import STDIN
from callflow.flow.errors import ExitCode

HELP = """Run every scenario found and check what each call produces.

PATH is a folder (searched for <flow>.scenarios/ folders), a flow file (runs
its <flow>.scenarios/), a scenario file, or - for a scenario read from
standard input (its `flow:` relative to the current folder); the default is
./flows/. Each
scenario drives the flow with its answers (on its `today:`, if it says one)
and compares the path, outcome, ticket, invoice, payments, refunds,
notifications, follow-ups, checklist and computed values with its
expectations; every call is also checked for blanks shown, missing required
ticket fields, amounts that do not add up or go below zero, refunds beyond
what was owed, and checklist items not done without a reason.

One line per scenario, the differences under each failure, and a closing
`N passed, N failed`. With --format json or junit, a progress bar shows on
stderr while a long run goes, when stderr is a terminal. --coverage adds, per flow, the nodes, edges (choose
options, routes, next, calls and returns of procedures, at_most limits; a
procedure's edges once however many nodes call it) and ends the passing
scenarios reached; --fail-under PCT fails when a flow's edges and ends are
less covered than that.

Exit codes: 0 all passed; 1 a scenario failed, none was found, or coverage is
under --fail-under; 3 a scenario or flow cannot be loaded. Format of scenario
files: docs/scenarios.md.
"""


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"


def test(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar=optional_argument("PATH", many=True),
            help="Folders, flow files, scenario files, or - for standard input (default: flows/).",
            autocompletion=complete_path,
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (a line per scenario), json (docs/json-output.md), or junit (JUnit XML for CI).",
            case_sensitive=False,
        ),
    ] = OutputFormat.text,
    as_json: JsonAlias = False,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Show the nodes, edges and ends each flow's scenarios reach.")
    ] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            min=0,
            max=100,
            metavar="PCT",
            help="Exit 1 if a flow's coverage of edges and ends is under PCT % (implies --coverage).",
        ),
    ] = None,
) -> None:
    from rich.console import Console

    from callflow.commands._progress import progress
    from callflow.terminal.testreport import print_text_end, print_text_result
    from callflow.testing.report import suite_json, suite_junit, under
    from callflow.testing.suite import run_suite

    if as_json:
        output_format = OutputFormat.json
    targets = [str(p) for p in paths] if paths else [_default_folder()]
    given = []
    if STDIN in targets:
        from callflow.commands._stdin import scenario_from_stdin

        targets = [t for t in targets if t != STDIN]
        with user_errors():
            given.append(scenario_from_stdin())
    show_coverage = coverage or fail_under is not None
    console = Console(highlight=False, soft_wrap=True)
    if output_format is OutputFormat.text:
        # Each scenario's line, printed as it ends, is the progress.
        suite = run_suite(targets, lambda r: print_text_result(console, r), given=given)
    else:
        with progress("Testing") as advance:
            totals: list[int] = []
            suite = run_suite(
                targets, lambda r: advance(r.path, totals[0] if totals else None), given=given, on_total=totals.append
            )
    if output_format is OutputFormat.text:
        print_text_end(console, suite, coverage=show_coverage, fail_under=fail_under)
    elif output_format is OutputFormat.json:
        sys.stdout.write(suite_json(suite, coverage=show_coverage, fail_under=fail_under) + "\n")
    else:
        sys.stdout.write(suite_junit(suite, coverage=show_coverage, fail_under=fail_under))
    if suite.errors:
        raise typer.Exit(int(ExitCode.LOAD))
    if suite.failed or not suite.results or under(suite.coverages, fail_under):
        raise typer.Exit(int(ExitCode.PROBLEMS))


def _default_folder() -> str:
    folder = Path("flows")
    if not folder.is_dir():
        fail(
            "callflow test: there is no flows/ folder here; give the folders, flow files or scenario files to test",
            ExitCode.USAGE,
        )
    return str(folder)
