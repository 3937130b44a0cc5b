"""Changing an earlier answer (Ctrl-R) is an engine operation: the call
becomes exactly what replaying its answers with the one changed gives, the
journal records the change and a resume replays it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from languagekit import ANSWERS as DESK_ANSWERS
from languagekit import DESK, TODAY
from sessionkit import D2, D2_ANSWERS, cli, journal_of

from callflow.call.answers import load_answers
from callflow.call.engine import Session
from callflow.call.events import Answered
from callflow.call.revise import change
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import summarize
from callflow.call.values import InvalidAnswer, options_of, question_type
from callflow.flow.index import Confirmation
from callflow.flow.loadedflow import LoadedFlow, load_flow
from callflow.record.calls import CallRecorder
from callflow.record.journal import journal_value
from callflow.record.journalread import read_journal
from callflow.record.replay import replay


def walked(loaded: LoadedFlow, answers_file: Path) -> Session:
    answers = load_answers(str(answers_file))
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    front = ScriptedFrontEnd(answers)
    while session.prompt is not None:
        session.answer(front.ask(session, session.prompt))
    return session


def journalled(answer: Answered) -> dict[str, Any]:
    """An answer as the journal keeps it (what a resume replays)."""
    event: dict[str, Any] = {"node": answer.node_id, "field": answer.field_id, "value": journal_value(answer.value)}
    if answer.reason is not None:
        event["reason"] = answer.reason
    return event


def replayed(loaded: LoadedFlow, events: list[dict[str, Any]]) -> Session:
    """A new call given these answers in order, up to the first the flow no longer takes."""
    result = replay(events, loaded.flow, loaded.index, agent="Dana", today=TODAY)
    return result.session


def other_answers(session: Session, position: int) -> list[object]:
    """Answers the question of answer `position` could have had instead."""
    prompt = session.asked(position)
    question = prompt.question
    old = session.answers()[position]
    if isinstance(question, Confirmation):
        return ["done" if not old.value else {"done": "no", "reason": "changed my mind"}]
    kind = question_type(question)
    if kind == "choice":
        return [o.key for o in options_of(question) if o.key != old.value]
    if kind == "yesno":
        return [not old.value]
    if kind == "money":
        return ["0", "12.34"]
    if kind in ("number", "duration"):
        return ["1"]
    if kind == "date":
        return [TODAY.isoformat()]
    if getattr(question, "pattern", None):
        return ["654321"]
    return ["changed text"]


D2_FILES = sorted(D2_ANSWERS.glob("*.yaml"))


@pytest.mark.parametrize("answers_file", D2_FILES, ids=[p.stem for p in D2_FILES])
def test_every_change_of_every_d2_call_equals_a_replay_with_that_answer(answers_file: Path) -> None:
    loaded = load_flow(str(D2))
    count = len(walked(loaded, answers_file).answers())
    for position in range(count):
        for new in other_answers(walked(loaded, answers_file), position):
            session = walked(loaded, answers_file)
            before = session.answers()
            done = change(session, position, new)
            events = [journalled(a) for a in before]
            events[position] = journalled(done.new)
            expected = replayed(loaded, events)
            assert summarize(session).to_dict() == summarize(expected).to_dict(), (position, new)
            assert session.prompt == expected.prompt or (
                session.prompt is not None and expected.prompt is not None
                and session.prompt.field_id == expected.prompt.field_id
            )  # fmt: skip
            assert [a.field_id for a in done.kept] == [a.field_id for a in session.answers()[position + 1 :]]
            assert len(done.kept) + len(done.offered) == count - position - 1


def test_a_change_that_keeps_the_path_gives_the_later_answers_again() -> None:
    loaded = load_flow(str(D2))
    session = walked(loaded, D2_ANSWERS / "D-2-9-payg-addon-and-balance.yaml")
    position = next(i for i, a in enumerate(session.answers()) if a.field_id == "payment_method")
    done = change(session, position, "account")
    assert (done.old.value, done.new.value) == ("phone", "account")
    assert [a.field_id for a in done.kept] == ["ticket_number"] and done.offered == ()
    assert session.ended
    summary = summarize(session)
    assert [p.method for p in summary.payments] == ["Online: Anything Computers.org icon > Access your account"]
    assert str(summary.invoice.due) == "0.00"


def test_a_change_that_takes_another_path_offers_the_later_answers_where_asked() -> None:
    loaded = load_flow(str(D2))
    session = walked(loaded, D2_ANSWERS / "D-2-9-payg-addon-and-balance.yaml")
    position = next(i for i, a in enumerate(session.answers()) if a.field_id == "past_due_amount")
    done = change(session, position, "0")  # no balance: D-2-7 asks about the session instead
    assert done.kept == ()
    assert [a.field_id for a in done.offered] == ["pays_addon_and_balance", "remote_agent", "payment_method", "ticket_number"]
    assert session.prompt is not None and session.prompt.field_id == "wants_remote_session"
    session.answer("yes")
    # remote_agent is asked again on the new path: it opens on the answer given before.
    assert session.prompt is not None and session.prompt.field_id == "remote_agent"
    assert session.prompt.previous == "Sam Ortiz" and session.prompt.default == "Sam Ortiz"
    session.answer("Alex")
    assert session.prompt is not None and session.prompt.previous == "phone"


def test_a_new_answer_that_does_not_fit_leaves_the_call_as_it_was() -> None:
    loaded = load_flow(str(D2))
    session = walked(loaded, D2_ANSWERS / "D-2-9-payg-addon-and-balance.yaml")
    before = summarize(session).to_dict()
    position = next(i for i, a in enumerate(session.answers()) if a.field_id == "past_due_amount")
    with pytest.raises(InvalidAnswer, match="is not"):
        change(session, position, "lots")
    with pytest.raises(InvalidAnswer, match="there is no answer #99"):
        change(session, 98, "x")
    assert summarize(session).to_dict() == before and session.ended


def test_a_checklist_item_changed_to_not_done_keeps_its_reason_and_the_rest() -> None:
    loaded = load_flow(str(DESK))
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    for answer in DESK_ANSWERS:
        session.answer(answer)
    position = next(i for i, a in enumerate(session.answers()) if a.field_id == "stock_logged")
    done = change(session, position, "done")
    assert (done.old.reason, done.new.value) == ("sheet is locked", True)
    assert [a.field_id for a in done.kept] == ["callback"]
    assert [(c.done, c.reason) for c in summarize(session).checklist] == [(True, None)]
    change(session, position, {"done": "no", "reason": "card 4111 1111 1111 1111 on the sheet"})
    assert [c.reason for c in summarize(session).checklist] == ["card XXXX XXXX XXXX 1111 on the sheet"]


def test_the_journal_records_the_change_and_a_resume_replays_it(tmp_path: Path) -> None:
    loaded = load_flow(str(D2))
    sessions = tmp_path / "s"
    answers = load_answers(str(D2_ANSWERS / "D-2-9-payg-addon-and-balance.yaml"))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    call = CallRecorder.start(loaded, session, sessions, journal=True)
    front = ScriptedFrontEnd(answers)
    for _ in range(6):  # up to the payment method
        assert session.prompt is not None
        session.answer(front.ask(session, session.prompt))
        call.answered(session.answers()[-1])
    agent_at = next(i for i, a in enumerate(session.answers()) if a.field_id == "remote_agent")
    call.changed(change(session, agent_at, "Alex"))
    call.stopped("ctrl-c")

    record = read_journal(journal_of(sessions))
    [changed] = [e for e in record.events if e["event"] == "change"]
    assert {k: changed[k] for k in ("answer", "node", "field", "old", "new", "kept", "offered")} == {
        "answer": agent_at + 1, "node": "D-2-15", "field": "remote_agent", "old": "Sam Ortiz", "new": "Alex",
        "kept": 0, "offered": 0,
    }  # fmt: skip
    assert changed["at"] and changed["next_field"] == "payment_method" and changed["total"] == "65.50"
    assert [(a["field"], a["value"]) for a in record.answers()][-1] == ("remote_agent", "Alex")

    finished = cli(
        "resume", call.session_id, "--answers", D2_ANSWERS / "D-2-9-payg-addon-and-balance.yaml", "--json",
        "--sessions-dir", sessions,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    receipt = json.loads(finished.stdout)
    assert [f["value"] for f in receipt["ticket"]["fields"] if f["key"] == "assignee"] == ["Alex"]
    assert [a["value"] for a in receipt["answers"] if a["field"] == "remote_agent"] == ["Alex"]
