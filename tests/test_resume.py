"""Resume: the journal replayed through the engine gives the same call, and
the call goes on where it stopped; a changed flow is detected and told."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sessionkit import (
    D2,
    PAYG,
    cli,
    d2_answer_files,
    journal_of,
    load_d2,
    partial_call,
    scripted_call,
    standing,
    summary_part,
    write,
)

from callflow.call.answers import load_answers
from callflow.call.summary import summarize
from callflow.flow.loadedflow import load_flow
from callflow.record.journal import Journal
from callflow.record.journalread import read_journal
from callflow.record.replay import AFTER_MISFIT, replay


@pytest.mark.parametrize("answers_path", d2_answer_files(), ids=lambda p: p.stem)
def test_replaying_a_journal_gives_the_same_summary(tmp_path: Path, answers_path: Path) -> None:
    loaded = load_d2()
    answers = load_answers(str(answers_path))
    _, session = scripted_call(loaded, answers, tmp_path / "s")
    record = read_journal(journal_of(tmp_path / "s"))
    result = replay(record.answers(), loaded.flow, loaded.index, agent=record.agent)
    assert result.complete and result.replayed == len(session.answers())
    assert summarize(result.session) == summarize(session)
    # What the end journalled is what was (and would be) written as the receipt.
    end = record.end
    assert end is not None and end["receipt"]["path"] == list(summarize(session).path)


def test_a_back_before_the_stop_is_replayed_and_its_answer_offered_again(tmp_path: Path) -> None:
    loaded = load_d2()
    call = partial_call(loaded, PAYG, tmp_path / "s", 4)
    assert call.journal is None or not call.journal.is_open
    journal = Journal.reopen(journal_of(tmp_path / "s"))
    journal.write({"event": "back", "node": "D-2-6", "field": "past_due_amount"})
    journal.close()
    record = read_journal(journal_of(tmp_path / "s"))
    result = replay(record.answers(), loaded.flow, loaded.index, agent="Dana", undone=record.undone())
    prompt = result.session.prompt
    assert prompt is not None and prompt.field_id == "past_due_amount"
    assert str(prompt.previous) == "45.50"
    assert len(result.session.answers()) == 3


def test_resume_with_answers_goes_on_where_the_call_stopped(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    partial = write(tmp_path / "partial.yaml", "\n".join(PAYG.read_text().splitlines()[:8]) + "\n")
    stopped = cli("run", D2, "--answers", partial, "--save", "--sessions-dir", sessions)
    assert stopped.returncode == 4, stopped.stderr
    before = standing(journal_of(sessions))
    assert [f for f, _ in before] == ["existing_member", "member_plan", "payg_more_than_one_contact"]

    # The file holds the whole call: the answers the journal gave are skipped.
    resumed = cli("resume", "--answers", PAYG, "--sessions-dir", sessions, "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert "Replayed 3 answers from the journal." in resumed.stderr
    receipt = json.loads(resumed.stdout)
    uninterrupted = json.loads(cli("run", D2, "--answers", PAYG, "--json").stdout)
    assert summary_part(receipt) == summary_part(uninterrupted)
    assert [(a["field"], a["value"]) for a in receipt["answers"][:3]] == before
    record = read_journal(journal_of(sessions))
    kinds = [e["event"] for e in record.events]
    assert kinds[:4] == ["answer", "answer", "answer", "stopped"]
    assert kinds[4] == "resume" and kinds[-2:] == ["end", "receipt"]
    assert record.events[4]["kept"] == 3 and record.events[4]["flow_changed"] is False


def test_resume_takes_the_newest_unfinished_session_by_default(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    loaded = load_d2()
    older = partial_call(loaded, PAYG, sessions, 2)
    scripted_call(loaded, load_answers(str(PAYG)), sessions)  # a newer one that ended
    resumed = cli("resume", "--answers", PAYG, "--sessions-dir", sessions)
    assert resumed.returncode == 0, resumed.stderr
    assert f"Resuming session {older.session_id}" in resumed.stderr
    assert read_journal(sessions / "journal" / f"{older.session_id}.jsonl").ended


def test_resume_says_what_it_cannot_do(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    nothing = cli("resume", "--answers", PAYG, "--sessions-dir", sessions)
    assert nothing.returncode == 2 and "No unfinished session to resume" in nothing.stderr
    call, _ = scripted_call(load_d2(), load_answers(str(PAYG)), sessions)
    ended = cli("resume", call.session_id[-6:], "--answers", PAYG, "--sessions-dir", sessions)
    assert ended.returncode == 2
    assert f"Session {call.session_id} has already ended (transferred to remote agent)" in ended.stderr
    assert f"callflow sessions export {call.session_id}" in ended.stderr
    unknown = cli("resume", "nosuch", "--answers", PAYG, "--sessions-dir", sessions)
    assert unknown.returncode == 2 and "no session 'nosuch'" in unknown.stderr
    for result in (nothing, ended, unknown):
        assert "Traceback" not in result.stderr


def test_a_live_resume_needs_a_terminal(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    partial_call(load_d2(), PAYG, sessions, 2)
    result = cli("resume", "--sessions-dir", sessions)
    assert result.returncode == 2 and "--answers FILE" in result.stderr
    assert not read_journal(journal_of(sessions)).ended


def test_a_session_open_in_another_callflow_is_not_resumed_twice(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    call = partial_call(load_d2(), PAYG, sessions, 2)
    holder = Journal.reopen(journal_of(sessions))
    try:
        busy = cli("resume", call.session_id, "--answers", PAYG, "--sessions-dir", sessions)
        assert busy.returncode == 2 and "is open in another callflow right now" in busy.stderr
        # Without an id, the open session is not "the newest unfinished".
        default = cli("resume", "--answers", PAYG, "--sessions-dir", sessions)
        assert default.returncode == 2 and "No unfinished session" in default.stderr
    finally:
        holder.close()


def test_a_moved_flow_file_is_named_and_can_be_given(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    flow = tmp_path / "flow.yaml"
    shutil.copy(D2, flow)
    call = partial_call(load_flow(str(flow)), PAYG, sessions, 3)
    moved = tmp_path / "moved.yaml"
    flow.rename(moved)
    missing = cli("resume", "--answers", PAYG, "--sessions-dir", sessions)
    assert missing.returncode == 3
    assert f"the flow file of session {call.session_id} is not found: {flow}" in missing.stderr
    assert "--flow PATH" in missing.stderr
    found = cli("resume", "--answers", PAYG, "--sessions-dir", sessions, "--flow", moved)
    assert found.returncode == 0, found.stderr
    assert "has changed" not in found.stderr


def test_a_changed_flow_is_told_and_going_on_needs_a_yes(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    flow = tmp_path / "flow.yaml"
    shutil.copy(D2, flow)
    partial_call(load_flow(str(flow)), PAYG, sessions, 5)
    # The author renames a plan's value and raises a price after the call started.
    text = flow.read_text()
    flow.write_text(text.replace("value: pay_as_you_go", "value: payg").replace("price: 20.00", "price: 25.00"))

    refused = cli("resume", "--answers", PAYG, "--sessions-dir", sessions)
    assert refused.returncode == 1
    assert f"The flow file {flow} has changed since this call was started" in refused.stderr
    assert "Not resumed; the journal is unchanged." in refused.stderr and "--yes" in refused.stderr
    assert [e["event"] for e in read_journal(journal_of(sessions)).events] == ["answer"] * 5

    answers = write(tmp_path / "new.yaml", PAYG.read_text().replace("member_plan: pay_as_you_go", "member_plan: payg"))
    resumed = cli("resume", "--answers", answers, "--sessions-dir", sessions, "--yes", "--json")
    assert resumed.returncode == 0, resumed.stderr
    err = resumed.stderr
    assert "4 answer(s) no longer fit the changed flow:" in err
    assert "#2 member_plan = 'pay_as_you_go' (at D-2-5): no longer fits: 'pay_as_you_go' is not one of the options" in err
    assert f"#3 payg_more_than_one_contact = 'no' (at D-2-13): {AFTER_MISFIT}" in err
    receipt = json.loads(resumed.stdout)
    assert receipt["invoice"]["total"] == "70.50"  # the new price: the call went on with the new flow
    assert [a["value"] for a in receipt["answers"][:2]] == ["yes", "payg"]
    resume_event = next(e for e in read_journal(journal_of(sessions)).events if e["event"] == "resume")
    assert resume_event["flow_changed"] is True and resume_event["kept"] == 1
    assert [d["field"] for d in resume_event["dropped"]] == [
        "member_plan", "payg_more_than_one_contact", "past_due_amount", "pays_addon_and_balance"
    ]


def test_a_torn_line_from_a_power_loss_does_not_stop_a_resume(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    partial_call(load_d2(), PAYG, sessions, 4)
    path = journal_of(sessions)
    with path.open("ab") as handle:
        handle.write(b'{"event": "answer", "node": "D-2-14", "fie')
    resumed = cli("resume", "--answers", PAYG, "--sessions-dir", sessions, "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert "last line was cut off" in resumed.stderr
    record = read_journal(path)
    assert not record.torn and not record.damaged and record.ended
    assert json.loads(resumed.stdout)["invoice"]["total"] == "65.50"
