"""A call from start to receipt: its id, timing, journal, notes and the saved summary.

Shared by every command that walks a flow (`run`, `resume`, rehearsals), so
they save and report a call the same way.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callflow.call.cardmask import mask_card_numbers
from callflow.call.engine import Prompt, Session
from callflow.call.events import Answered
from callflow.call.revise import Change
from callflow.flow.errors import ReceiptError
from callflow.flow.money import cents
from callflow.flow.procedures import shown
from callflow.record.diskio import describe_os_error
from callflow.record.journal import Journal, now_iso

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow

DEFAULT_SESSIONS_DIR = Path("sessions")


def new_session_id(now: datetime | None = None) -> str:
    """Sortable and unique across directors: UTC time plus random hex."""
    moment = now or datetime.now(UTC)
    return f"{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def flow_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def where_next(session: Session) -> dict[str, str | None]:
    """Where the call waits now, for the journal (and `sessions list`): the
    node and question, the invoice total so far and the ticket's number once
    it is known."""
    prompt = session.prompt
    standing: dict[str, str | None] = (
        {"next_node": shown(session.current_node()), "next_field": None}
        if prompt is None
        else {"next_node": shown(prompt.node_id), "next_field": prompt.field_id}
    )
    standing["total"] = f"{cents(session.totals.total):.2f}"
    number = session.ticket_number()
    if number is not None:
        standing["ticket_number"] = number
    return standing


def sessions_dir_option(sessions_dir: Path) -> str:
    """` --sessions-dir DIR` when it is not the default, for the commands we suggest."""
    if sessions_dir == DEFAULT_SESSIONS_DIR or os.environ.get("CALLFLOW_SESSIONS_DIR") == str(sessions_dir):
        return ""
    return f" --sessions-dir {sessions_dir}"


@dataclass
class CallRecorder:
    """The runner's Recorder: journals each answer, back and note, and keeps
    the call's timing and notes."""

    session_id: str
    flow_path: str
    sessions_dir: Path
    started_at: str
    started_clock: float
    journal: Journal | None = None
    receipts: list[Path] = field(default_factory=list)
    receipts_dir: Path | None = None
    earlier_seconds: float = 0.0  # time spent on the call before it was resumed
    notes: list[dict[str, Any]] = field(default_factory=list)
    session: Session | None = None
    # Tells the director about the journal (a full disk); set by the front end.
    warn: Callable[[str], None] | None = None
    # When the call moved and where it then stood (the journal's times, also
    # with --no-save): the time per node (callflow.record.timing).
    marks: list[dict[str, Any]] = field(default_factory=list)
    _failing: bool = False
    _rewritten: int = 0  # times the journal was found gone and written again, as told

    @classmethod
    def start(
        cls,
        loaded: LoadedFlow,
        session: Session,
        sessions_dir: Path,
        *,
        journal: bool,
        receipts_dir: Path | None = None,
    ) -> CallRecorder:
        """A new call; with `journal`, its journal is created (JournalError if it cannot be)."""
        now = datetime.now(UTC)
        session_id = new_session_id(now)
        call = cls(
            session_id=session_id,
            flow_path=loaded.path,
            sessions_dir=sessions_dir,
            started_at=now.isoformat(timespec="seconds"),
            started_clock=time.monotonic(),
            receipts_dir=receipts_dir,
            session=session,
        )
        call.marks.append({"event": "start", "at": now_iso(), **where_next(session)})
        if journal:
            details: dict[str, Any] = {
                "at": call.marks[0]["at"],
                "flow_abspath": os.path.abspath(loaded.path),
                "started_at": call.started_at,
                # The call's date, fixed at its start: a resume or replay computes with the same `today`.
                "today": session.today.isoformat(),
                "currency": session.flow.currency,
                **where_next(session),
            }
            call.journal = Journal.create(
                sessions_dir,
                session_id,
                flow_path=loaded.path,
                flow_id=loaded.flow.id,
                flow_sha256=flow_digest(loaded.text),
                agent=session.agent,
                **details,
            )
        return call

    @property
    def journal_path(self) -> Path | None:
        return self.journal.path if self.journal is not None else None

    @property
    def receipts_folder(self) -> Path:
        return self.receipts_dir if self.receipts_dir is not None else self.sessions_dir

    def duration(self) -> float:
        return self.earlier_seconds + time.monotonic() - self.started_clock

    # -- the call's clock (the status line) ----------------------------------------

    def call_seconds(self) -> float:
        """Seconds since the call started (a resumed call counts its earlier stretches)."""
        return self.duration()

    def node_seconds(self, node: str) -> float:
        """Seconds spent at a node (as written) so far in this call."""
        from callflow.record.timing import node_seconds

        return node_seconds(self.marks, datetime.now(UTC)).get(node, 0.0)

    # -- Recorder ----------------------------------------------------------------

    def _mark(self, event: str) -> dict[str, Any]:
        """Now, and where the call stands after this event (for the journal too)."""
        mark: dict[str, Any] = {"at": now_iso(), **self._where()}
        self.marks.append({"event": event, **mark})
        return mark

    def answered(self, answer: Answered) -> None:
        mark = self._mark("answer")
        if self.journal is not None:
            self._check(self.journal.answered(answer, **mark))

    def went_back(self, undone: Answered) -> None:
        mark = self._mark("back")
        if self.journal is not None:
            self._check(self.journal.went_back(undone, **mark))

    def changed(self, change: Change) -> None:
        mark = self._mark("change")
        if self.journal is not None:
            self._check(self.journal.changed(change, **mark))

    def resumed(self, details: dict[str, Any]) -> None:
        """The call goes on after a stop: journalled with what the replay kept."""
        mark = self._mark("resume")
        if self.journal is not None:
            self.journal.write({"event": "resume", **details, **mark})

    # -- notes and stops -----------------------------------------------------------

    def noted(self, prompt: Prompt | None, text: str) -> str:
        """Keep the director's note (card numbers masked); returns it as kept."""
        kept = mask_card_numbers(text.strip())
        node = shown(prompt.node_id) if prompt is not None else (shown(self.session.current_node()) if self.session else "")
        question = prompt.field_id if prompt is not None else None
        at = now_iso()
        self.notes.append({"node": node, "field": question, "text": kept, "at": at})
        if self.journal is not None:
            self._check(self.journal.noted(node, question, kept, at=at))
        return kept

    def stopped(self, reason: str) -> None:
        """The call stops before its end (Ctrl-C, the terminal closed): say why and close."""
        if self.journal is not None:
            self.journal.write({"event": "stopped", "reason": reason, "answers": self._answer_count()})
        self.close()

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()

    def _answer_count(self) -> int:
        return len(self.session.answers()) if self.session is not None else 0

    def _where(self) -> dict[str, str | None]:
        return where_next(self.session) if self.session is not None else {}

    def _check(self, written: bool) -> None:
        """Tell the director once when the journal stops being written, and
        once when it is written again."""
        journal = self.journal
        if journal is None or self.warn is None:
            return
        if journal.rewritten != self._rewritten:
            self._rewritten = journal.rewritten
            self.warn(
                f"The journal {journal.path} was deleted (or its folder moved) during the call: "
                "it is written again from this call, with everything so far. Keep the sessions folder."
            )
        if not written and not self._failing:
            self._failing = True
            reason = describe_os_error(journal.problem) if journal.problem else "it failed"
            self.warn(
                f"The journal {journal.path} cannot be written ({reason}). Go on with the call: "
                "what is not written yet is kept in memory and written as soon as the disk takes it, "
                "and the summary at the end has everything."
            )
        elif written and self._failing:
            self._failing = False
            self.warn(f"The journal {journal.path} is written again; nothing was lost.")


def expected_times(session: Session) -> dict[str, int]:
    """The expected seconds of the nodes that state one, by the node as written."""
    return {shown(i): n.expected_seconds for i, n in session.flow.nodes.items() if n.expected_seconds is not None}


def call_data(call: CallRecorder, session: Session) -> dict[str, Any]:
    # Imported at the end of the call, not at its start.
    from callflow.call.summary import summarize
    from callflow.record.receipts import receipt_data
    from callflow.record.timing import time_per_node

    return receipt_data(
        summarize(session),
        session_id=call.session_id,
        flow_path=call.flow_path,
        started_at=call.started_at,
        ended_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_seconds=call.duration(),
        notes=call.notes,
        time_per_node=time_per_node(call.marks, expected_times(session), datetime.now(UTC)),
    )


def export_hint(call: CallRecorder) -> str:
    receipts = f" --receipts-dir {call.receipts_dir}" if call.receipts_dir is not None else ""
    return f"callflow sessions export {call.session_id}{sessions_dir_option(call.sessions_dir)}{receipts}"


@dataclass
class SavedCall:
    """A call journalled to its end: its receipt data, the receipt files, and
    what went wrong writing them (shown after the summary, so nothing is lost)."""

    data: dict[str, Any]
    receipts: list[Path]
    problem: ReceiptError | None
    journal_whole: bool
    journal_path: Path | None


def save_call(call: CallRecorder, session: Session, *, save: bool) -> SavedCall:
    """Journal the end, save the receipt (when asked) and close the journal."""
    from callflow.record.markdown import receipt_markdown
    from callflow.record.plaintext import receipt_text
    from callflow.record.receipts import write_receipts

    data = call_data(call, session)
    problem: ReceiptError | None = None
    if call.journal is not None:
        call._check(
            call.journal.ended(
                data["outcome"],
                node=shown(session.current_node()),
                duration_seconds=data["duration_seconds"],
                receipt=data,
            )
        )
    if save:
        try:
            call.receipts = write_receipts(call.receipts_folder, data, receipt_markdown(data), receipt_text(data))
        except ReceiptError as exc:
            problem = exc
        if call.journal is not None:
            if call.receipts:
                call.journal.receipt([str(p) for p in call.receipts])
            elif problem is not None:
                call.journal.write({"event": "receipt_failed", "reason": problem.message})
    journal_whole = call.journal is not None and call.journal.unwritten == 0
    journal_path = call.journal_path
    call.close()
    return SavedCall(data, list(call.receipts), problem, journal_whole, journal_path)


def receipt_failure(call: CallRecorder, saved: SavedCall) -> ReceiptError:
    """The error for a receipt that could not be written, saying what still has the call."""
    assert saved.problem is not None
    if saved.journal_whole:
        keeps = f" The journal {saved.journal_path} keeps the whole call; write the receipt later with: {export_hint(call)}"
    else:
        keeps = " The journal could not be written either: copy the summary above into the ticketing system now."
    return ReceiptError(f"{saved.problem.message}.{keeps}")
