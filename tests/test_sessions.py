"""`callflow sessions list` and `callflow sessions export`."""

from __future__ import annotations

import json
from pathlib import Path

from sessionkit import (
    D2,
    PAYG,
    cli,
    journal_of,
    load_d2,
    partial_call,
    scripted_call,
    summary_part,
)

from callflow.call.answers import load_answers
from callflow.record.journal import Journal
from callflow.record.journalread import read_journal


def listed(sessions: Path, *args: str) -> list[dict[str, object]]:
    result = cli("sessions", "list", "--json", "--sessions-dir", sessions, *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["format"], data["format_version"]) == ("callflow-sessions", 1)
    assert cli("sessions", "list", "--format", "json", "--sessions-dir", sessions, *args).stdout == result.stdout
    return data["sessions"]  # type: ignore[no-any-return]


def test_list_shows_each_session_newest_first_with_where_it_stands(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    loaded = load_d2()
    ended, _ = scripted_call(loaded, load_answers(str(PAYG)), sessions)
    crashed = partial_call(loaded, PAYG, sessions, 3)
    hung_up = partial_call(loaded, PAYG, sessions, 1)
    journal = Journal.reopen(journal_of_id(sessions, hung_up.session_id))
    journal.write({"event": "stopped", "reason": "SIGHUP"})
    journal.close()
    missing = partial_call(loaded, PAYG, sessions, 0)
    journal = Journal.reopen(journal_of_id(sessions, missing.session_id))
    journal.write({"event": "end", "outcome": "chat_ended", "node": "D-2-16"})
    journal.close()

    rows = listed(sessions)
    # Ids start with the time: one started in the same second sorts by its random part.
    assert sorted(r["session"] for r in rows) == sorted(
        c.session_id for c in (ended, crashed, hung_up, missing)
    )
    assert [r["session"] for r in rows] == sorted((r["session"] for r in rows), reverse=True)
    by_id = {r["session"]: r for r in rows}
    assert by_id[ended.session_id] | {"receipts": None} == by_id[ended.session_id] | {
        "status": "ended",
        "node": "D-2-9",
        "field": None,
        "answers": 8,
        "outcome": "transferred_to_remote_agent",
        "stopped": None,
        "open": False,
        "flow_id": "anything-computers-intake",
        "receipts": None,
    }
    assert len(by_id[ended.session_id]["receipts"]) == 3  # type: ignore[arg-type]
    crashed_row = by_id[crashed.session_id]
    assert (crashed_row["status"], crashed_row["node"], crashed_row["field"], crashed_row["answers"]) == (
        "in progress", "D-2-6", "past_due_amount", 3,
    )
    assert crashed_row["stopped"] is None
    assert by_id[hung_up.session_id]["stopped"] == "SIGHUP"
    assert (by_id[missing.session_id]["status"], by_id[missing.session_id]["outcome"]) == (
        "receipt missing", "chat_ended",
    )

    table = cli("sessions", "list", "--sessions-dir", sessions, env={"COLUMNS": "160"}).stdout
    for row in rows:
        assert str(row["session"])[-6:] in table  # the end of the id, which resume and show take
    assert "terminal closed" in table and "receipt missing" in table and "stopped unexpectedly" in table
    assert len(listed(sessions, "--limit", "2")) == 2


def test_a_session_open_in_a_callflow_shows_as_open(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    call = partial_call(load_d2(), PAYG, sessions, 2)
    holder = Journal.reopen(journal_of(sessions))
    try:
        assert listed(sessions)[0]["open"] is True
        assert "open now" in cli("sessions", "list", "--sessions-dir", sessions, env={"COLUMNS": "160"}).stdout
    finally:
        holder.close()
    assert listed(sessions)[0]["open"] is False and call.session_id


def test_list_of_an_empty_folder_and_an_unreadable_journal(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    empty = cli("sessions", "list", "--sessions-dir", sessions)
    assert empty.returncode == 0 and f"No sessions in {sessions}." in empty.stdout
    (sessions / "journal").mkdir(parents=True)
    (sessions / "journal" / "20260101-000000-bad.jsonl").write_bytes(b"\x00\x01junk")
    partial_call(load_d2(), PAYG, sessions, 1)
    result = cli("sessions", "list", "--json", "--sessions-dir", sessions)
    assert result.returncode == 0
    assert len(json.loads(result.stdout)["sessions"]) == 1
    assert "20260101-000000-bad.jsonl: not a callflow session journal" in result.stderr


def test_export_of_an_ended_call_writes_the_receipt_it_ended_with(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    call, _ = scripted_call(load_d2(), load_answers(str(PAYG)), sessions)
    original = json.loads(call.receipts[0].read_text())
    result = cli("sessions", "export", call.session_id[:15], "--sessions-dir", sessions, "--receipts-dir", tmp_path / "r")
    assert result.returncode == 0, result.stderr
    written = sorted((tmp_path / "r").iterdir())
    assert f"Receipt of session {call.session_id} written: {written[0]}, {written[1]}, {written[2]}" in result.stdout
    assert json.loads(written[0].read_text()) == original
    assert written[1].read_text() == call.receipts[1].read_text()
    assert written[2].read_text() == call.receipts[2].read_text()
    receipt_events = [e for e in read_journal(journal_of(sessions)).events if e["event"] == "receipt"]
    assert receipt_events[-1]["paths"] == [str(p) for p in written] and receipt_events[-1]["exported"] is True
    # Exporting again rewrites the same call's receipt: one call, one receipt.
    again = cli("sessions", "export", call.session_id, "--sessions-dir", sessions, "--receipts-dir", tmp_path / "r", "--json")
    assert again.returncode == 0
    assert json.loads(again.stdout) == original
    assert sorted((tmp_path / "r").iterdir()) == written
    assert json.loads(written[0].read_text()) == original


def test_export_of_an_unfinished_call_replays_it_so_far(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    partial_call(load_d2(), PAYG, sessions, 4)
    before = journal_of(sessions).read_bytes()
    result = cli("sessions", "export", journal_of(sessions).stem, "--sessions-dir", sessions, "--json")
    assert result.returncode == 0, result.stderr
    assert "the call has not ended: this receipt shows it so far" in result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["outcome"] is None
    assert receipt["path"] == ["D-2-1", "D-2-5", "D-2-13", "D-2-6", "D-2-14"]
    assert [a["field"] for a in receipt["answers"]][-1] == "past_due_amount"
    assert journal_of(sessions).read_bytes() == before  # an unfinished call's journal is left as it is
    assert "not ended" in next(sessions.glob("*.md")).read_text()


def test_export_of_an_unknown_session(tmp_path: Path) -> None:
    partial_call(load_d2(), PAYG, tmp_path / "s", 1)
    result = cli("sessions", "export", "zzz", "--sessions-dir", tmp_path / "s")
    assert result.returncode == 2 and "no session 'zzz'" in result.stderr and "Traceback" not in result.stderr


def test_an_uninterrupted_run_and_its_export_agree(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    run = cli("run", D2, "--answers", PAYG, "--save", "--json", "--sessions-dir", sessions)
    assert run.returncode == 0, run.stderr
    exported = cli("sessions", "export", journal_of(sessions).stem, "--sessions-dir", sessions, "--json")
    assert summary_part(json.loads(exported.stdout)) == summary_part(json.loads(run.stdout))


def journal_of_id(sessions: Path, session_id: str) -> Path:
    return sessions / "journal" / f"{session_id}.jsonl"
