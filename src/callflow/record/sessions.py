"""The sessions of a sessions folder, read from their journals: which calls
are in progress, which ended, which still lack their receipt; who took
them, their ticket number and invoice total; filtered for `callflow
sessions list` (docs/sessions.md describes its JSON, field by field)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callflow.flow.errors import CallflowError, ExitCode
from callflow.record.journal import JournalError, is_open_elsewhere, journal_dir
from callflow.record.journalread import JournalRecord, list_journals, read_journal

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow

IN_PROGRESS = "in progress"
ENDED = "ended"
RECEIPT_MISSING = "receipt missing"
STATUSES = (IN_PROGRESS, ENDED, RECEIPT_MISSING)
LIST_FORMAT = 1  # the version of `callflow sessions list --format json`


class SessionNotFound(CallflowError):
    exit_code = ExitCode.USAGE


class FlowFileMissing(CallflowError):
    exit_code = ExitCode.LOAD


@dataclass(frozen=True)
class SessionInfo:
    """One line of `callflow sessions list`."""

    session: str
    flow_id: str
    flow_path: str
    started_at: str
    status: str
    node: str | None  # where the call stands (or ended)
    field: str | None  # the question it waits for
    answers: int
    outcome: str | None
    stopped: str | None  # why it stopped, when it said so (ctrl-c, SIGHUP, ...)
    open: bool  # another callflow has it open right now
    receipts: tuple[str, ...]
    journal: str
    damaged_lines: tuple[int, ...] = ()
    agent: str | None = None
    ticket_number: str | None = None
    total: str | None = None  # the invoice total (so far), e.g. "65.50"
    currency: str | None = None
    notes: int = 0

    @property
    def short(self) -> str:
        """The end of the id (its random part), which `callflow resume` and the receipts' names take."""
        return self.session[-6:]

    @property
    def empty(self) -> bool:
        """A call stopped before anything was recorded: no answer, no note, not ended, not open."""
        return self.status == IN_PROGRESS and not self.answers and not self.notes and not self.open

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["short"] = self.short
        data["receipts"] = list(self.receipts)
        data["damaged_lines"] = list(self.damaged_lines)
        return data


def session_info(record: JournalRecord, *, probe_open: bool = True) -> SessionInfo:
    end = record.end
    if end is None:
        status = IN_PROGRESS
    elif record.receipts:
        status = ENDED
    else:
        status = RECEIPT_MISSING
    node, question = record.position()
    receipt = _part(end, "receipt")
    invoice, ticket = _part(receipt, "invoice"), _part(receipt, "ticket")
    standing = record.standing_details()
    return SessionInfo(
        session=record.session_id,
        flow_id=record.flow_id,
        flow_path=str(record.start.get("flow_path", "")),
        started_at=record.started_at,
        status=status,
        node=node,
        field=question,
        answers=len(record.answers()),
        outcome=str(end.get("outcome")) if end and end.get("outcome") else None,
        stopped=record.stopped if end is None else None,
        open=end is None and probe_open and is_open_elsewhere(record.path),
        receipts=tuple(record.receipts),
        journal=str(record.path),
        damaged_lines=tuple(record.damaged),
        agent=record.agent,
        ticket_number=_text(ticket.get("number")) or _text(standing.get("ticket_number")),
        total=_text(invoice.get("total")) or _text(standing.get("total")),
        currency=_text(invoice.get("currency")) or _text(record.start.get("currency")),
        notes=len(record.notes()),
    )


def _part(data: dict[str, Any] | None, key: str) -> dict[str, Any]:
    part = data.get(key) if data else None
    return part if isinstance(part, dict) else {}


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) and str(value) else None


@dataclass(frozen=True)
class Wanted:
    """What `callflow sessions list` keeps: every filter given must hold."""

    agent: str | None = None
    flow: str | None = None
    since: datetime | None = None
    status: str | None = None
    everything: bool = False  # --all: also the calls stopped before anything was recorded

    def keeps(self, info: SessionInfo) -> bool:
        if not self.everything and info.empty:
            return False
        if self.agent is not None and (info.agent or "").casefold() != self.agent.strip().casefold():
            return False
        path = Path(info.flow_path)
        if self.flow is not None and self.flow not in (info.flow_id, info.flow_path, path.name, path.stem):
            return False
        if self.status is not None and info.status != self.status:
            return False
        if self.since is not None:
            try:
                started = datetime.fromisoformat(info.started_at)
            except ValueError:
                return False
            if started.tzinfo is None or self.since.tzinfo is None:
                started, since = started.replace(tzinfo=None), self.since.replace(tzinfo=None)
            else:
                since = self.since
            if started < since:
                return False
        return True


def list_sessions(
    sessions_dir: Path, *, limit: int | None = None, wanted: Wanted | None = None
) -> tuple[list[SessionInfo], list[str]]:
    """The newest sessions first that `wanted` keeps (by default all but the
    empty ones), and the journals that could not be read."""
    wanted = wanted if wanted is not None else Wanted()
    infos: list[SessionInfo] = []
    unreadable: list[str] = []
    for info in _sessions(sessions_dir, unreadable):
        if limit is not None and len(infos) >= limit:
            break
        if wanted.keeps(info):
            infos.append(info)
    return infos, unreadable


def _sessions(sessions_dir: Path, unreadable: list[str]) -> Iterator[SessionInfo]:
    for path in list_journals(sessions_dir):
        try:
            yield session_info(read_journal(path))
        except JournalError as exc:
            unreadable.append(exc.message)


def find_session(sessions_dir: Path, wanted: str) -> Path:
    """A session's journal by its id, or by the start or end of its id when
    only one session matches (receipts show the last six characters)."""
    paths = list_journals(sessions_dir)
    if not paths:
        raise SessionNotFound(f"no sessions in {journal_dir(sessions_dir)} (use --sessions-dir to look elsewhere)")
    wanted = wanted.strip()
    exact = [p for p in paths if p.stem == wanted]
    if exact:
        return exact[0]
    matches = [p for p in paths if wanted and (p.stem.startswith(wanted) or p.stem.endswith(wanted))]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise SessionNotFound(
            f"no session '{wanted}' in {journal_dir(sessions_dir)}: `callflow sessions list` shows them"
        )
    shown = ", ".join(p.stem for p in matches[:5])
    raise SessionNotFound(f"'{wanted}' matches {len(matches)} sessions ({shown}): give more of the id")


def newest_unfinished(sessions_dir: Path) -> JournalRecord | None:
    """The newest session that has not ended and that no other callflow has open."""
    for path in list_journals(sessions_dir):
        try:
            record = read_journal(path)
        except JournalError:
            continue
        if not record.ended and not is_open_elsewhere(path):
            return record
    return None


def session_flow(record: JournalRecord, override: Path | None = None) -> LoadedFlow:
    """Load the flow the session was walking: `override`, else where the
    call started it (its absolute path, then the path as given)."""
    from callflow.call.ready import load_for_call

    if override is not None:
        return load_for_call(str(override))
    candidates = [str(record.start[k]) for k in ("flow_abspath", "flow_path") if record.start.get(k)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return load_for_call(candidate)
    shown = candidates[-1] if candidates else "(not recorded)"
    raise FlowFileMissing(
        f"the flow file of session {record.session_id} is not found: {shown}. "
        "If it moved, give its place with --flow PATH"
    )
