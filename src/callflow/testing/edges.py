"""The edges of a flow's graph, as values: what coverage counts and routes are made of.

An edge is one way from a node to the next: each option of a `choose`, each
route of `routes` (every `if` and the `else`), and each `next`. Two options
that lead to the same node are two edges, because they are two different
answers a scenario has to try. A node's `at_most` adds a `limit` edge: the
way the call goes instead of entering the node once too often. The engine
names the edge it takes with a `Via` (node left, way on, index), which is how
an edge is identified here.

These are the edges of the flat flow the engine walks (procedures copied per
call site); callflow.testing.authored counts them as the author wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass

from callflow.call.events import Via
from callflow.flow.model import ElseRoute, Flow, IfRoute, Node
from callflow.flow.procedures import shown


@dataclass(frozen=True)
class Edge:
    """One way on from `source` to `target`."""

    source: str
    way: str  # "choose", "routes", "next" or "limit"
    index: int
    target: str
    question: str | None = None  # the choose id
    answer: str | None = None  # the option's value (choose)
    answer_label: str | None = None  # the option's label (choose)
    condition: str | None = None  # the route's condition; None for else and next
    earlier: tuple[str, ...] = ()  # conditions of the routes before this one (all false when it is taken)
    times: int | None = None  # a limit: how often the node may be entered

    @property
    def via(self) -> Via:
        return Via(self.source, self.way, self.index)

    @property
    def is_else(self) -> bool:
        return self.way == "routes" and self.condition is None

    def decision(self) -> str:
        """What takes this edge, in words: `existing_member = Yes`, `if past_due_amount > 0`."""
        if self.way == "choose":
            label, value = self.answer_label or "", self.answer or ""
            shown = label if label.casefold() == value.casefold() else f"{label} ({value})"
            return f"{self.question} = {shown}"
        if self.way == "routes":
            return f"if {self.condition}" if self.condition is not None else "else"
        if self.way == "limit":
            times = self.times or 0
            return f"at most {times} time{'s' if times != 1 else ''}"
        return "next"

    def describe(self) -> str:
        """`D-2-6 → D-2-14 (if past_due_amount > 0)`, node ids as a person reads them."""
        return f"{shown(self.source)} → {shown(self.target)} ({self.decision()})"


def node_edges(node_id: str, node: Node) -> list[Edge]:
    """The edges leaving one node, in the order the node lists them."""
    if node.choose is not None:
        return [
            Edge(node_id, "choose", i, option.goto, node.choose.id, option.key, option.label)
            for i, option in enumerate(node.choose.options)
        ]
    if node.routes is not None:
        edges: list[Edge] = []
        earlier: list[str] = []
        for i, route in enumerate(node.routes):
            if isinstance(route, IfRoute):
                edges.append(Edge(node_id, "routes", i, route.goto, condition=route.if_, earlier=tuple(earlier)))
                earlier.append(route.if_)
            elif isinstance(route, ElseRoute):
                edges.append(Edge(node_id, "routes", i, route.else_, earlier=tuple(earlier)))
                break  # routes after an else are never checked
        return edges
    if node.next is not None:
        return [Edge(node_id, "next", 0, node.next)]
    return []


def limit_edge(node_id: str, node: Node) -> Edge | None:
    """Where the call goes instead of entering the node once too often."""
    if node.at_most is None:
        return None
    return Edge(node_id, "limit", 0, node.at_most.then, times=node.at_most.times)


def flow_edges(flow: Flow, *, limits: bool = False) -> list[Edge]:
    """Every edge of the flow, node by node in file order (with `limits`, the
    limit edges of `at_most` too)."""
    edges: list[Edge] = []
    for node_id, node in flow.nodes.items():
        limit = limit_edge(node_id, node) if limits else None
        if limit is not None:
            edges.append(limit)
        edges += node_edges(node_id, node)
    return edges


def end_nodes(flow: Flow) -> list[str]:
    """The nodes where a call ends, in file order."""
    return [node_id for node_id, node in flow.nodes.items() if node.end is not None]
