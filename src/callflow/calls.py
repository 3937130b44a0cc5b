"""A call from start to receipt: its id, timing, journal and the saved summary.

Shared by every command that walks a flow (`run`, `resume`, rehearsals), so
they save and report a call the same way.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

from callflow.engine import Session
from callflow.errors import ReceiptError
from callflow.events import Answered
from callflow.journal import Journal

if TYPE_CHECKING:
    from callflow.loader import LoadedFlow


def new_session_id(now: datetime | None = None) -> str:
    """Sortable and unique across directors: UTC time plus random hex."""
    moment = now or datetime.now(timezone.utc)
    return f"{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def flow_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CallRecorder:
    """The runner's Recorder: journals each answer and keeps the call's timing."""

    session_id: str
    flow_path: str
    sessions_dir: Path
    started_at: str
    started_clock: float
    journal: Journal | None = None
    receipts: list[Path] = field(default_factory=list)

    @classmethod
    def start(cls, loaded: LoadedFlow, session: Session, sessions_dir: Path, *, journal: bool) -> CallRecorder:
        session_id = new_session_id()
        call = cls(
            session_id=session_id,
            flow_path=loaded.path,
            sessions_dir=sessions_dir,
            started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            started_clock=time.monotonic(),
        )
        if journal:
            call.journal = Journal.create(
                sessions_dir,
                session_id,
                flow_path=loaded.path,
                flow_id=loaded.flow.id,
                flow_sha256=flow_digest(loaded.text),
                agent=session.agent,
            )
        return call

    @property
    def journal_path(self) -> Path | None:
        return self.journal.path if self.journal is not None else None

    def answered(self, answer: Answered) -> None:
        if self.journal is not None:
            self.journal.answered(answer)

    def went_back(self, undone: Answered) -> None:
        if self.journal is not None:
            self.journal.went_back(undone)

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()


def call_data(call: CallRecorder, session: Session) -> dict[str, Any]:
    # Imported at the end of the call, not at its start.
    from callflow.receipts import receipt_data
    from callflow.summary import summarize

    return receipt_data(
        summarize(session),
        session_id=call.session_id,
        flow_path=call.flow_path,
        started_at=call.started_at,
        ended_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        duration_seconds=time.monotonic() - call.started_clock,
    )


def finish_call(call: CallRecorder, session: Session, *, save: bool, as_json: bool, console: Any = None) -> None:
    """Save the receipt and show the summary (rich, or JSON on stdout).

    Raises ReceiptError after showing the summary when the receipt could not
    be written, so the director still has everything on screen.
    """
    from callflow.receipts import write_receipts
    from callflow.render.markdown import receipt_markdown

    data = call_data(call, session)
    problem: ReceiptError | None = None
    if call.journal is not None:
        call.journal.ended(data["outcome"])
    if save:
        try:
            call.receipts = write_receipts(call.sessions_dir, data, receipt_markdown(data))
        except ReceiptError as exc:
            problem = exc
        if call.journal is not None and call.receipts:
            call.journal.receipt([str(p) for p in call.receipts])
    call.close()
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        from rich.console import Console

        from callflow.render.screen import summary_renderable

        (console or Console(highlight=False)).print(summary_renderable(data, [str(p) for p in call.receipts]))
    if problem is not None:
        journal = f" The journal {call.journal_path} keeps the whole call." if call.journal_path else ""
        raise ReceiptError(f"{problem.message}.{journal}")
