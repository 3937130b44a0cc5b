"""The routes through a flow: every way from the start to an end, bounded.

A route is a sequence of edges (callflow.testing.edges.Edge), so two options that lead to
the same node make two routes: a scenario per route then covers every edge.
A route passes each node at most twice, so it goes round each loop at most
once (and every edge still lies on some route: a way to the edge and a way
from it to an end pass each node once each); that bound makes the search
end, `limit` caps the number of routes, and a work budget caps the search
itself on flows whose routes explode.

A node with `at_most: {times: N, then: X}` is entered at most N times: the
next edge into it goes on to X instead (a `limit` edge), exactly as the
engine does. A loop through such a node may be gone round N times, so that
its limit is reached too. Routes run on the flat flow, so they go through
procedures (each call site's copy) like through any other node.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from callflow.call.events import Via
from callflow.flow.graph import loops
from callflow.flow.model import Flow
from callflow.flow.procedures import is_part_of, shown
from callflow.testing.edges import Edge, limit_edge, node_edges

DEFAULT_LIMIT = 1000
DEFAULT_BUDGET = 200_000  # edges tried
MAX_VISITS = 2  # of one node on one route: each loop at most once
MAX_LIMITED_VISITS = 6  # a loop whose node has `at_most` is gone round up to this often to reach its limit


@dataclass(frozen=True)
class Route:
    start: str
    edges: tuple[Edge, ...]
    end: str | None  # the end node; None when the route stops where there is no way on
    outcome: str | None

    def _entered(self) -> list[Edge]:
        """The edges by which a node is entered: an edge into a node at its
        limit enters the limit's target instead (the limit edge that follows),
        and the rest of a node after a call that did not run is no new node."""
        edges = self.edges
        return [
            e
            for i, e in enumerate(edges)
            if not (i + 1 < len(edges) and edges[i + 1].way == "limit" and edges[i + 1].source == e.target)
            and not is_part_of(e.target, e.source)
        ]

    @property
    def nodes(self) -> list[str]:
        """The flat flow's nodes the route enters, in order."""
        return [self.start, *(e.target for e in self._entered())]

    @property
    def shown_nodes(self) -> list[str]:
        """The nodes as a person reads them (`pay/P-1`), as a call's path shows them."""
        return [shown(n) for n in self.nodes]

    @property
    def decisions(self) -> list[Edge]:
        """The edges somebody or something decides (choices, routes, limits), not `next`."""
        return [e for e in self.edges if e.way != "next"]

    @property
    def vias(self) -> list[Via]:
        """What the engine names the edges by as it walks the route."""
        return [e.via for e in self._entered()]

    def deciding(self) -> list[Edge]:
        """For each of `vias`, the edge a prompt answers to take it: the edge
        itself, or for a limit the edge that led into the limited node."""
        edges = self.edges
        out: list[Edge] = []
        for i, edge in enumerate(edges):
            if i + 1 < len(edges) and edges[i + 1].way == "limit" and edges[i + 1].source == edge.target:
                continue
            j = i
            while edges[j].way == "limit" and j > 0:
                j -= 1
            out.append(edges[j])
        return out


@dataclass
class RouteListing:
    routes: list[Route] = field(default_factory=list)
    stopped_by: str | None = None  # "limit" or "budget" when not every route was listed

    @property
    def complete(self) -> bool:
        return self.stopped_by is None


def visit_caps(flow: Flow, out: dict[str, list[Edge]]) -> dict[str, int]:
    """How often a route may enter each node: twice, or as often as it takes
    to reach the limit of a node with `at_most` in the same loop."""
    caps: dict[str, int] = {}
    limited = {n: node.at_most.times for n, node in flow.nodes.items() if node.at_most is not None}
    if not limited:
        return caps

    def successors(node_id: str) -> list[str]:
        targets = [e.target for e in out.get(node_id, [])]
        node = flow.nodes.get(node_id)
        if node is not None and node.at_most is not None:
            targets.append(node.at_most.then)
        return [t for t in targets if t in flow.nodes]

    for part in loops(flow.nodes, successors):
        times = max((limited[n] for n in part if n in limited), default=0)
        if times:
            cap = min(max(MAX_VISITS, times + 1), MAX_LIMITED_VISITS)
            for node_id in part:
                caps[node_id] = max(caps.get(node_id, MAX_VISITS), cap)
    return caps


def _into(flow: Flow, edge: Edge, visits: Counter[str]) -> list[Edge] | None:
    """The edges taking `edge` adds: itself, then the limits of full nodes
    (None when limits send the call round in a circle)."""
    chain = [edge]
    target = edge.target
    for _ in range(len(flow.nodes) + 1):
        node = flow.nodes.get(target)
        if node is None or node.at_most is None or visits[target] < node.at_most.times:
            return chain
        limit = limit_edge(target, node)
        assert limit is not None
        chain.append(limit)
        target = limit.target
    return None


def enumerate_routes(flow: Flow, *, limit: int = DEFAULT_LIMIT, budget: int = DEFAULT_BUDGET) -> RouteListing:
    """Every route from the start to an end (or a dead end), depth first in file order."""
    out = {node_id: node_edges(node_id, node) for node_id, node in flow.nodes.items()}
    caps = visit_caps(flow, out)
    listing = RouteListing()
    path: list[Edge] = []
    visits: Counter[str] = Counter({flow.start: 1})
    stack: list[tuple[str, int, int]] = [(flow.start, 0, 0)]  # node, index of its next edge, edges it added
    work = 0

    def leave() -> None:
        _, _, added = stack.pop()
        if added:
            del path[-added:]

    while stack:
        node_id, i, added = stack[-1]
        node = flow.nodes.get(node_id)
        if i == 0 and (node is None or node.end is not None or not out.get(node_id)):
            # An end, a dead end, or a target that does not exist (lint reports it).
            if len(listing.routes) == limit:
                listing.stopped_by = "limit"
                break
            outcome = node.end if node is not None else None
            listing.routes.append(Route(flow.start, tuple(path), node_id if outcome else None, outcome))
            visits[node_id] -= 1
            leave()
            continue
        edges = out[node_id]
        if i >= len(edges):
            visits[node_id] -= 1
            leave()
            continue
        stack[-1] = (node_id, i + 1, added)
        chain = _into(flow, edges[i], visits)
        if chain is None:
            continue
        entered = chain[-1].target
        if visits[entered] >= caps.get(entered, MAX_VISITS):
            continue
        work += 1
        if work > budget:
            listing.stopped_by = "budget"
            break
        visits[entered] += 1
        path.extend(chain)
        stack.append((entered, 0, len(chain)))
    return listing


def covering(routes: list[Route], edge_of: Mapping[Via, object] | None = None) -> list[int]:
    """Indexes of few routes that together take every edge and reach every end
    the routes reach (greedy: each pick adds the most not yet covered).
    `edge_of` names the edge each Via takes, when several count as one (a
    procedure's edge in each caller's copy)."""
    named = edge_of or {}
    items = [{*(named.get(v, v) for v in r.vias), *((("end", shown(r.end)),) if r.end else ())} for r in routes]
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
    for node_id, node in flow.nodes.items():
        limit = limit_edge(node_id, node)
        if limit is None or limit.via in taken or node_id not in to_edge or limit.target not in onward:
            continue
        cycle = _shortest_cycle(node_id, out)
        if cycle is None:
            continue  # no way back into the node: its limit is never reached
        assert node.at_most is not None
        way = (*into(node_id), *(cycle * node.at_most.times), limit, *on_from(limit.target))
        end = way[-1].target
        routes.append(Route(flow.start, way, end, flow.nodes[end].end))
        taken.update(e.via for e in way)
    reached_ends = {r.end for r in routes}
    for node_id, node in flow.nodes.items():
        if node.end is not None and node_id in to_edge and node_id not in reached_ends:
            routes.append(Route(flow.start, tuple(into(node_id)), node_id, node.end))
    return routes


def _shortest_cycle(node_id: str, out: dict[str, list[Edge]]) -> tuple[Edge, ...] | None:
    """The fewest edges from a node back into it."""
    came: dict[str, Edge] = {}
    queue = deque([node_id])
    while queue:
        here = queue.popleft()
        for edge in out.get(here, []):
            if edge.target == node_id:
                way = [edge]
                while way[-1].source != node_id:
                    way.append(came[way[-1].source])
                return tuple(reversed(way))
            if edge.target not in came and edge.target in out:
                came[edge.target] = edge
                queue.append(edge.target)
    return None
