"""Pictures of a flow: Mermaid (GitHub renders it in Markdown) and Graphviz dot.

Each node shows its id and section; ends are drawn apart (Mermaid: a rounded
stadium, dot: a double border) with their outcome; the start has a heavier
border. Edges carry what takes them: the option's label, the route's
condition, `else`. A node that a way on names but the flow lacks is drawn as
"missing", so a flow with lint errors still has a picture. A walked path
(an answers file, a receipt, a journal) is coloured.

Node ids such as `D-2-4` are not identifiers in Mermaid, so each node gets a
safe one (`n_D_2_4`); dot quotes every id and label. Labels are escaped for
each syntax, so no text in a flow can break the picture or inject into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from callflow.flow.graph import Edge, edges_of
from callflow.flow.model import Flow
from callflow.flow.picture import Picture

WALKED_COLOUR = "#d9480f"
END_FILL = "#e6f4ea"
WALKED_FILL = "#fff3bf"


@dataclass(frozen=True)
class Walked:
    """The part of the flow a call went through, to colour.

    `edges` are exact (source node, way, option or route index), as the
    engine reports them; `steps` are (from, to) node pairs, for a saved path
    that does not say which of two edges between the same nodes it took.
    """

    nodes: frozenset[str] = frozenset()
    edges: frozenset[tuple[str, str, int]] = frozenset()
    steps: frozenset[tuple[str, str]] = frozenset()

    def has_edge(self, edge: Edge, parallel: int) -> bool:
        if (edge.source, edge.way, edge.branch) in self.edges:
            return True
        # A (from, to) step colours the edge only when it is the one edge between them.
        return parallel == 1 and (edge.source, edge.target) in self.steps


@dataclass
class _Picture:
    flow: Flow
    walked: Walked | None
    edges: list[Edge] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    clusters: dict[str, list[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, flow: Flow | Picture, walked: Walked | None) -> _Picture:
        if isinstance(flow, Picture):
            drawn, edges, clusters, titles = flow.flow, flow.edges, flow.clusters, flow.titles
        else:
            drawn, edges, clusters, titles = flow, edges_of(flow), {}, {}
        missing = list(dict.fromkeys(e.target for e in edges if e.target not in drawn.nodes))
        return cls(drawn, walked, edges, missing, clusters, titles)

    def cluster_of(self) -> dict[str, str]:
        return {node_id: name for name, node_ids in self.clusters.items() for node_id in node_ids}

    def parallel(self, edge: Edge) -> int:
        return sum(1 for e in self.edges if e.source == edge.source and e.target == edge.target)

    def on_path(self, edge: Edge) -> bool:
        return self.walked is not None and self.walked.has_edge(edge, self.parallel(edge))

    def node_walked(self, node_id: str) -> bool:
        return self.walked is not None and node_id in self.walked.nodes

    def lines(self, node_id: str) -> list[str]:
        node = self.flow.nodes[node_id]
        lines = [node_id]
        if node.section:
            lines.append(node.section)
        if node.end is not None:
            lines.append(f"end: {node.end}")
        return lines


def _edge_label(edge: Edge) -> str | None:
    return edge.label


# -- Mermaid ---------------------------------------------------------------------------

_MERMAID_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "|": "#124;", "`": "#96;"}
_MERMAID_SPECIAL = re.compile("[" + re.escape("".join(_MERMAID_ESCAPES)) + "]")


def mermaid_text(text: str) -> str:
    """Text for inside a quoted Mermaid label: entity codes for what has meaning."""
    escaped = _MERMAID_SPECIAL.sub(lambda m: _MERMAID_ESCAPES[m.group()], text)
    return " ".join(escaped.split())  # one line per label line


def mermaid_ids(node_ids: Iterable[str]) -> dict[str, str]:
    """A distinct Mermaid-safe identifier for each node id (n_ + letters, digits, _)."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node_id in node_ids:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)
        safe, n = base, 2
        while safe in taken:
            safe, n = f"{base}_{n}", n + 1
        taken.add(safe)
        ids[node_id] = safe
    return ids


def mermaid(drawn: Flow | Picture, walked: Walked | None = None) -> str:
    """The flow as a Mermaid flowchart (procedures as subgraphs)."""
    picture = _Picture.of(drawn, walked)
    flow = picture.flow
    ids = mermaid_ids([*flow.nodes, *picture.missing])
    out = ["flowchart TD", f"    %% {mermaid_text(flow.id)}: {mermaid_text(flow.title)}"]
    classes: dict[str, list[str]] = {}
    cluster_of = picture.cluster_of()
    for node_id in flow.nodes:
        if node_id in cluster_of:
            continue
        out.append(_mermaid_node(picture, ids, node_id))
    for name, node_ids in picture.clusters.items():
        out.append(f'    subgraph {mermaid_ids(["p_" + name])["p_" + name]}["{mermaid_text(picture.titles.get(name, name))}"]')
        out += ["    " + _mermaid_node(picture, ids, node_id) for node_id in node_ids]
        out.append("    end")
    for node_id, node in flow.nodes.items():
        walked_here = picture.node_walked(node_id)
        if node.end is not None:
            kind = "walkedEnding" if walked_here else "ending"
        elif walked_here:
            kind = "walked"
        elif node_id == flow.start:
            kind = "start"
        else:
            continue
        classes.setdefault(kind, []).append(ids[node_id])
    for node_id in picture.missing:
        out.append(f'    {ids[node_id]}["{mermaid_text(node_id)}<br/>missing"]')
        classes.setdefault("missing", []).append(ids[node_id])
    taken: list[int] = []
    for i, edge in enumerate(picture.edges):
        label = _edge_label(edge)
        line = "-.->" if edge.way in ("call", "return") else "-->"
        arrow = f'{line}|"{mermaid_text(label)}"|' if label is not None else line
        out.append(f"    {ids[edge.source]} {arrow} {ids[edge.target]}")
        if picture.on_path(edge):
            taken.append(i)
    styles = {
        "start": "stroke-width:3px",
        "ending": f"fill:{END_FILL},stroke:#2f7d32",
        "walked": f"fill:{WALKED_FILL},stroke:{WALKED_COLOUR},stroke-width:2px",
        "walkedEnding": f"fill:{WALKED_FILL},stroke:{WALKED_COLOUR},stroke-width:3px",
        "missing": "fill:#fdecea,stroke:#c62828,stroke-dasharray:4 3",
    }
    for kind, style in styles.items():
        if kind in classes:
            out.append(f"    classDef {kind} {style}")
            out.append(f"    class {','.join(classes[kind])} {kind}")
    if taken:
        out.append(f"    linkStyle {','.join(map(str, taken))} stroke:{WALKED_COLOUR},stroke-width:3px")
    return "\n".join(out) + "\n"


def _mermaid_node(picture: _Picture, ids: dict[str, str], node_id: str) -> str:
    node = picture.flow.nodes[node_id]
    text = "<br/>".join(mermaid_text(line) for line in picture.lines(node_id))
    if node.end is not None:
        return f'    {ids[node_id]}(["{text}"])'
    return f'    {ids[node_id]}["{text}"]'


# -- Graphviz dot ---------------------------------------------------------------------------


def dot_string(text: str) -> str:
    """A double-quoted dot string; lines of a label are joined with \\n."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + escaped.replace("\n", "\\n") + '"'


def dot(drawn: Flow | Picture, walked: Walked | None = None) -> str:
    """The flow as a Graphviz digraph (procedures as clusters)."""
    picture = _Picture.of(drawn, walked)
    flow = picture.flow
    out = [
        f"digraph {dot_string(flow.id)} {{",
        f"    graph [label={dot_string(flow.title)}, labelloc=t, fontname=Helvetica, rankdir=TB];",
        '    node [shape=box, style=rounded, fontname=Helvetica, fontsize=11];',
        "    edge [fontname=Helvetica, fontsize=10];",
    ]
    for name, node_ids in picture.clusters.items():
        out.append(f"    subgraph {dot_string('cluster_' + name)} {{")
        out.append(f'        label={dot_string(picture.titles.get(name, name))}; style="dashed";')
        out += [f"        {dot_string(node_id)};" for node_id in node_ids]
        out.append("    }")
    for node_id, node in flow.nodes.items():
        attributes = [f"label={dot_string(chr(10).join(picture.lines(node_id)))}"]
        walked_here = picture.node_walked(node_id)
        if node.end is not None:
            attributes += ["peripheries=2", 'style="rounded,filled"', f'fillcolor="{WALKED_FILL if walked_here else END_FILL}"']
        elif walked_here:
            attributes += ['style="rounded,filled"', f'fillcolor="{WALKED_FILL}"']
        if walked_here:
            attributes += [f'color="{WALKED_COLOUR}"', "penwidth=2.5"]
        elif node_id == flow.start:
            attributes.append("penwidth=2.5")
        out.append(f"    {dot_string(node_id)} [{', '.join(attributes)}];")
    for node_id in picture.missing:
        missing = dot_string(f"{node_id}\nmissing")
        out.append(f'    {dot_string(node_id)} [label={missing}, style="dashed", color="#c62828", fontcolor="#c62828"];')
    for edge in picture.edges:
        attributes = []
        label = _edge_label(edge)
        if label is not None:
            attributes.append(f"label={dot_string(label)}")
        if edge.way in ("call", "return"):
            attributes.append('style="dashed"')
        if picture.on_path(edge):
            attributes += [f'color="{WALKED_COLOUR}"', f'fontcolor="{WALKED_COLOUR}"', "penwidth=2.5"]
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        out.append(f"    {dot_string(edge.source)} -> {dot_string(edge.target)}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"
