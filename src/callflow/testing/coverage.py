"""Which nodes, edges and ends of a flow the walks reached.

Reached items are read from what the engine emitted (`NodeEntered.via` names
the edge taken, `Ended` the end), never re-derived from the flow. A flow's
coverage percentage counts its edges and ends: 100 % means every option,
every route, every call, return and limit and every end was walked at least
once. They are counted as the author wrote them (callflow.testing.authored):
a procedure's inner edges once however many nodes call it, each call site's
call on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from callflow.call.engine import Session
from callflow.call.events import Ended, NodeEntered, Via
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.procedures import shown
from callflow.testing.authored import AuthoredEdge, authored_edges, authored_ends, authored_nodes


@dataclass(frozen=True)
class Reached:
    """What one walk reached: nodes and ends as a person reads them, the
    edges of the flat flow it took."""

    nodes: frozenset[str]
    edges: frozenset[Via]
    ends: frozenset[str]


def reached_by(session: Session) -> Reached:
    """The nodes, edges and end a session has walked through so far."""
    nodes: set[str] = set()
    edges: set[Via] = set()
    ends: set[str] = set()
    for frame in session.frames:
        for event in frame.events:
            if isinstance(event, NodeEntered):
                nodes.add(shown(event.node_id))
                if event.via is not None:
                    edges.add(Via(*event.via))
            elif isinstance(event, Ended):
                ends.add(shown(event.node_id))
    return Reached(frozenset(nodes), frozenset(edges), frozenset(ends))


@dataclass(frozen=True)
class Count:
    reached: int
    total: int

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.reached, self.total) if self.total else Fraction(1)

    @property
    def percent(self) -> float:
        return float(self.ratio * 100)

    def to_dict(self) -> dict[str, Any]:
        return {"reached": self.reached, "total": self.total, "percent": round(self.percent, 1)}


@dataclass
class FlowCoverage:
    """Coverage of one flow, filled by `add` for each walk that counts."""

    flow_id: str
    path: str
    nodes: list[str]
    edges: list[AuthoredEdge]
    ends: list[str]
    walks: int = 0
    reached_nodes: set[str] = field(default_factory=set)
    reached_edges: set[Via] = field(default_factory=set)
    reached_ends: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, loaded: LoadedFlow) -> FlowCoverage:
        return cls(loaded.flow.id, loaded.path, authored_nodes(loaded), authored_edges(loaded), authored_ends(loaded))

    def add(self, reached: Reached) -> None:
        self.walks += 1
        self.reached_nodes |= reached.nodes
        self.reached_edges |= reached.edges
        self.reached_ends |= reached.ends

    @property
    def node_count(self) -> Count:
        return Count(sum(1 for n in self.nodes if n in self.reached_nodes), len(self.nodes))

    @property
    def edge_count(self) -> Count:
        return Count(sum(1 for e in self.edges if self._taken(e)), len(self.edges))

    def _taken(self, edge: AuthoredEdge) -> bool:
        return not edge.vias.isdisjoint(self.reached_edges)

    @property
    def end_count(self) -> Count:
        return Count(sum(1 for n in self.ends if n in self.reached_ends), len(self.ends))

    @property
    def ratio(self) -> Fraction:
        """Edges and ends reached, over all edges and ends."""
        edges, ends = self.edge_count, self.end_count
        total = edges.total + ends.total
        return Fraction(edges.reached + ends.reached, total) if total else Fraction(1)

    @property
    def percent(self) -> float:
        return float(self.ratio * 100)

    def below(self, percent: float) -> bool:
        return self.ratio * 100 < Fraction(percent).limit_denominator(10**6)

    @property
    def missed_nodes(self) -> list[str]:
        return [n for n in self.nodes if n not in self.reached_nodes]

    @property
    def missed_edges(self) -> list[AuthoredEdge]:
        return [e for e in self.edges if not self._taken(e)]

    @property
    def missed_ends(self) -> list[str]:
        return [n for n in self.ends if n not in self.reached_ends]

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow_id,
            "path": self.path,
            "walks": self.walks,
            "nodes": self.node_count.to_dict(),
            "edges": self.edge_count.to_dict(),
            "ends": self.end_count.to_dict(),
            "percent": round(self.percent, 1),
            "missed": {
                "nodes": self.missed_nodes,
                "edges": [
                    {"from": e.source, "to": e.target, "way": e.way, "index": e.index, "decision": e.decision()}
                    for e in self.missed_edges
                ],
                "ends": self.missed_ends,
            },
        }


def format_percent(value: float) -> str:
    """`100 %`, `97.7 %`: never rounds a shortfall up to 100."""
    if value >= 100:
        return "100 %"
    shown = f"{value:.1f}"
    if shown == "100.0":
        shown = "99.9"
    return f"{shown} %"


def coverage_table(coverages: Iterable[FlowCoverage]) -> list[str]:
    """The coverage table and what each flow missed, as text lines."""
    flows = list(coverages)
    if not flows:
        return ["no flows"]

    def fraction(count: Count) -> str:
        return f"{count.reached}/{count.total}"

    counts = [(c.node_count, c.edge_count, c.end_count) for c in flows]
    path_width = max(len("flow"), *(len(c.path) for c in flows))
    widths = [max(len(fraction(row[i])) for row in counts) for i in range(3)]

    def cell(count: Count, width: int) -> str:
        return f"{fraction(count):>{width}} {format_percent(count.percent):>7}"

    header = f"{'flow':<{path_width}}"
    for title, width in zip(("nodes", "edges", "ends"), widths, strict=True):
        header += f"  {title:<{width + 8}}"
    lines = [header + f"  {'cover':>7}"]
    for cov, row in zip(flows, counts, strict=True):
        line = f"{cov.path:<{path_width}}"
        for count, width in zip(row, widths, strict=True):
            line += f"  {cell(count, width)}"
        lines.append(f"{line}  {format_percent(cov.percent):>7}")
    for cov in flows:
        if not (cov.missed_edges or cov.missed_ends or cov.missed_nodes):
            continue
        lines += ["", f"Not reached in {cov.path}:"]
        if cov.missed_edges:
            lines.append("  edges:")
            lines += [f"    {e.describe()}" for e in cov.missed_edges]
        if cov.missed_ends:
            lines.append("  ends:  " + ", ".join(cov.missed_ends))
        if cov.missed_nodes:
            lines.append("  nodes: " + ", ".join(cov.missed_nodes))
    return lines
