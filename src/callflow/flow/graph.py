"""A flow as a graph: its edges, and the orders and regions lint needs.

Every way on is an edge: `next`, each option of a `choose`, each `if` route
and the `else`. Edges keep where their target is written, so a rule can point
at it, and the engine's own description of the edge (`way`, `index`, as in
`events.Via`, whose index is the edge's branch), so a walked path can be
matched edge for edge.

Everything here is linear in the size of the flow and iterative (no
recursion), so flows with tens of thousands of nodes are fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from callflow.flow.model import ElseRoute, Flow, IfRoute


class Edge(NamedTuple):
    """One way from a node to the next."""

    source: str
    target: str
    way: str  # "next", "choose", "routes" (the source node's way on) or "limit" (its at_most)
    branch: int  # the option's or route's index; 0 for next (events.Via's branch)
    label: str | None  # the option's label, the route's condition, "else"; None for next
    loc: tuple[Any, ...]  # where the target is written in the file

    @property
    def is_else(self) -> bool:
        return bool(self.loc[-1] == "else")


def edges_of(flow: Flow) -> list[Edge]:
    """Every edge, in file order of the nodes and their options or routes."""
    edges: list[Edge] = []
    loc: tuple[Any, ...]
    for node_id, node in flow.nodes.items():
        if node.at_most is not None:
            # Entering the node once too often goes to `then` instead.
            edges.append(Edge(node_id, node.at_most.then, "limit", 0, "limit", ("nodes", node_id, "at_most", "then")))
        if node.next is not None:
            edges.append(Edge(node_id, node.next, "next", 0, None, ("nodes", node_id, "next")))
        elif node.choose is not None:
            for i, option in enumerate(node.choose.options):
                loc = ("nodes", node_id, "choose", "options", i, "goto")
                edges.append(Edge(node_id, option.goto, "choose", i, option.label, loc))
        elif node.routes is not None:
            for i, route in enumerate(node.routes):
                if isinstance(route, IfRoute):
                    loc = ("nodes", node_id, "routes", i, "goto")
                    edges.append(Edge(node_id, route.goto, "routes", i, route.if_, loc))
                elif isinstance(route, ElseRoute):
                    loc = ("nodes", node_id, "routes", i, "else")
                    edges.append(Edge(node_id, route.else_, "routes", i, "else", loc))
    return edges


class FlowGraph:
    """Nodes in file order, edges out of and into each node, and regions."""

    def __init__(self, flow: Flow, edges: list[Edge], out: dict[str, list[Edge]], into: dict[str, list[Edge]]) -> None:
        self.flow = flow
        self.edges = edges
        self.out = out
        self.into = into

    @classmethod
    def build(cls, flow: Flow) -> FlowGraph:
        edges = edges_of(flow)
        out: dict[str, list[Edge]] = {node_id: [] for node_id in flow.nodes}
        into: dict[str, list[Edge]] = {node_id: [] for node_id in flow.nodes}
        for edge in edges:
            out[edge.source].append(edge)
            if edge.target in into:
                into[edge.target].append(edge)
        return cls(flow, edges, out, into)

    def successors(self, node_id: str) -> list[str]:
        """Existing nodes this one leads to (each once, in edge order)."""
        seen: dict[str, None] = {}
        for edge in self.out[node_id]:
            if edge.target in self.out:
                seen.setdefault(edge.target, None)
        return list(seen)

    def reachable(self) -> set[str]:
        """Nodes a call can reach from the start (empty if the start is missing)."""
        start = self.flow.start
        if start not in self.out:
            return set()
        return _search([start], self.successors)

    def reaching_an_end(self) -> set[str]:
        """Nodes from which some end can be reached."""
        ends = [node_id for node_id, node in self.flow.nodes.items() if node.end is not None]
        return _search(ends, lambda node_id: [e.source for e in self.into[node_id]])

    def reverse_postorder(self) -> list[str]:
        """Reachable nodes, each before its successors except along loops."""
        start = self.flow.start
        if start not in self.out:
            return []
        order: list[str] = []
        seen = {start}
        stack: list[tuple[str, Iterable[str]]] = [(start, iter(self.successors(start)))]
        while stack:
            node_id, pending = stack[-1]
            for nxt in pending:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, iter(self.successors(nxt))))
                    break
            else:
                stack.pop()
                order.append(node_id)
        order.reverse()
        return order


def components(roots: Sequence[str], successors: Callable[[str], Iterable[str]]) -> list[list[str]]:
    """The strongly connected parts of what `roots` reach, each before every
    part it leads to (a topological order of the parts). Tarjan's algorithm,
    without recursion; a part's nodes are listed in the order they were found."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in roots:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors(root)))]
        while work:
            node_id, pending = work[-1]
            advanced = False
            for nxt in pending:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors(nxt))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node_id] = min(low[node_id], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node_id])
            if low[node_id] == index[node_id]:
                part: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node_id:
                        break
                part.reverse()
                found.append(part)
    found.reverse()
    return found


def _search(roots: Sequence[str], step: Callable[[str], Iterable[str]]) -> set[str]:
    seen = set(roots)
    stack = list(roots)
    while stack:
        for nxt in step(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def loops(nodes: Iterable[str], successors: Callable[[str], Iterable[str]]) -> list[list[str]]:
    """The loops among `nodes`: strongly connected parts with a cycle.

    Each loop lists its nodes in the order `nodes` gives them; only
    successors inside `nodes` count.
    """
    members = list(nodes)
    inside = set(members)
    position = {node_id: i for i, node_id in enumerate(members)}

    def within(node_id: str) -> list[str]:
        return [s for s in successors(node_id) if s in inside]

    found = [
        sorted(part, key=position.__getitem__)
        for part in components(members, within)
        if len(part) > 1 or part[0] in successors(part[0])
    ]
    found.sort(key=lambda part: position[part[0]])
    return found

