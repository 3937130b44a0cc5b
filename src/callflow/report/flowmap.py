"""A flow as the report draws and checks it: its nodes and edges as written
(a procedure once, `pay/P-1`; callflow.flow.picture), which edges real
calls took, and where each node and edge is written.

Receipts keep a call's path as the nodes a person reads
(callflow.flow.procedures.shown), so each step of a path is matched to the
edges between those two nodes: a call into a procedure, a return to the
caller, a limit (`at_most`: the path goes from the node before straight to
`then`) or an ordinary way on. Two options of one question that lead to the
same node are told apart by the option picked (the answer's value); two
routes to the same node cannot be told apart from a receipt, so both count
as taken, and no edge is ever called "never taken" that a call may have
taken.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from callflow.flow.errors import CallflowError
from callflow.flow.graph import Edge
from callflow.flow.model import Node
from callflow.flow.picture import Picture, picture_of
from callflow.flow.procedures import LEVEL

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow


@dataclass
class FlowMap:
    """One flow file, drawn as written."""

    loaded: LoadedFlow
    file: str
    sha256: str
    picture: Picture
    taken: list[int] = field(default_factory=list)  # per edge of the picture: times taken
    _pairs: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, loaded: LoadedFlow) -> FlowMap:
        from callflow.record.calls import flow_digest

        picture = picture_of(loaded.written, loaded.procedures)
        flow_map = cls(loaded, loaded.path, flow_digest(loaded.text), picture)
        flow_map._index()
        return flow_map

    @property
    def nodes(self) -> dict[str, Node]:
        return dict(self.picture.flow.nodes)

    @property
    def edges(self) -> list[Edge]:
        return self.picture.edges

    @property
    def start(self) -> str:
        return self.picture.flow.start

    def _index(self) -> None:
        into: dict[str, list[str]] = {}
        for edge in self.edges:
            if edge.way != "limit":
                into.setdefault(edge.target, []).append(edge.source)
        for i, edge in enumerate(self.edges):
            sources = into.get(edge.source, []) if edge.way == "limit" else [edge.source]
            for source in sources:
                self._pairs.setdefault((source, edge.target), []).append(i)

    def count(self, steps: Counter[tuple[str, str]], picks: dict[tuple[str, str], Counter[str | None]]) -> None:
        """How often real calls took each edge, from the steps of their paths."""
        taken = [0] * len(self.edges)
        for pair, times in steps.items():
            candidates = self._pairs.get(pair)
            if not candidates:
                continue
            if len(candidates) == 1:
                taken[candidates[0]] += times
                continue
            told = self._tell_apart(candidates, picks.get(pair, Counter()))
            for i in candidates:
                taken[i] += told.get(i, times) if told else times
        self.taken = taken

    def _tell_apart(self, candidates: list[int], picks: Counter[str | None]) -> dict[int, int]:
        """Times per option when every candidate is an option of one question
        and the picks name them; empty when they cannot be told apart."""
        options: dict[int, set[str]] = {}
        for i in candidates:
            edge = self.edges[i]
            node = self.picture.flow.nodes.get(edge.source)
            if edge.way != "choose" or node is None or node.choose is None:
                return {}
            option = node.choose.options[edge.branch]
            options[i] = {option.key, option.label}
        told = {i: sum(n for pick, n in picks.items() if pick in names) for i, names in options.items()}
        unknown = sum(n for pick, n in picks.items() if not any(pick in names for names in options.values()))
        return {} if unknown else told

    def never_taken(self) -> list[Edge]:
        return [edge for edge, times in zip(self.edges, self.taken, strict=True) if times == 0]

    def never_reached(self, reached: Iterable[str]) -> list[str]:
        seen = set(reached)
        return [node_id for node_id in self.picture.flow.nodes if node_id not in seen]

    def where(self, node_id: str, rest: tuple[Any, ...] = ()) -> tuple[str, int, int]:
        """File, line and column where a node (or a key inside it) is written."""
        if LEVEL in node_id:
            name, inner = node_id.split(LEVEL, 1)
            source = self.loaded.procedures.get(name)
            path = source.path if source is not None and source.path else self.loaded.path
            loc: tuple[Any, ...] = ("procedures", name, "nodes", inner, *rest)
        else:
            path, loc = self.loaded.path, ("nodes", node_id, *rest)
        line, col = self.loaded.source_of(path)[1].locate(loc)
        return path, line, col

    def edge_where(self, edge: Edge) -> tuple[str, int, int]:
        """Where an edge is written: its target (`next`, `goto`, `else`, `then`),
        the `call:` step, or the `return: true` of a procedure's node."""
        if edge.way == "return":
            return self.where(edge.source, ("return",))
        rest = tuple(edge.loc[2:]) if len(edge.loc) > 2 and edge.loc[0] == "nodes" else ()
        return self.where(edge.source, rest)

    def expected_seconds(self, node_id: str) -> float | None:
        """The time the flow expects a node to take (its `expected_time`), if it says."""
        node = self.picture.flow.nodes.get(node_id)
        seconds = node.expected_seconds if node is not None else None
        return None if seconds is None else float(seconds)


def locate_flows(wanted: dict[str, str], recorded: dict[str, Counter[str]]) -> dict[str, FlowMap | str]:
    """A FlowMap per flow id: from a file the user gave (`wanted`: id -> file),
    else from where the calls ran it (the most used that still exists and
    loads as that flow); else the reason none could be used."""
    from callflow.flow.loadedflow import load_flow

    found: dict[str, FlowMap | str] = {}
    for flow_id in sorted(set(wanted) | set(recorded)):
        candidates = [wanted[flow_id]] if flow_id in wanted else [p for p, _ in recorded[flow_id].most_common()]
        reason = "no flow file recorded"
        for candidate in candidates:
            if not os.path.isfile(candidate):
                reason = f"{candidate}: not found (give the flow file with --flow FILE)"
                continue
            try:
                loaded = load_flow(candidate)
            except CallflowError as exc:
                reason = f"{candidate}: {exc.message}"
                continue
            if loaded.flow.id != flow_id:
                reason = f"{candidate} is now flow '{loaded.flow.id}'"
                continue
            found[flow_id] = FlowMap.of(loaded)
            break
        else:
            found[flow_id] = reason
    return found
