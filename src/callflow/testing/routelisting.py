"""`callflow paths` output: each route as its node ids and the decisions that
take it, as text or JSON-ready data."""

from __future__ import annotations

from typing import Any

from callflow.testing.edges import Edge
from callflow.testing.paths import RouteListing
from callflow.testing.routesearch import FoundRoute

ARROW = " → "


def decision_text(edge: Edge) -> str:
    """`existing_member = Yes`, `if chat_response (not: chat_response and ...)`, `else (not: ...)`."""
    if edge.way != "routes":
        return edge.decision()
    others = "; ".join(f"not: {c}" for c in edge.earlier)
    if edge.condition is None:
        return f"else ({others})" if others else "else"
    return f"if {edge.condition}" + (f" ({others})" if others else "")


def route_lines(path: str, listing: RouteListing, founds: list[FoundRoute], numbers: list[int]) -> list[str]:
    ends = {r.end for r in listing.routes if r.end}
    count = len(listing.routes)
    head = f"{path}: {count} route{'s' if count != 1 else ''} to {len(ends)} end{'s' if len(ends) != 1 else ''}"
    lines = [f"{head} (each loop taken at most once)", ""]
    width = len(str(max(numbers, default=1)))
    for number, found in zip(numbers, founds, strict=True):
        route = found.route
        end = f"  ⇒ {route.outcome}" if route.outcome else "  ⇒ dead end: no way on"
        lines.append(f"{number:>{width}}. {ARROW.join(route.nodes)}{end}")
        pad = " " * (width + 2)
        decisions = route.decisions
        node_width = max((len(e.source) for e in decisions), default=0)
        lines += [f"{pad}  {e.source:<{node_width}}  {decision_text(e)}" for e in decisions]
        if not found.found:
            why = f": {found.problem}" if found.problem else ""
            lines.append(f"{pad}  ! no answers found that take this route{why}")
    if listing.stopped_by == "limit":
        lines += ["", f"Stopped after {len(listing.routes)} routes (--limit); there are more."]
    elif listing.stopped_by == "budget":
        lines += ["", f"Stopped after {len(listing.routes)} routes: the flow has too many to list them all."]
    return lines


def route_data(path: str, flow_id: str, listing: RouteListing, founds: list[FoundRoute], numbers: list[int]) -> dict[str, Any]:
    routes = []
    for number, found in zip(numbers, founds, strict=True):
        route = found.route
        answers: dict[str, Any] | None = None
        if found.answers is not None:
            answers = {}
            for answer in found.answers:
                if answer.field_id in answers:
                    previous = answers[answer.field_id]
                    answers[answer.field_id] = [*(previous if isinstance(previous, list) else [previous]), answer.value]
                else:
                    answers[answer.field_id] = answer.value
        routes.append(
            {
                "number": number,
                "nodes": route.nodes,
                "end": route.end,
                "outcome": route.outcome,
                "decisions": [
                    {
                        "node": e.source,
                        "to": e.target,
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
                "example_answers": answers,
                "problem": found.problem,
            }
        )
    return {"flow": {"id": flow_id, "path": path}, "complete": listing.complete, "stopped_by": listing.stopped_by, "routes": routes}
