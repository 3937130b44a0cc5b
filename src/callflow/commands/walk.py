"""`callflow walk FLOW --random --seed N --count K`: walks that check the rules
every call must keep."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from callflow.commands._common import FlowArgument, JsonAlias, TodayOption, day_of, user_errors
from callflow.flow.errors import ExitCode

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow
    from callflow.testing.coverage import FlowCoverage
    from callflow.testing.randomwalk import WalkResult

HELP = """Walk a flow many times and check the rules every call must keep.

With --random: K walks (--count) with random choices and made-up valid
answers (text matching the field's pattern; numbers, amounts, durations and
dates within their min and max; checklist items done, or not done with a
reason), seeded so that --seed N gives the same walks every time. Without
--random: one walk along each route that `callflow paths` lists. Walks run on
the call's date --today (default 2026-11-23, fixed so that a seed repeats).

Every walk is checked: it ends (within --max-answers answers); no blank
placeholder is shown; every end has the required ticket fields once a ticket
was started; after every answer the invoice adds up (total = lines +
past-due balance, paid = payments, refunded = refunds); due and refund_due
are never negative and paid - refunded - total = refund_due - due; no payment
or refund is negative and no refund pays back more than was owed; a
checklist item not done says why. Several payments in one call are normal. A
failing walk is printed as a scenario file that reproduces it: save it next
to the flow and `callflow test` fails until the flow is fixed.

Exit codes: 0 every walk kept the rules; 1 a walk failed; 3 the flow cannot
be loaded.
"""

SHOWN_PER_PROBLEM = 1
FORMAT_VERSION = 1


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def walk(
    flow: FlowArgument,
    random_walks: Annotated[
        bool, typer.Option("--random", help="Random walks (default: one walk per route).")
    ] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of the random walks (default: a new one, printed).")
    ] = None,
    count: Annotated[int, typer.Option("--count", min=1, help="How many random walks.")] = 100,
    max_answers: Annotated[
        int, typer.Option("--max-answers", min=1, help="A walk that needs more answers has not ended.")
    ] = 500,
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
        from callflow.testing.coverage import FlowCoverage

        day = day_of(today, WALK_TODAY)
        loaded = load_flow(str(flow))
        coverage = FlowCoverage.of(loaded)
        if random_walks:
            # Imported here: secrets pulls in hashlib, which `callflow --help` need not pay for.
            import secrets

            from callflow.commands._progress import progress
            from callflow.testing.randomwalk import random_walks as run_random

            chosen_seed = seed if seed is not None else secrets.randbelow(1_000_000)
            with progress("Walking", count) as advance:
                walks = run_random(
                    loaded, chosen_seed, count, max_answers=max_answers, today=day, on_walk=lambda w: advance(f"walk {w.number}")
                )
            title = f"{len(walks)} random walks, seed {chosen_seed}"
        else:
            walks = _route_walks(loaded, day)
            chosen_seed = None
            title = f"{len(walks)} walks, one per route"
        for one in walks:
            coverage.add(one.reached)
        if output_format is OutputFormat.json:
            sys.stdout.write(json.dumps(_data(loaded, walks, coverage, chosen_seed), indent=2, ensure_ascii=False) + "\n")
        else:
            _print_text(loaded, walks, coverage, title)
        if any(not w.ok for w in walks):
            raise typer.Exit(int(ExitCode.PROBLEMS))


def _route_walks(loaded: LoadedFlow, today: date) -> list[WalkResult]:
    """Each listed route walked with the answers found for it."""
    from callflow.call.summary import summarize
    from callflow.call.valuegen import Telling
    from callflow.testing.invariants import check_invariants
    from callflow.testing.paths import enumerate_routes
    from callflow.testing.randomwalk import WalkResult
    from callflow.testing.routesearch import find_answers

    telling = Telling.of(loaded.flow, today)
    walks = []
    for number, route in enumerate(enumerate_routes(loaded.flow).routes, start=1):
        found = find_answers(loaded.flow, loaded.index, route, telling, check_decided=False)
        if found.session is None or found.answers is None:
            continue  # `callflow paths` reports routes no answers take
        summary = summarize(found.session)
        violations = check_invariants(found.session, summary)
        walks.append(
            WalkResult(
                number,
                0,
                [(a.field_id, a.value) for a in found.answers],
                found.session,
                summary,
                [str(v) for v in violations],
                [v.rule for v in violations],
                f"route {number} of `callflow paths {loaded.path}`",
            )
        )
    return walks


def _print_text(loaded: LoadedFlow, walks: list[WalkResult], coverage: FlowCoverage, title: str) -> None:
    from callflow.testing.coverage import format_percent
    from callflow.testing.randomwalk import reproduction

    print(f"{loaded.path}: {title}")
    failed = [w for w in walks if not w.ok]
    shown: Counter[str] = Counter()
    for one in failed:
        print(f"FAIL  walk {one.number}: {one.problems[0]}" + (f" (+{len(one.problems) - 1} more)" if len(one.problems) > 1 else ""))
        key = one.rules[0] if one.rules else "?"
        if shown[key] < SHOWN_PER_PROBLEM:
            shown[key] += 1
            print("      A scenario that reproduces it:")
            print()
            for line in reproduction(one, loaded).splitlines():
                print(f"        {line}")
            print()
    edges, ends = coverage.edge_count, coverage.end_count
    print(
        f"{len(walks) - len(failed)} passed, {len(failed)} failed; the walks reached "
        f"{edges.reached}/{edges.total} edges ({format_percent(edges.percent)}) and "
        f"{ends.reached}/{ends.total} ends ({format_percent(ends.percent)})"
    )


def _data(loaded: LoadedFlow, walks: list[WalkResult], coverage: FlowCoverage, seed: int | None) -> dict[str, Any]:
    from callflow.testing.randomwalk import reproduction

    return {
        "format": "callflow-walk",
        "format_version": FORMAT_VERSION,
        "flow": {"id": loaded.flow.id, "path": loaded.path},
        "seed": seed,
        "walks": len(walks),
        "passed": sum(1 for w in walks if w.ok),
        "failed": sum(1 for w in walks if not w.ok),
        "results": [
            {
                "number": w.number,
                "ok": w.ok,
                "problems": w.problems,
                "rules": w.rules,
                "path": list(w.summary.path),
                "outcome": w.summary.outcome,
                "scenario": None if w.ok else reproduction(w, loaded),
            }
            for w in walks
        ],
        "coverage": coverage.to_dict(),
    }
