"""The edges, nodes and ends of a flow as its author wrote them, which is what
coverage counts.

Every walk runs on the flat flow (callflow.flow.procedures): each call site
has its own copy of the procedure, and a node with calls is cut into parts
(`A`, `A#2`). Coverage counts what was written instead:

- a procedure's own edges once, however many nodes call it (`pay/P-1 →
  pay/P-2`, taken from any caller);
- each call site's call (`A → pay/P-1 (call pay)`): two nodes calling `pay`
  are two edges, as each must be tried;
- each `return: true` once per returning node (`pay/P-1 → caller (return)`);
- the way on of a node cut by calls once, from its last part;
- each `at_most` limit (`T-1 → ESC (at most 3 times)`);
- not the way past a `call` whose `when` does not hold: like any other step
  with `when`, it is not an edge.

An edge is known by the engine's `Via`s that take it (several for a
procedure's edge: one per copy), so a walk's events say what it reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callflow.call.events import Via
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.procedures import LEVEL, PART, Origin, shown, written_nodes
from callflow.testing.edges import Edge, end_nodes, flow_edges

RETURNS = "caller"


def written_part(node_id: str) -> str:
    """The node part as written, wherever it was copied: `pay/P-1#2` for
    `D-2-8/pay/P-1#2`, `A#2` for `A#2`."""
    parts = node_id.split(LEVEL)
    return LEVEL.join(parts[-2:] if len(parts) >= 3 else parts[-1:])


def _written_node(node_id: str) -> str:
    """The expanded node without its part: `X/pay/P-1` for `X/pay/P-1#2`."""
    head, _, last = node_id.rpartition(LEVEL)
    last = last.split(PART)[0]
    return f"{head}{LEVEL}{last}" if head else last


@dataclass(frozen=True)
class AuthoredEdge:
    """One edge as written, and every flat edge that takes it."""

    key: tuple[Any, ...]
    source: str  # as a person reads it
    target: str
    way: str  # "choose", "routes", "next", "limit", "call" or "return"
    index: int
    words: str  # what takes it: `existing_member = Yes`, `if x > 0`, `call pay`, `at most 3 times`
    vias: frozenset[Via]

    def decision(self) -> str:
        return self.words

    def describe(self) -> str:
        """`D-2-6 → D-2-14 (if past_due_amount > 0)`."""
        return f"{self.source} → {self.target} ({self.words})"


def _classify(edge: Edge, origins: dict[str, Origin]) -> tuple[tuple[Any, ...], str, str, str] | None:
    """(key, target shown, way, words) of a flat edge; None when it is no edge as written."""
    source, target = edge.source, edge.target
    if edge.way == "limit":
        return ("limit", written_part(source)), shown(target), "limit", edge.decision()
    into = origins.get(target)
    if into is not None and into.procedure is not None and into.site == source:
        return ("call", written_part(source)), shown(target), "call", f"call {into.procedure}"
    if PART in target.rsplit(LEVEL, 1)[-1] and _written_node(target) == _written_node(source):
        return None  # past a call whose `when` does not hold
    leaving = origins.get(source)
    if leaving is not None and leaving.procedure is not None and leaving.site is not None:
        level = f"{leaving.site}{LEVEL}{leaving.procedure}{LEVEL}"
        if not target.startswith(level):
            return ("return", written_part(source)), RETURNS, "return", "return"
    return (edge.way, written_part(source), edge.index), shown(target), edge.way, edge.decision()


def authored_edges(loaded: LoadedFlow) -> list[AuthoredEdge]:
    """Every edge as written, in the order the flat flow first reaches it."""
    flow = loaded.flow
    found: dict[tuple[Any, ...], tuple[str, str, str, int, str, set[Via]]] = {}
    for edge in flow_edges(flow, limits=True):
        classified = _classify(edge, loaded.origins)
        if classified is None:
            continue
        key, target, way, words = classified
        entry = found.get(key)
        if entry is None:
            found[key] = (shown(edge.source), target, way, edge.index, words, {edge.via})
        else:
            entry[5].add(edge.via)
    edges = [
        AuthoredEdge(key, source, target, way, index, words, frozenset(vias))
        for key, (source, target, way, index, words, vias) in found.items()
    ]
    order = _written_order(loaded)

    def written_at(edge: AuthoredEdge) -> tuple[int, int, int]:
        part = str(edge.key[1]).rsplit(LEVEL, 1)[-1]
        number = int(part.split(PART)[1]) if PART in part else 1
        return order.get(edge.source, len(order)), number, 0 if edge.way == "limit" else 1

    return sorted(edges, key=written_at)


def _written_order(loaded: LoadedFlow) -> dict[str, int]:
    """Where each node stands as written: the flow's nodes, then the procedures'."""
    return {
        (node_id if procedure is None else f"{procedure}{LEVEL}{node_id}"): i
        for i, (procedure, node_id, _, _) in enumerate(written_nodes(loaded.written, loaded.procedures))
    }


def _in_written_order(loaded: LoadedFlow, nodes: list[str]) -> list[str]:
    order = _written_order(loaded)
    return sorted(dict.fromkeys(shown(n) for n in nodes), key=lambda n: order.get(n, len(order)))


def authored_nodes(loaded: LoadedFlow) -> list[str]:
    """Every node as a person reads it, each once."""
    return _in_written_order(loaded, list(loaded.flow.nodes))


def authored_ends(loaded: LoadedFlow) -> list[str]:
    return _in_written_order(loaded, end_nodes(loaded.flow))
