"""`callflow paths` output: each route as its node ids and the decisions that
take it, as text or JSON-ready data. Nodes read as a person reads them
(`pay/P-1` for a node of procedure `pay`).

A route no answers take is a combination the flow makes impossible, most
often where branches meet and branch again on the same answer; such routes
are normal and listed only when asked (`--infeasible`). What no listed route
walks (an edge or an end) is said, as it may be a condition that never holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from callflow.call.valuegen import WALK_TODAY, Telling
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.procedures import shown
from callflow.testing.authored import AuthoredEdge, authored_edges, authored_ends
from callflow.testing.edges import Edge
from callflow.testing.paths import RouteListing, covering, covering_routes, enumerate_routes
from callflow.testing.routesearch import FoundRoute, find_answers

ARROW = " → "


def decision_text(edge: Edge) -> str:
    """`existing_member = Yes`, `if chat_response (not: chat_response and ...)`, `else (not: ...)`."""
    if edge.way != "routes":
        return edge.decision()
    others = "; ".join(f"not: {c}" for c in edge.earlier)
    if edge.condition is None:
        return f"else ({others})" if others else "else"
    return f"if {edge.condition}" + (f" ({others})" if others else "")


@dataclass
class PathsReport:
    """What `callflow paths` shows: the routes (numbered as listed in full),
    how many were left out as impossible, and what no route walks."""

    path: str
    flow_id: str
    listing: RouteListing
    founds: list[FoundRoute]
    numbers: list[int]
    infeasible: int = 0  # routes no answers take, not shown
    loops_to_limit: bool = False  # the flow has `at_most`: its loops are gone round to the limit
    unwalked_edges: list[AuthoredEdge] = field(default_factory=list)
    unwalked_ends: list[str] = field(default_factory=list)

    @property
    def dead_ends(self) -> list[FoundRoute]:
        return [f for f in self.founds if f.route.end is None]


def _head(report: PathsReport) -> str:
    routes = [f.route for f in report.founds]
    ends = {r.end for r in routes if r.end}
    count = len(routes)
    head = f"{report.path}: {count} route{'s' if count != 1 else ''} to {len(ends)} end{'s' if len(ends) != 1 else ''}"
    bound = "each loop taken at most once"
    if report.loops_to_limit:
        bound += "; a loop with at_most until its limit"
    return f"{head} ({bound})"


def route_lines(report: PathsReport) -> list[str]:
    lines = [_head(report), ""]
    width = len(str(max(report.numbers, default=1)))
    for number, found in zip(report.numbers, report.founds, strict=True):
        route = found.route
        end = f"  ⇒ {route.outcome}" if route.outcome else "  ⇒ dead end: no way on"
        lines.append(f"{number:>{width}}. {ARROW.join(route.shown_nodes)}{end}")
        pad = " " * (width + 2)
        decisions = route.decisions
        node_width = max((len(shown(e.source)) for e in decisions), default=0)
        lines += [f"{pad}  {shown(e.source):<{node_width}}  {decision_text(e)}" for e in decisions]
        if not found.found:
            why = f": {found.problem}" if found.problem else ""
            lines.append(f"{pad}  ! no answers found that take this route{why}")
    listing = report.listing
    if listing.stopped_by == "limit":
        lines += ["", f"Stopped after {len(listing.routes)} routes (--limit); there are more."]
    elif listing.stopped_by == "budget":
        lines += ["", f"Stopped after {len(listing.routes)} routes: the flow has too many to list them all."]
    if report.infeasible:
        many = report.infeasible != 1
        lines += [
            "",
            f"{report.infeasible} more combination{'s' if many else ''} of branches no answers can take "
            f"{'are' if many else 'is'} not listed (normal where branches meet and branch again on the same "
            "answer); --infeasible lists them.",
        ]
    if report.unwalked_edges or report.unwalked_ends:
        lines += ["", "No answers were found that walk these (`callflow lint` says whether a condition can hold):"]
        lines += [f"  {e.describe()}" for e in report.unwalked_edges]
        lines += [f"  end {end}" for end in report.unwalked_ends]
    if report.dead_ends:
        lines += ["", "A route stops where the flow has no way on: a defect of the flow (callflow lint reports it)."]
    return lines


def _answers(found: FoundRoute) -> dict[str, Any] | None:
    if found.answers is None:
        return None
    answers: dict[str, Any] = {}
    for answer in found.answers:
        if answer.field_id in answers:
            previous = answers[answer.field_id]
            answers[answer.field_id] = [*(previous if isinstance(previous, list) else [previous]), answer.value]
        else:
            answers[answer.field_id] = answer.value
    return answers


def route_data(report: PathsReport) -> dict[str, Any]:
    routes = []
    for number, found in zip(report.numbers, report.founds, strict=True):
        route = found.route
        routes.append(
            {
                "number": number,
                "nodes": route.shown_nodes,
                "end": shown(route.end) if route.end else None,
                "outcome": route.outcome,
                "decisions": [
                    {
                        "node": shown(e.source),
                        "to": shown(e.target),
                        "way": e.way,
                        "index": e.index,
                        "question": e.question,
                        "answer": e.answer,
                        "condition": e.condition,
                        "else": e.is_else,
                        "text": decision_text(e),
                    }
                    for e in route.decisions
                ],
                "found": found.found,
                "example_answers": _answers(found),
                "problem": found.problem,
            }
        )
    listing = report.listing
    return {
        "flow": {"id": report.flow_id, "path": report.path},
        "complete": listing.complete,
        "stopped_by": listing.stopped_by,
        "routes": routes,
        "infeasible_not_listed": report.infeasible,
        "not_walked": {
            "edges": [
                {"from": e.source, "to": e.target, "way": e.way, "index": e.index, "decision": e.decision()}
                for e in report.unwalked_edges
            ],
            "ends": report.unwalked_ends,
        },
        "dead_ends": len(report.dead_ends),
    }


def paths_report(
    loaded: LoadedFlow,
    *,
    limit: int,
    minimal: bool = False,
    infeasible: bool = False,
    today: date = WALK_TODAY,
) -> PathsReport:
    """The routes of a flow with the answers found for each, as `callflow
    paths` lists them."""
    flow = loaded.flow
    listing = enumerate_routes(flow, limit=limit)
    telling = Telling.of(flow, today)
    founds = [find_answers(flow, loaded.index, route, telling) for route in listing.routes]
    numbers = list(range(1, len(founds) + 1))
    every_route = listing.complete  # only then is what no route walks known
    judged = founds
    if minimal and not listing.complete:
        # Too many routes to list them all: build a covering set directly.
        routes = covering_routes(flow)
        founds = [find_answers(flow, loaded.index, route, telling) for route in routes]
        numbers = list(range(1, len(founds) + 1))
        listing = RouteListing(routes)
    elif minimal:
        walkable = [i for i, f in enumerate(founds) if f.found]
        edge_of = {via: edge.key for edge in authored_edges(loaded) for via in edge.vias}
        picked = [walkable[i] for i in covering([founds[i].route for i in walkable], edge_of)]
        numbers = [numbers[i] for i in picked]
        founds = [founds[i] for i in picked]
    report = PathsReport(loaded.path, flow.id, listing, founds, numbers)
    report.loops_to_limit = any(node.at_most is not None for node in flow.nodes.values())
    if not infeasible:
        kept = [(n, f) for n, f in zip(report.numbers, report.founds, strict=True) if f.found or f.route.end is None]
        report.infeasible = len(report.founds) - len(kept)
        report.numbers = [n for n, _ in kept]
        report.founds = [f for _, f in kept]
    if every_route:
        walked = {via for f in judged if f.found for via in f.route.vias}
        ends = {shown(f.route.end) for f in judged if f.found and f.route.end}
        report.unwalked_edges = [e for e in authored_edges(loaded) if e.vias.isdisjoint(walked)]
        report.unwalked_ends = [end for end in authored_ends(loaded) if end not in ends]
    return report
