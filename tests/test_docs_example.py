"""The complete example of docs/flow-format.md loads and walks as documented."""

from __future__ import annotations

import re
from pathlib import Path

from callflow.call.engine import Session
from callflow.call.summary import summarize
from callflow.flow.loadedflow import load_flow

DOC = Path(__file__).resolve().parents[1] / "docs" / "flow-format.md"


def example_flow(tmp_path: Path) -> Path:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"## A complete small example\n\n```yaml\n(.*?)```", text, re.S)
    assert block, "docs/flow-format.md lost its complete example"
    path = tmp_path / "refund-desk.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def test_example_walks_to_escalation_with_total(tmp_path: Path) -> None:
    loaded = load_flow(str(example_flow(tmp_path)))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    for answer in ["Sam", "Yes", "$120", "account", "123456"]:
        session.answer(answer)
    summary = summarize(session)
    assert session.ended
    assert summary.path == ("R-1", "R-2", "R-8")
    assert summary.outcome == "escalated_to_team_leader"
    assert str(summary.invoice.total) == "155.00"
    assert str(summary.invoice.paid) == "155.00"
    assert summary.ticket_value("title") == "Remote session for Sam"
    assert summary.notifications[0].message == "Code 123456"
    assert summary.follow_ups[0].text == "Team Leader reviews the account of Sam."


def test_example_no_session_ends_the_chat(tmp_path: Path) -> None:
    loaded = load_flow(str(example_flow(tmp_path)))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    session.answer("Sam")
    events = session.answer("no")
    assert session.ended
    assert any(getattr(e, "text", "") == "If you need anything, call us at 888.615.HELP." for e in events)
    assert summarize(session).outcome == "chat_ended"
