"""`callflow paths FLOW`: the routes from the start to each end, and skeleton
scenarios for them."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from callflow.commands._common import user_errors

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow
    from callflow.testing.routesearch import FoundRoute

HELP = """List the routes from the start to each end, with the choices that take them.

Each route is shown as its node ids and, for every node that decides, the
answer (choose) or the condition (routes) that takes it. Each loop is taken
at most once, so a flow with loops has finitely many routes; --limit stops
after that many. A route whose conditions no answers can satisfy is marked.

--scaffold DIR writes one skeleton scenario per route into DIR (existing
files are kept): the choices are filled in, typed answers are marked TODO
for a trainer to fill in, and the path and outcome are expected. Write them
into <flow>.scenarios/ next to the flow so that `callflow test` finds them.
--minimal keeps only as many routes as it takes to walk every edge and end
(on a flow with more routes than --limit, the shortest way through each edge).

Exit codes: 0 done; 1 a route that no answers take, or a dead end; 3 the
flow cannot be loaded.
"""


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def paths(
    flow: Annotated[Path, typer.Argument(help="The flow file (YAML).", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", min=1, help="List at most this many routes.")] = 1000,
    scaffold: Annotated[
        Path | None,
        typer.Option("--scaffold", metavar="DIR", help="Write a skeleton scenario per route into DIR."),
    ] = None,
    minimal: Annotated[
        bool, typer.Option("--minimal", help="Only routes enough to walk every edge and reach every end.")
    ] = False,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="text or json.")] = OutputFormat.text,
) -> None:
    with user_errors():
        from callflow.call.valuegen import Telling
        from callflow.flow.loadedflow import load_flow
        from callflow.testing.paths import (
            RouteListing,
            covering,
            covering_routes,
            enumerate_routes,
        )
        from callflow.testing.routelisting import route_data, route_lines
        from callflow.testing.routesearch import find_answers

        loaded = load_flow(str(flow))
        listing = enumerate_routes(loaded.flow, limit=limit)
        telling = Telling.of(loaded.flow)
        founds = [find_answers(loaded.flow, loaded.index, route, telling) for route in listing.routes]
        numbers = list(range(1, len(founds) + 1))
        if minimal and listing.complete:
            walkable = [i for i, f in enumerate(founds) if f.found]
            picked = [walkable[i] for i in covering([founds[i].route for i in walkable])]
            numbers = [numbers[i] for i in picked]
            founds = [founds[i] for i in picked]
        elif minimal:
            # Too many routes to list them all: build a covering set directly.
            routes = covering_routes(loaded.flow)
            founds = [find_answers(loaded.flow, loaded.index, route, telling) for route in routes]
            numbers = list(range(1, len(founds) + 1))
            listing = RouteListing(routes)
        if scaffold is not None:
            _write(scaffold, numbers, founds, loaded)
        elif output_format is OutputFormat.json:
            data = route_data(loaded.path, loaded.flow.id, listing, founds, numbers)
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            for line in route_lines(loaded.path, listing, founds, numbers):
                print(line)
        if any(not f.found or f.route.end is None for f in founds):
            raise typer.Exit(1)


def _write(directory: Path, numbers: list[int], founds: list[FoundRoute], loaded: LoadedFlow) -> None:
    from callflow.testing.scaffold import write_scaffolds

    written = write_scaffolds(directory, list(zip(numbers, founds, strict=True)), loaded)
    for item in written:
        print(f"{'wrote' if item.written else 'kept '} {item.path}")
    new = sum(1 for w in written if w.written)
    print(
        f"{new} skeleton scenario{'s' if new != 1 else ''} written, {len(written) - new} kept. "
        f"Fill in each TODO answer, then run: callflow test {directory}"
    )
