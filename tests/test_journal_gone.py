"""A sessions folder deleted, moved or replaced in the middle of a call: the
journal notices before the next event, writes itself again whole from
memory, and the director is told; the call ends with its receipt as if
nothing had happened."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sessionkit import PAYG, journal_of, load_d2, scripted_call

from callflow.call.answers import load_answers
from callflow.call.engine import Prompt, Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.record.journal import Journal
from callflow.record.journalread import read_journal


def events(path: Path) -> list[str]:
    return [json.loads(line)["event"] for line in path.read_text(encoding="utf-8").splitlines()]


def new_journal(tmp_path: Path) -> Journal:
    return Journal.create(tmp_path / "s", "20261201-100000-abcdef", flow_path="x.yaml", flow_id="x", flow_sha256="0", agent=None)


def test_a_deleted_journal_file_is_written_again_whole_before_the_next_event(tmp_path: Path) -> None:
    journal = new_journal(tmp_path)
    journal.write({"event": "answer", "n": 1})
    journal.path.unlink()
    assert journal.write({"event": "answer", "n": 2})
    assert journal.rewritten == 1
    assert events(journal.path) == ["start", "answer", "answer"]
    assert journal.write({"event": "answer", "n": 3}) and journal.rewritten == 1  # once is enough
    assert events(journal.path) == ["start", "answer", "answer", "answer"]
    journal.close()


def test_a_deleted_or_replaced_sessions_folder_gets_the_journal_back(tmp_path: Path) -> None:
    journal = new_journal(tmp_path)
    shutil.rmtree(tmp_path / "s")
    journal.write({"event": "answer", "n": 1})
    assert events(journal.path) == ["start", "answer"]
    # The folder moved away and an empty one put in its place (a sync tool, a tidy-up).
    (tmp_path / "s").rename(tmp_path / "moved")
    (tmp_path / "s" / "journal").mkdir(parents=True)
    journal.write({"event": "answer", "n": 2})
    assert journal.rewritten == 2
    assert events(journal.path) == ["start", "answer", "answer"]
    journal.close()


def test_a_resumed_journal_keeps_what_was_on_disk_before_it_was_reopened(tmp_path: Path) -> None:
    journal = new_journal(tmp_path)
    journal.write({"event": "answer", "n": 1})
    journal.close()
    again = Journal.reopen(journal.path)
    journal.path.unlink()
    again.write({"event": "resume"})
    assert events(journal.path) == ["start", "answer", "resume"]
    again.close()


class DeletingFrontEnd(ScriptedFrontEnd):
    """Answers from a file; deletes the whole sessions folder before answer 3."""

    def __init__(self, answers: Any, sessions: Path) -> None:
        super().__init__(answers)
        self.sessions, self.asked = sessions, 0

    def ask(self, session: Session, prompt: Prompt) -> object:
        self.asked += 1
        if self.asked == 3:
            shutil.rmtree(self.sessions)
        return super().ask(session, prompt)


def test_a_call_whose_sessions_folder_is_deleted_ends_whole_and_the_director_is_told(tmp_path: Path) -> None:
    sessions = tmp_path / "s"
    answers = load_answers(str(PAYG))
    warnings: list[str] = []
    expected, _ = scripted_call(load_d2(), load_answers(str(PAYG)), tmp_path / "expected")

    from callflow.call.driver import drive
    from callflow.record.calls import CallRecorder
    from callflow.terminal.callend import finish_call

    d2 = load_d2()
    session = Session(d2.flow, d2.index, agent=answers.agent)
    call = CallRecorder.start(d2, session, sessions, journal=True)
    call.warn = warnings.append
    drive(session, DeletingFrontEnd(answers, sessions), call)
    finish_call(call, session, save=True, as_json=False, console=_quiet())

    assert len(warnings) == 1 and "was deleted (or its folder moved) during the call" in warnings[0]
    record = read_journal(journal_of(sessions))
    assert record.ended and record.receipts and not record.damaged
    assert [a["value"] for a in record.answers()] == [a["value"] for a in read_journal(journal_of(tmp_path / "expected")).answers()]
    receipt = json.loads(next(sessions.glob("*.json")).read_text(encoding="utf-8"))
    assert receipt["invoice"] == json.loads(expected.receipts[0].read_text(encoding="utf-8"))["invoice"]


def _quiet() -> Any:
    import io

    from rich.console import Console

    return Console(file=io.StringIO())
