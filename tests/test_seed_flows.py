"""The four support procedures (seeds 000-003) as flows: each is a graph a
person can finish from every step, and its scenarios walk every edge and end.

The scenarios live in `flows/<flow>.scenarios/` (docs/scenarios.md). Until
`callflow test` runs them, this module walks each one through the engine and
checks the expectations those files use (path, outcome, ticket, notifications,
follow-ups), that every answer was asked, and edge and end coverage.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callflow.answers import parse_answers_document
from callflow.engine import Session
from callflow.events import NodeEntered, Via
from callflow.loader import LoadedFlow, load_data, load_flow
from callflow.model import Flow
from callflow.runner import drive
from callflow.scripted import ScriptedFrontEnd
from callflow.summary import Summary, summarize

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
SEED_FLOWS = (
    "remote-support-session",
    "onsite-visit-non-managed",
    "remote-offsite-engagement",
    "help-desk-go-live",
)
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/flow.schema.json"
CHECKED_EXPECTATIONS = {"path", "outcome", "ticket", "notifications", "follow_ups"}


def scenario_files(stem: str) -> list[Path]:
    return sorted((FLOWS / f"{stem}.scenarios").rglob("*.y*ml"))


SCENARIOS = [pytest.param(stem, path, id=f"{stem}/{path.stem}") for stem in SEED_FLOWS for path in scenario_files(stem)]


@pytest.fixture(scope="module")
def flows() -> dict[str, LoadedFlow]:
    return {stem: load_flow(str(FLOWS / f"{stem}.yaml")) for stem in SEED_FLOWS}


def edges(flow: Flow) -> Iterator[tuple[Via, str]]:
    """Every edge of the flow as the engine names it, with its target."""
    for node_id, node in flow.nodes.items():
        if node.next is not None:
            yield Via(node_id, "next", 0), node.next
        if node.choose is not None:
            for i, option in enumerate(node.choose.options):
                yield Via(node_id, "choose", i), option.goto
        for i, route in enumerate(node.routes or ()):
            target = getattr(route, "goto", None) or getattr(route, "else_", None)
            assert target is not None
            yield Via(node_id, "routes", i), target


def ends(flow: Flow) -> set[str]:
    return {node_id for node_id, node in flow.nodes.items() if node.end is not None}


def walk(loaded: LoadedFlow, path: Path) -> tuple[Session, Summary, dict[str, Any]]:
    """Walk a scenario's answers; return the session, its summary and the scenario data."""
    data, text = load_data(str(path))
    answers = parse_answers_document(data, text, str(path))
    answers.check_known(loaded.flow, loaded.index)
    session = Session(loaded.flow, loaded.index, agent=answers.agent)
    drive(session, ScriptedFrontEnd(answers))
    asked = Counter(a.field_id for a in session.answers())
    given = {key: len(values) for key, values in answers.answers.items()}
    assert dict(asked) == given, f"{path}: answers given but never asked, or asked without an answer"
    return session, summarize(session), data


# -- the flows as graphs ---------------------------------------------------------------------


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_flow_file_names_its_schema_and_records_its_choices(stem: str) -> None:
    text = (FLOWS / f"{stem}.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    assert "# Choice:" in text


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_every_node_is_reachable_and_can_reach_an_end(flows: dict[str, LoadedFlow], stem: str) -> None:
    flow = flows[stem].flow
    targets: dict[str, set[str]] = {node_id: set() for node_id in flow.nodes}
    for via, target in edges(flow):
        assert target in flow.nodes, f"{via.node_id} goes to unknown node {target}"
        targets[via.node_id].add(target)
    for node_id, node in flow.nodes.items():
        assert node.way_on is not None, f"{node_id} has no way on"

    reached = {flow.start}
    queue = deque([flow.start])
    while queue:
        for target in targets[queue.popleft()] - reached:
            reached.add(target)
            queue.append(target)
    assert reached == set(flow.nodes)

    finishing = ends(flow)
    grew = True
    while grew:
        before = len(finishing)
        finishing |= {node_id for node_id, out in targets.items() if out & finishing}
        grew = len(finishing) > before
    assert finishing == set(flow.nodes)


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_every_field_is_asked_somewhere(flows: dict[str, LoadedFlow], stem: str) -> None:
    loaded = flows[stem]
    assert set(loaded.flow.fields) <= set(loaded.index.places)


# -- the scenarios ---------------------------------------------------------------------------


@pytest.mark.parametrize(("stem", "path"), SCENARIOS)
def test_scenario_walks_as_expected(flows: dict[str, LoadedFlow], stem: str, path: Path) -> None:
    loaded = flows[stem]
    session, summary, data = walk(loaded, path)
    expect = data["expect"]
    assert set(expect) <= CHECKED_EXPECTATIONS, f"{path}: expectations this test does not check"
    assert session.ended
    assert list(summary.path) == expect["path"]
    assert summary.outcome == expect["outcome"]
    assert summary.ticket_missing == ()

    got_ticket = {field.key: field.value for field in summary.ticket}
    for key, value in (expect.get("ticket") or {}).items():
        assert key in loaded.flow.ticket_fields, f"{path}: '{key}' is not a ticket field"
        assert got_ticket.get(key) == value, f"ticket field {key}"
    assert set(got_ticket) <= set(expect.get("ticket") or {}), "ticket fields set that the scenario does not expect"

    assert [{"to": n.to, "message": n.message} for n in summary.notifications] == expect["notifications"]
    assert [f.text for f in summary.follow_ups] == expect["follow_ups"]
    assert summary.invoice.lines == () and summary.payments == ()  # no seed names a price


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_scenarios_take_every_edge_and_reach_every_end(flows: dict[str, LoadedFlow], stem: str) -> None:
    loaded = flows[stem]
    taken: set[Via] = set()
    reached: set[str] = set()
    for path in scenario_files(stem):
        session, summary, _ = walk(loaded, path)
        for frame in session.frames:
            taken |= {e.via for e in frame.events if isinstance(e, NodeEntered) and e.via is not None}
        reached.add(summary.path[-1])
    assert {via for via, _ in edges(loaded.flow)} - taken == set()
    assert ends(loaded.flow) - reached == set()
