"""Where to draw each node of a flow: layers from the start down, an order
within each layer that keeps edges short, without Graphviz or a script.

A simple layered drawing (after Sugiyama): the edges that close a loop are
found by a depth-first search from the start and turned round; each node
goes one layer below the lowest of its predecessors; a few sweeps put each
node near the mean position of its neighbours in the layer above, then
below. Linear-ish in the size of the flow; iterative, so a deep flow is fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NODE_WIDTH = 132
NODE_HEIGHT = 50
GAP_X = 26
GAP_Y = 46
MARGIN = 16
SWEEPS = 6


@dataclass(frozen=True)
class Placed:
    """A node's box: top-left corner and size."""

    x: float
    y: float
    width: float = NODE_WIDTH
    height: float = NODE_HEIGHT

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass(frozen=True)
class Layout:
    boxes: dict[str, Placed]
    width: float
    height: float
    back: frozenset[tuple[str, str]]  # edges drawn upwards (they close a loop)


def _back_edges(nodes: Sequence[str], start: str, out: dict[str, list[str]]) -> set[tuple[str, str]]:
    back: set[tuple[str, str]] = set()
    state: dict[str, int] = {}
    roots = [start] if start in out else []
    roots += [n for n in nodes if n != start]
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, pending = stack[-1]
            for nxt in pending:
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(out[nxt])))
                    break
            else:
                state[node] = 2
                stack.pop()
    return back


def layout(nodes: Sequence[str], edges: Sequence[tuple[str, str]], start: str) -> Layout:
    """Boxes for `nodes` (in file order) joined by `edges` (source, target)."""
    known = set(nodes)
    out: dict[str, list[str]] = {n: [] for n in nodes}
    for source, target in edges:
        if source in known and target in known and target not in out[source]:
            out[source].append(target)
    back = _back_edges(nodes, start, out)
    ins: dict[str, list[str]] = {n: [] for n in nodes}
    for source in nodes:
        for target in out[source]:
            if (source, target) not in back and source != target:
                ins[target].append(source)
    layer: dict[str, int] = {}
    order = _topological(nodes, ins, out, back)
    for node in order:
        layer[node] = max((layer[p] + 1 for p in ins[node] if p in layer), default=0)
    layers: dict[int, list[str]] = {}
    for node in order:
        layers.setdefault(layer[node], []).append(node)
    rows = [layers[i] for i in sorted(layers)]
    _arrange(rows, ins, out, back)
    widest = max((len(r) for r in rows), default=1)
    width = 2 * MARGIN + widest * NODE_WIDTH + (widest - 1) * GAP_X
    boxes: dict[str, Placed] = {}
    for depth, row in enumerate(rows):
        span = len(row) * NODE_WIDTH + (len(row) - 1) * GAP_X
        left = (width - span) / 2
        for i, node in enumerate(row):
            boxes[node] = Placed(left + i * (NODE_WIDTH + GAP_X), MARGIN + depth * (NODE_HEIGHT + GAP_Y))
    height = 2 * MARGIN + len(rows) * NODE_HEIGHT + max(0, len(rows) - 1) * GAP_Y
    return Layout(boxes, width, height, frozenset(back))


def _topological(
    nodes: Sequence[str], ins: dict[str, list[str]], out: dict[str, list[str]], back: set[tuple[str, str]]
) -> list[str]:
    waiting = {n: len(ins[n]) for n in nodes}
    ready = [n for n in nodes if waiting[n] == 0]
    ready.reverse()
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for target in reversed(out[node]):
            if (node, target) in back or target == node:
                continue
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return order


def _arrange(rows: list[list[str]], ins: dict[str, list[str]], out: dict[str, list[str]], back: set[tuple[str, str]]) -> None:
    """Reorder each layer by the mean position of its neighbours, sweeping
    down then up a few times."""
    below = {n: [t for t in out[n] if (n, t) not in back and t != n] for n in out}
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        sequence = range(1, len(rows)) if downwards else range(len(rows) - 2, -1, -1)
        for i in sequence:
            reference = rows[i - 1] if downwards else rows[i + 1]
            where = {n: k for k, n in enumerate(reference)}
            current = {n: k for k, n in enumerate(rows[i])}

            def mean(
                node: str, where: dict[str, int] = where, current: dict[str, int] = current, down: bool = downwards
            ) -> float:
                linked = [where[m] for m in (ins[node] if down else below[node]) if m in where]
                return sum(linked) / len(linked) if linked else float(current[node])

            rows[i].sort(key=lambda n: (mean(n), current[n]))
