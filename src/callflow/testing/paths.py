"""The routes through a flow: every way from the start to an end, bounded.

A route is a sequence of edges (callflow.testing.edges.Edge), so two options that lead to
the same node make two routes: a scenario per route then covers every edge.
A route passes each node at most twice, so it goes round each loop at most
once (and every edge still lies on some route: a way to the edge and a way
from it to an end pass each node once each); that bound makes the search
end, `limit` caps the number of routes, and a work budget caps the search
itself on flows whose routes explode.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from callflow.call.events import Via
from callflow.flow.model import Flow
from callflow.testing.edges import Edge, node_edges

DEFAULT_LIMIT = 1000
DEFAULT_BUDGET = 200_000  # edges tried
MAX_VISITS = 2  # of one node on one route: each loop at most once


@dataclass(frozen=True)
class Route:
    start: str
    edges: tuple[Edge, ...]
    end: str | None  # the end node; None when the route stops where there is no way on
    outcome: str | None

    @property
    def nodes(self) -> list[str]:
        return [self.start, *(e.target for e in self.edges)]

    @property
    def decisions(self) -> list[Edge]:
        """The edges somebody or something decides (choices and routes), not `next`."""
        return [e for e in self.edges if e.way != "next"]

    @property
    def vias(self) -> list[Via]:
        return [e.via for e in self.edges]


@dataclass
class RouteListing:
    routes: list[Route] = field(default_factory=list)
    stopped_by: str | None = None  # "limit" or "budget" when not every route was listed

    @property
    def complete(self) -> bool:
        return self.stopped_by is None


def enumerate_routes(flow: Flow, *, limit: int = DEFAULT_LIMIT, budget: int = DEFAULT_BUDGET) -> RouteListing:
    """Every route from the start to an end (or a dead end), depth first in file order."""
    out = {node_id: node_edges(node_id, node) for node_id, node in flow.nodes.items()}
    listing = RouteListing()
    path: list[Edge] = []
    visits: Counter[str] = Counter({flow.start: 1})
    stack: list[tuple[str, int]] = [(flow.start, 0)]  # node, index of its next edge to try
    work = 0

    def leave() -> None:
        visits[stack.pop()[0]] -= 1
        if path:  # every frame but the start's came by an edge
            path.pop()

    while stack:
        node_id, i = stack[-1]
        node = flow.nodes.get(node_id)
        if i == 0 and (node is None or node.end is not None or not out[node_id]):
            # An end, a dead end, or a target that does not exist (lint reports it).
            if len(listing.routes) == limit:
                listing.stopped_by = "limit"
                break
            outcome = node.end if node is not None else None
            listing.routes.append(Route(flow.start, tuple(path), node_id if outcome else None, outcome))
            leave()
            continue
        edges = out[node_id]
        if i >= len(edges):
            leave()
            continue
        stack[-1] = (node_id, i + 1)
        edge = edges[i]
        if visits[edge.target] >= MAX_VISITS:
            continue
        work += 1
        if work > budget:
            listing.stopped_by = "budget"
            break
        visits[edge.target] += 1
        path.append(edge)
        stack.append((edge.target, 0))
    return listing


def covering(routes: list[Route]) -> list[int]:
    """Indexes of few routes that together take every edge and reach every end
    the routes reach (greedy: each pick adds the most not yet covered)."""
    items = [{*r.vias, *((r.end,) if r.end else ())} for r in routes]
    left: set[object] = set().union(*items) if items else set()
    chosen: list[int] = []
    while left:
        best = max(range(len(routes)), key=lambda i: (len(items[i] & left), -i))
        gain = items[best] & left
        if not gain:
            break
        chosen.append(best)
        left -= gain
    return sorted(chosen)


def covering_routes(flow: Flow) -> list[Route]:
    """Few routes that together take every edge and reach every end that can
    be reached: for each edge not yet taken, the shortest way from the start
    to it and from it to an end. Unlike `covering`, this needs no listing of
    all routes, so it works on flows with too many routes to list."""
    out = {node_id: node_edges(node_id, node) for node_id, node in flow.nodes.items()}
    to_edge: dict[str, Edge | None] = {flow.start: None}  # the edge each node is first reached by
    queue = deque([flow.start])
    while queue:
        node_id = queue.popleft()
        for edge in out.get(node_id, []):
            if edge.target in flow.nodes and edge.target not in to_edge:
                to_edge[edge.target] = edge
                queue.append(edge.target)
    onward: dict[str, Edge | None] = {}  # the first edge of a shortest way to an end
    incoming: dict[str, list[Edge]] = {}
    for node_out in out.values():
        for edge in node_out:
            incoming.setdefault(edge.target, []).append(edge)
    queue = deque(n for n, node in flow.nodes.items() if node.end is not None)
    onward.update(dict.fromkeys(queue))
    while queue:
        node_id = queue.popleft()
        for edge in incoming.get(node_id, []):
            if edge.source not in onward:
                onward[edge.source] = edge
                queue.append(edge.source)

    def into(node_id: str) -> list[Edge]:
        way: list[Edge] = []
        edge = to_edge[node_id]
        while edge is not None:
            way.append(edge)
            edge = to_edge[edge.source]
        return way[::-1]

    def on_from(node_id: str) -> list[Edge]:
        way: list[Edge] = []
        edge = onward[node_id]
        while edge is not None:
            way.append(edge)
            edge = onward[edge.target]
        return way

    routes: list[Route] = []
    taken: set[Via] = set()
    for edge in (e for node_out in out.values() for e in node_out):
        if edge.via in taken or edge.source not in to_edge or edge.target not in onward:
            continue
        way = (*into(edge.source), edge, *on_from(edge.target))
        routes.append(Route(flow.start, way, way[-1].target, flow.nodes[way[-1].target].end))
        taken.update(e.via for e in way)
    reached_ends = {r.end for r in routes}
    for node_id, node in flow.nodes.items():
        if node.end is not None and node_id in to_edge and node_id not in reached_ends:
            routes.append(Route(flow.start, tuple(into(node_id)), node_id, node.end))
    return routes
