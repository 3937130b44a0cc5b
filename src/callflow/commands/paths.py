"""`callflow paths FLOW`: the routes from the start to each end, and skeleton
scenarios for them."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from callflow.commands._common import FlowArgument, JsonAlias, TodayOption, day_of, user_errors
from callflow.flow.errors import ExitCode

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow
    from callflow.testing.routesearch import FoundRoute

HELP = """List the routes from the start to each end, with the choices that take them.

Each route is shown as its node ids (a procedure's nodes as procedure/node)
and, for every node that decides, the answer (choose), the condition
(routes) or the limit (at_most) that takes it. Each loop is taken at most
once (a loop through a node with at_most as often as it takes to reach its
limit), so a flow with loops has finitely many routes; --limit stops after
that many. callflow walks each route with the engine to find answers that
take it. A route that no answers take is a combination the flow rules out,
normal where branches meet and branch again on the same answer: such routes
are counted, and listed with --infeasible. An edge or an end that no route's
answers walk is named at the end.

--scaffold DIR writes one skeleton scenario per route into DIR (existing
files are kept): the choices are filled in, typed answers are marked TODO
for a trainer to fill in, and the path and outcome are expected. Write them
into <flow>.scenarios/ next to the flow so that `callflow test` finds them.
--minimal keeps only as many routes as it takes to walk every edge and end
(on a flow with more routes than --limit, the shortest way through each edge).
The routes are searched on the call's date --today (default 2026-11-23).

Exit codes: 0 done (on any flow `callflow lint` passes); 1 a route stops at a
node with no way on, or goes to a node that does not exist (lint reports
these as errors); 3 the flow cannot be loaded.
"""


FORMAT_VERSION = 1


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def paths(
    flow: FlowArgument,
    limit: Annotated[int, typer.Option("--limit", min=1, help="List at most this many routes.")] = 1000,
    scaffold: Annotated[
        Path | None,
        typer.Option("--scaffold", metavar="DIR", help="Write a skeleton scenario per route into DIR."),
    ] = None,
    minimal: Annotated[
        bool, typer.Option("--minimal", help="Only routes enough to walk every edge and reach every end.")
    ] = False,
    infeasible: Annotated[
        bool,
        typer.Option("--infeasible", help="Also list (and scaffold) the routes no answers take."),
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text, or json (docs/json-output.md).", case_sensitive=False)
    ] = OutputFormat.text,
    as_json: JsonAlias = False,
    today: TodayOption = None,
) -> None:
    if as_json:
        output_format = OutputFormat.json
    with user_errors():
        from callflow.call.valuegen import WALK_TODAY
        from callflow.flow.loadedflow import load_flow
        from callflow.testing.routelisting import paths_report, route_data, route_lines

        loaded = load_flow(str(flow))
        report = paths_report(
            loaded, limit=limit, minimal=minimal, infeasible=infeasible, today=day_of(today, WALK_TODAY)
        )
        if scaffold is not None:
            _write(scaffold, report.numbers, report.founds, loaded, day_of(today, WALK_TODAY))
        elif output_format is OutputFormat.json:
            data = {"format": "callflow-paths", "format_version": FORMAT_VERSION, **route_data(report)}
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            for line in route_lines(report):
                print(line)
        if report.dead_ends:
            raise typer.Exit(int(ExitCode.PROBLEMS))


def _write(directory: Path, numbers: list[int], founds: list[FoundRoute], loaded: LoadedFlow, today: date) -> None:
    from callflow.testing.scaffold import write_scaffolds

    written = write_scaffolds(directory, list(zip(numbers, founds, strict=True)), loaded, today)
    for item in written:
        print(f"{'wrote' if item.written else 'kept '} {item.path}")
    new = sum(1 for w in written if w.written)
    print(
        f"{new} skeleton scenario{'s' if new != 1 else ''} written, {len(written) - new} kept. "
        f"Fill in each TODO answer, then run: callflow test {directory}"
    )
