"""Real calls back into lint: `callflow lint FLOW --usage FOLDER`.

For each flow linted, the calls of that flow under the folders (in the
period, if one is given) are counted as `callflow report` counts them, and
three warnings come of it, each where the author wrote the thing:

- CF401 a node no call reached (at the node's key);
- CF402 an edge no call took between two nodes calls did reach (at its
  `next`, `goto`, `else`, `then` or `call:`; an edge from or to a node never
  reached is already said by CF401);
- CF403 a node whose median time per call (the receipts' time per node) is over the `expected_time` the
  flow gives it (at that key).

A flow no call of the period ran gets no warning, only a note: silence from
no data is not a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.errors import CallflowError
from callflow.lint.rules.usage import EDGE_NEVER_TAKEN, NODE_NEVER_REACHED, OVER_EXPECTED_TIME
from callflow.report.calls import Filters
from callflow.report.columns import clock
from callflow.report.flowmap import FlowMap


@dataclass
class Usage:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said on stderr: what the warnings rest on


def _calls(n: int) -> str:
    return f"{n:,} call{'s' if n != 1 else ''}"


def usage_warnings(files: Sequence[str], folders: Sequence[str], since: str | None, until: str | None) -> Usage:
    """The usage warnings of the flow files linted, from the calls under `folders`."""
    from callflow.flow.loadedflow import is_library_text, load_flow
    from callflow.report.run import report

    usage = Usage()
    flow_files: dict[str, str] = {}
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                if is_library_text(handle.read(65536)):
                    continue
            loaded = load_flow(path)
        except (CallflowError, OSError):
            continue  # lint has said what is wrong with it
        flow_files.setdefault(loaded.flow.id, path)
    if not flow_files:
        return usage
    data, maps = report(folders, Filters(flows=list(flow_files), since=since, until=until), flow_files)
    period = (
        f" from {since} to {until}" if since and until else f" since {since}" if since else f" until {until}" if until else ""
    )
    for flow_id, path in flow_files.items():
        flow_map = maps.get(flow_id)
        part = next((p for p in data["paths"] if p["flow"] == flow_id), None)
        if not isinstance(flow_map, FlowMap) or part is None or part["calls"] == 0:
            usage.notes.append(f"{path}: no ended call of flow '{flow_id}' under {', '.join(folders)}{period}: nothing to compare")
            continue
        ended = part["calls"]
        usage.notes.append(f"{path}: compared with {_calls(ended)} that ended{period}")
        unreached = set(part["nodes_never_reached"])
        for node in part["nodes_never_reached"]:
            where = flow_map.where(node)
            usage.diagnostics.append(
                _warning(where, NODE_NEVER_REACHED.code, f"no call reached node '{node}' in {_calls(ended)}{period}: "
                         "is it still needed, and can a call get there?")
            )
        for edge in flow_map.never_taken():
            if edge.source in unreached or edge.target in unreached:
                continue  # CF401 says it
            label = f" ({edge.label})" if edge.label else ""
            target = edge.target  # a return: the caller it goes back to
            usage.diagnostics.append(
                _warning(flow_map.edge_where(edge), EDGE_NEVER_TAKEN.code,
                         f"no call took {edge.source} → {target}{label} in {_calls(ended)}{period}")
            )
        for node in (n for n in data["nodes"] if n["flow"] == flow_id):
            expected, median = node["expected_seconds"], node["median"]
            if expected is None or median is None or median <= expected:
                continue
            usage.diagnostics.append(
                _warning(flow_map.where(node["node"], ("expected_time",)), OVER_EXPECTED_TIME.code,
                         f"calls spend {clock(median)} at node '{node['node']}' (the median of {node['timed']:,} timed "
                         f"call{'s' if node['timed'] != 1 else ''}; p90 {clock(node['p90'])}), over its expected_time "
                         f"of {clock(expected)}")
            )
    return usage


def _warning(where: tuple[str, int, int], code: str, message: str) -> Diagnostic:
    from callflow.lint.rules import ALL_RULES

    path, line, col = where
    return Diagnostic(path, line, col, code, ALL_RULES[code].severity, message)
