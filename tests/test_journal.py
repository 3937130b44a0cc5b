"""The session journal: every event on disk (fsync) before the next prompt,
torn and damaged lines, a full disk, the lock, and reading a call back."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sessionkit import PAYG, journal_of, load_d2, partial_call, scripted_call, standing

from callflow.call.answers import load_answers
from callflow.call.driver import BACK
from callflow.call.engine import Prompt, Session
from callflow.call.events import Event
from callflow.call.scripted import ScriptedFrontEnd
from callflow.record import journal as journal_module
from callflow.record.calls import CallRecorder
from callflow.record.journal import Journal, JournalError, SessionBusy
from callflow.record.journalread import read_journal


class WatchingFrontEnd(ScriptedFrontEnd):
    """Answers from a file; before each prompt, reads the journal from disk
    the way another process would after a crash."""

    def __init__(self, answers: Any, journal_path: Any, fsyncs: list[str], backs_at: Sequence[int] = ()) -> None:
        super().__init__(answers)
        self.journal_path = journal_path
        self.fsyncs = fsyncs
        self.seen: list[list[tuple[str, Any]]] = []
        self.backs_at = set(backs_at)
        self.asked = 0

    def ask(self, session: Session, prompt: Prompt) -> object:
        self.fsyncs.append("prompt")
        self.seen.append(standing(self.journal_path()))
        self.asked += 1
        if self.asked in self.backs_at:
            answers = session.answers()
            if answers:
                self.answers.give_back(answers[-1].field_id)
            return BACK
        return super().ask(session, prompt)

    def show(self, session: Session, events: Sequence[Event], *, again: bool = False, moved: object = None) -> None:
        pass


def test_every_answer_and_back_is_fsynced_before_the_next_prompt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_d2()
    answers = load_answers(str(PAYG))
    order: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        order.append("fsync")

    monkeypatch.setattr(journal_module.os, "fsync", fsync)
    sessions = tmp_path / "sessions"
    front = WatchingFrontEnd(answers, lambda: journal_of(sessions), order, backs_at=(4,))
    _, session = scripted_call(loaded, answers, sessions, front=front)

    # Each prompt came after an fsync of the event before it (start, answer or back).
    prompts = [i for i, what in enumerate(order) if what == "prompt"]
    assert all(order[i - 1] == "fsync" for i in prompts)
    # What another process read from disk at each prompt was every answer so far.
    fields = [a.field_id for a in session.answers()]
    assert front.seen[0] == []
    assert [f for f, _ in front.seen[3]] == fields[:3]
    assert [f for f, _ in front.seen[4]] == fields[:2]  # the 4th prompt was a back
    assert [f for f, _ in front.seen[-1]] == fields[:-1]
    kinds = [json.loads(line)["event"] for line in journal_of(sessions).read_text().splitlines()]
    assert kinds[0] == "start" and kinds.count("back") == 1 and kinds[-2:] == ["end", "receipt"]


def test_a_torn_last_line_is_ignored_and_cut_off_before_going_on(tmp_path: Path) -> None:
    call = partial_call(load_d2(), PAYG, tmp_path / "s", 3)
    path = call.journal_path
    assert path is not None
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"event": "answer", "node": "D-2-6", "field": "past_du')
    record = read_journal(path)
    assert record.torn and not record.damaged
    assert [a["field"] for a in record.answers()] == ["existing_member", "member_plan", "payg_more_than_one_contact"]

    journal = Journal.reopen(path)
    journal.write({"event": "note", "node": "D-2-6", "field": None, "text": "after the crash"})
    journal.close()
    again = read_journal(path)
    assert not again.torn and not again.damaged
    assert path.read_bytes().startswith(whole)
    assert again.events[-1]["text"] == "after the crash"


def test_a_damaged_line_in_the_middle_is_skipped_and_reported(tmp_path: Path) -> None:
    call = partial_call(load_d2(), PAYG, tmp_path / "s", 3)
    path = call.journal_path
    assert path is not None
    lines = path.read_bytes().split(b"\n")
    lines[2] = b"\x00\xff garbage {"
    path.write_bytes(b"\n".join(lines))
    record = read_journal(path)
    assert record.damaged == [3]
    assert [a["field"] for a in record.answers()] == ["existing_member", "payg_more_than_one_contact"]


@pytest.mark.parametrize("content", [b"", b"not json\n", b'{"event": "answer"}\n', b"\xff\xfe\x00\x00"])
def test_a_file_that_is_not_a_journal_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(JournalError, match="not a callflow session journal"):
        read_journal(path)


def test_a_full_disk_keeps_events_in_memory_and_writes_them_in_order_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_d2()
    answers = load_answers(str(PAYG))
    real_write = os.write
    refused = {"left": 0}

    def write(fd: int, data: Any) -> int:
        if refused["left"]:
            refused["left"] -= 1
            # Half a line reaches the disk before it fills up.
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(journal_module.os, "write", write)
    warnings: list[str] = []
    session = Session(loaded.flow, loaded.index, agent="Dana")
    call = CallRecorder.start(loaded, session, tmp_path / "s", journal=True)
    call.warn = warnings.append
    front = ScriptedFrontEnd(answers)
    for step in range(5):
        if step == 1:
            refused["left"] = 2  # the 2nd and 3rd answers meet a full disk
        prompt = session.prompt
        assert prompt is not None
        session.answer(front.ask(session, prompt))
        call.answered(session.answers()[-1])
        path = call.journal_path
        assert path is not None
        # The file holds whole lines only, whatever happened.
        assert path.read_bytes().endswith(b"\n")
        record = read_journal(path)
        assert not record.torn and not record.damaged
    call.close()
    assert len(warnings) == 2
    assert "the disk is full" in warnings[0] and "nothing was lost" in warnings[1]
    assert [f for f, _ in standing(path)] == [a.field_id for a in session.answers()]


def test_a_journal_cannot_be_created_in_a_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "sessions"
    blocker.write_text("a file, not a folder")
    with pytest.raises(JournalError, match="cannot create the session journal"):
        Journal.create(blocker, "x", flow_path="f", flow_id="f", flow_sha256="0", agent=None)


def test_a_journal_is_locked_while_a_call_has_it_open(tmp_path: Path) -> None:
    call = partial_call(load_d2(), PAYG, tmp_path / "s", 1)
    path = call.journal_path
    assert path is not None
    first = Journal.reopen(path)
    try:
        assert journal_module.is_open_elsewhere(path)
        with pytest.raises(SessionBusy, match="open in another callflow"):
            Journal.reopen(path)
    finally:
        first.close()
    assert not journal_module.is_open_elsewhere(path)
    Journal.reopen(path).close()


def test_standing_answers_follow_backs_and_resumes(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    events: list[dict[str, Any]] = [
        {"event": "start", "session": "s", "at": "2026-01-01T10:00:00+00:00"},
        {"event": "answer", "field": "a", "value": "1", "at": "2026-01-01T10:00:10+00:00"},
        {"event": "answer", "field": "b", "value": "2", "at": "2026-01-01T10:00:20+00:00"},
        {"event": "back", "field": "b", "at": "2026-01-01T10:00:30+00:00"},
        {"event": "note", "field": "b", "text": "n", "at": "2026-01-01T10:00:40+00:00"},
        {"event": "stopped", "reason": "SIGHUP", "at": "2026-01-01T10:01:00+00:00"},
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    record = read_journal(path)
    assert [a["field"] for a in record.answers()] == ["a"]
    assert record.undone() == events[2]
    assert record.stopped == "SIGHUP"
    assert record.active_seconds() == 60.0
    # The next day the call is resumed; the resume kept only the first answer.
    more: list[dict[str, Any]] = [
        {"event": "answer", "field": "b", "value": "3", "at": "2026-01-01T10:01:10+00:00"},
        {"event": "resume", "kept": 1, "at": "2026-01-02T09:00:00+00:00"},
        {"event": "answer", "field": "c", "value": "4", "at": "2026-01-02T09:00:30+00:00"},
    ]
    with path.open("a") as handle:
        handle.write("".join(json.dumps(e) + "\n" for e in more))
    record = read_journal(path)
    assert [a["field"] for a in record.answers()] == ["a", "c"]
    assert record.undone() is None and record.stopped is None
    assert record.active_seconds() == 70.0 + 30.0  # the night between is not counted


def test_a_checklist_item_not_done_is_journalled_with_its_reason_and_resumed_with_it(tmp_path: Path) -> None:
    from deskkit import desk
    from sessionkit import cli, write

    flow = desk(tmp_path)
    sessions = tmp_path / "s"
    head = "today: 2026-03-01\nanswers:\n  bottles: '2'\n  method: card\n"
    partial = write(tmp_path / "partial.yaml", head + "  admin_logged_out: {done: no, reason: customer still working}\n")
    assert cli("run", flow, "--answers", partial, "--save", "--sessions-dir", sessions).returncode == 4
    record = read_journal(journal_of(sessions))
    [confirmed] = [e for e in record.answers() if e["field"] == "admin_logged_out"]
    assert (confirmed["value"], confirmed["reason"]) == (False, "customer still working")

    rest = write(tmp_path / "rest.yaml", "answers:\n  checked: 'no'\n")
    resumed = cli("resume", "--answers", rest, "--sessions-dir", sessions, "--json")
    assert resumed.returncode == 0, resumed.stderr
    receipt = json.loads(resumed.stdout)
    assert [(c["id"], c["done"], c["reason"]) for c in receipt["checklist"]] == [
        ("admin_logged_out", False, "customer still working")
    ]
    assert receipt["outcome"] == "done"


def test_a_back_over_a_confirmation_offers_its_reason_again(tmp_path: Path) -> None:
    from deskkit import desk

    from callflow.flow.loadedflow import load_flow
    from callflow.record.replay import replay

    loaded = load_flow(str(desk(tmp_path)))
    events = [
        {"event": "answer", "field": "bottles", "value": "2"},
        {"event": "answer", "field": "method", "value": "card"},
    ]
    undone = {"event": "answer", "field": "admin_logged_out", "value": False, "reason": "busy"}
    result = replay(events, loaded.flow, loaded.index, undone=undone)
    prompt = result.session.prompt
    assert prompt is not None and prompt.field_id == "admin_logged_out"
    assert prompt.previous == "not done: busy"


def test_the_journal_names_nodes_as_a_person_reads_them(tmp_path: Path) -> None:
    from deskkit import desk
    from sessionkit import cli, write

    flow = desk(tmp_path)
    sessions = tmp_path / "s"
    partial = write(tmp_path / "partial.yaml", "answers:\n  bottles: '2'\n  method: card\n")
    assert cli("run", flow, "--answers", partial, "--save", "--sessions-dir", sessions).returncode == 4
    record = read_journal(journal_of(sessions))
    assert [(e["node"], e["field"]) for e in record.answers()] == [("D-1", "bottles"), ("pay/P-1", "method")]
    assert record.position() == ("D-1", "admin_logged_out")
    listed = cli("sessions", "list", "--sessions-dir", sessions, "--json")
    assert listed.returncode == 0, listed.stderr
    [info] = json.loads(listed.stdout)["sessions"]
    assert (info["node"], info["field"]) == ("D-1", "admin_logged_out")


def test_the_undone_answer_outlives_resumes_that_keep_every_answer(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    events: list[dict[str, Any]] = [
        {"event": "start", "session": "s", "at": "2026-01-01T10:00:00+00:00"},
        {"event": "answer", "field": "a", "value": "1", "at": "2026-01-01T10:00:10+00:00"},
        {"event": "answer", "field": "b", "value": "2", "at": "2026-01-01T10:00:20+00:00"},
        {"event": "back", "field": "b", "at": "2026-01-01T10:00:30+00:00"},
        {"event": "resume", "kept": 1, "at": "2026-01-01T11:00:00+00:00"},
        {"event": "stopped", "reason": "SIGHUP", "at": "2026-01-01T11:00:05+00:00"},
        {"event": "resume", "kept": 1, "at": "2026-01-01T12:00:00+00:00"},
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    assert read_journal(path).undone() == events[2]
    # A resume that dropped answers (the flow changed under the call) stands elsewhere.
    with path.open("a") as handle:
        handle.write(json.dumps({"event": "resume", "kept": 0, "at": "2026-01-02T09:00:00+00:00"}) + "\n")
    assert read_journal(path).undone() is None
