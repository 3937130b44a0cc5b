"""`callflow sessions list` at 80 columns, its filters and JSON, and
`callflow sessions show` printing the plain-text receipt."""

from __future__ import annotations

import json
from pathlib import Path

from sessionkit import D2_ANSWERS, PAYG, cli, marked_d2, partial_call, scripted_call

from callflow.call.answers import load_answers
from callflow.flow.loadedflow import load_flow
from callflow.record.journal import Journal


def calls(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three ended calls of the D-2 flow (its ticket number marked), one
    unfinished with two answers, one stopped before its first answer."""
    sessions = tmp_path / "s"
    loaded = load_flow(str(marked_d2(tmp_path / "flows")), cache=False)
    ids = []
    for name, agent in (
        ("D-2-9-payg-addon-and-balance.yaml", "Dana"),  # ticket T-1003, $65.50
        ("D-2-4-one-time-support.yaml", "Sam"),
        ("D-2-12-payg-no-support.yaml", "Dana"),
    ):
        answers = load_answers(str(D2_ANSWERS / name))
        answers.agent = agent
        call, _ = scripted_call(loaded, answers, sessions)
        ids.append(call.session_id)
    ids.append(partial_call(loaded, PAYG, sessions, 2).session_id)
    empty = partial_call(loaded, PAYG, sessions, 0)
    journal = Journal.reopen(journal_of_id(sessions, empty.session_id))
    journal.write({"event": "stopped", "reason": "ctrl-c", "answers": 0})
    journal.close()
    ids.append(empty.session_id)
    return sessions, ids


def journal_of_id(sessions: Path, session_id: str) -> Path:
    return sessions / "journal" / f"{session_id}.jsonl"


def listed(sessions: Path, *args: str) -> list[dict[str, object]]:
    result = cli("sessions", "list", "--format", "json", "--sessions-dir", sessions, *args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["format"], data["format_version"]) == ("callflow-sessions", 1)
    return data["sessions"]  # type: ignore[no-any-return]


def test_the_list_fits_80_columns_with_the_whole_flow_id_ticket_and_total(tmp_path: Path) -> None:
    sessions, ids = calls(tmp_path)
    out = cli("sessions", "list", "--sessions-dir", sessions, env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80, out
    assert lines[0] == "Session  Started           Agent  Flow"
    assert lines[1].startswith("        Last node  Outcome  ") and lines[1].split()[-2:] == ["Ticket", "Total"]
    # Two lines a call, newest first; the call stopped before its first answer is left out.
    assert len(lines) == 2 + 2 * 4
    assert all(line.endswith("  anything-computers-intake") for line in lines[2::2])
    unfinished = next(i for i, line in enumerate(lines) if line.startswith(ids[3][-6:] + "  "))
    assert lines[unfinished + 1].split() == ["D-2-13", "in", "progress", "·", "stopped", "unexpectedly", "—", "$0.00"]
    paid = next(i for i, line in enumerate(lines) if line.startswith(ids[0][-6:]))
    assert lines[paid + 1].split() == ["D-2-9", "transferred", "to", "remote", "agent", "T-1003", "$65.50"]
    assert lines[paid].split()[1:4] == [lines[paid].split()[1], lines[paid].split()[2], "Dana"]
    assert "transferred to remote agent" in out and "chat ended" in out and "$35.00" in out


def test_an_empty_stopped_call_shows_with_all(tmp_path: Path) -> None:
    sessions, ids = calls(tmp_path)
    kept = [r["session"] for r in listed(sessions)]
    assert kept == sorted(ids[:4], reverse=True)  # newest first
    everything = listed(sessions, "--all")
    assert [r["session"] for r in everything] == sorted(ids, reverse=True)
    empty = next(r for r in everything if r["session"] == ids[4])
    assert empty["answers"] == 0 and empty["stopped"] == "ctrl-c"


def test_filters_by_agent_flow_since_and_status(tmp_path: Path) -> None:
    sessions, ids = calls(tmp_path)
    assert [r["session"] for r in listed(sessions, "--agent", "sam")] == [ids[1]]
    assert len(listed(sessions, "--agent", "DANA")) == 3
    assert listed(sessions, "--agent", "Nobody") == []
    assert len(listed(sessions, "--flow", "anything-computers-intake")) == 4
    assert len(listed(sessions, "--flow", "anything-computers-intake.yaml")) == 4
    assert listed(sessions, "--flow", "other") == []
    assert len(listed(sessions, "--since", "today")) == 4
    assert listed(sessions, "--since", "2999-01-01") == []
    assert len(listed(sessions, "--since", "2000-01-01T00:00")) == 4
    assert [r["session"] for r in listed(sessions, "--status", "in-progress")] == [ids[3]]
    assert len(listed(sessions, "--status", "ended")) == 3
    assert listed(sessions, "--status", "receipt-missing") == []
    bad = cli("sessions", "list", "--sessions-dir", sessions, "--since", "last week")
    assert bad.returncode == 2 and "--since last week: write a date such as 2026-11-23" in bad.stderr
    bad = cli("sessions", "list", "--sessions-dir", sessions, "--status", "done")
    assert bad.returncode == 2 and "use in-progress, ended, receipt-missing" in bad.stderr
    none = cli("sessions", "list", "--sessions-dir", sessions, "--agent", "Nobody")
    assert none.returncode == 0 and f"No sessions in {sessions} match." in none.stdout


def test_the_json_names_every_field_of_docs_sessions_md(tmp_path: Path) -> None:
    sessions, ids = calls(tmp_path)
    row = next(r for r in listed(sessions) if r["session"] == ids[0])
    assert set(row) == {
        "session", "short", "flow_id", "flow_path", "agent", "started_at", "status", "node", "field", "answers",
        "notes", "outcome", "stopped", "open", "ticket_number", "total", "currency", "receipts", "journal",
        "damaged_lines",
    }  # fmt: skip
    assert (row["short"], row["ticket_number"], row["total"], row["currency"]) == (ids[0][-6:], "T-1003", "65.50", "USD")
    unfinished = next(r for r in listed(sessions) if r["session"] == ids[3])
    assert (unfinished["status"], unfinished["total"], unfinished["ticket_number"]) == ("in progress", "0.00", None)
    docs = (Path(__file__).resolve().parents[1] / "docs" / "sessions.md").read_text(encoding="utf-8")
    for name in row:
        assert f"`{name}`" in docs, name


def test_show_prints_the_plain_text_receipt(tmp_path: Path) -> None:
    sessions, ids = calls(tmp_path)
    shown = cli("sessions", "show", ids[0][-6:], "--sessions-dir", sessions)
    assert shown.returncode == 0, shown.stderr
    saved = next(sessions.glob(f"*{ids[0][-6:]}.txt")).read_text(encoding="utf-8")
    assert shown.stdout == saved
    assert "\nTicket\nTicket number:   T-1003\nPriority:        2 Normal\n" in shown.stdout
    so_far = cli("sessions", "show", ids[3], "--sessions-dir", sessions)
    assert so_far.returncode == 0
    assert "note: the call has not ended: this receipt shows it so far" in so_far.stderr
    assert "Outcome:          not ended" in so_far.stdout
    missing = cli("sessions", "show", "nosuch", "--sessions-dir", sessions)
    assert missing.returncode == 2 and "no session 'nosuch'" in missing.stderr
