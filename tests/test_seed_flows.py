"""The four support procedures (seeds 000-003) as flows: each is a graph a
person can finish from every step, and its scenarios (flows/<flow>.scenarios/)
pass and reach every edge and end, through the real `callflow test`."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callflow.cli import app
from callflow.loader import LoadedFlow, load_flow
from callflow.model import Flow

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
SEED_FLOWS = (
    "remote-support-session",
    "onsite-visit-non-managed",
    "remote-offsite-engagement",
    "help-desk-go-live",
)
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/flow.schema.json"


@pytest.fixture(scope="module")
def flows() -> dict[str, LoadedFlow]:
    return {stem: load_flow(str(FLOWS / f"{stem}.yaml")) for stem in SEED_FLOWS}


def targets(flow: Flow, node_id: str) -> Iterator[str]:
    node = flow.nodes[node_id]
    if node.next is not None:
        yield node.next
    if node.choose is not None:
        yield from (option.goto for option in node.choose.options)
    for route in node.routes or ():
        target = getattr(route, "goto", None) or getattr(route, "else_", None)
        assert target is not None
        yield target


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_flow_file_names_its_schema_and_records_its_choices(stem: str) -> None:
    text = (FLOWS / f"{stem}.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    assert "# Choice:" in text


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_every_node_is_reachable_and_can_reach_an_end(flows: dict[str, LoadedFlow], stem: str) -> None:
    flow = flows[stem].flow
    out = {node_id: set(targets(flow, node_id)) for node_id in flow.nodes}
    assert set().union(*out.values()) <= set(flow.nodes)

    reached = {flow.start}
    queue = deque([flow.start])
    while queue:
        for target in out[queue.popleft()] - reached:
            reached.add(target)
            queue.append(target)
    assert reached == set(flow.nodes)

    finishing = {node_id for node_id, node in flow.nodes.items() if node.end is not None}
    while True:
        more = {node_id for node_id, targets_ in out.items() if targets_ & finishing} - finishing
        if not more:
            break
        finishing |= more
    assert finishing == set(flow.nodes)


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_every_field_is_asked_somewhere(flows: dict[str, LoadedFlow], stem: str) -> None:
    loaded = flows[stem]
    assert set(loaded.flow.fields) <= set(loaded.index.places)


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_scenarios_pass_and_reach_every_edge_and_end(stem: str) -> None:
    scenarios = sorted((FLOWS / f"{stem}.scenarios").rglob("*.yaml"))
    result = CliRunner().invoke(
        app, ["test", str(FLOWS / f"{stem}.yaml"), "--fail-under", "100", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["passed"], report["failed"], report["errors"]) == (len(scenarios), 0, 0)
    assert {r["outcome"] for r in report["results"]} == {
        node.end for node in load_flow(str(FLOWS / f"{stem}.yaml")).flow.nodes.values() if node.end is not None
    }
    (coverage,) = report["coverage"]
    assert (coverage["edges"]["percent"], coverage["ends"]["percent"], coverage["nodes"]["percent"]) == (100, 100, 100)
    assert coverage["missed"] == {"nodes": [], "edges": [], "ends": []}
