"""A flow as the author wrote it, for drawing: its own nodes, then each
procedure's nodes once (named `procedure/node`), and the calls between them.

The flat flow a call walks has a copy of a procedure for every caller
(callflow.flow.procedures); a picture shows the procedure once, as a cluster,
with a dashed edge from each caller to its start and from each of its
`return: true` nodes back to the caller.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from callflow.flow.graph import Edge, edges_of
from callflow.flow.model import Flow, Node
from callflow.flow.procedures import LEVEL, SourceProcedure
from callflow.flow.steps import CallStep


@dataclass
class Picture:
    """Nodes to draw by id, which cluster each is in, and every edge."""

    flow: Flow  # the nodes to draw: the flow's own, and procedure/node for procedures
    clusters: dict[str, list[str]] = field(default_factory=dict)  # procedure -> its node ids
    titles: dict[str, str] = field(default_factory=dict)  # procedure -> what it is called
    edges: list[Edge] = field(default_factory=list)


def picture_of(written: Flow, procedures: dict[str, SourceProcedure]) -> Picture:
    """The picture of a flow as written, with its procedures (own and from libraries)."""
    nodes: dict[str, Node] = dict(written.nodes)
    edges = edges_of(written)
    clusters: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for name, source in procedures.items():
        procedure = source.procedure
        prefix = f"{name}{LEVEL}"
        renamed = {node_id: prefix + node_id for node_id in procedure.nodes}
        inner = Flow(id=name, title=procedure.title or name, start=procedure.start, nodes=dict(procedure.nodes))
        for edge in edges_of(inner):
            edges.append(edge._replace(source=renamed[edge.source], target=renamed.get(edge.target, prefix + edge.target)))
        for node_id, node in procedure.nodes.items():
            nodes[renamed[node_id]] = dataclasses.replace(node, return_=None) if node.return_ else node
        clusters[name] = list(renamed.values())
        titles[name] = procedure.title or name
    for node_id, node in list(nodes.items()):
        for i, step in enumerate(node.steps):
            if isinstance(step, CallStep) and step.call in procedures:
                callee = procedures[step.call].procedure
                start = f"{step.call}{LEVEL}{callee.start}"
                edges.append(Edge(node_id, start, "call", i, f"call {step.call}", ("nodes", node_id, "steps", i)))
                for inner_id, inner_node in callee.nodes.items():
                    if inner_node.return_:
                        back = f"{step.call}{LEVEL}{inner_id}"
                        edges.append(Edge(back, node_id, "return", i, "return", ("nodes", node_id, "steps", i)))
    flat = dataclasses.replace(written, nodes=nodes, procedures={})
    return Picture(flat, clusters, titles, edges)
