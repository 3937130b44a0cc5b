"""The sessions of a sessions folder, read from their journals: which calls
are in progress, which ended, which still lack their receipt."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
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

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
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
    )


def list_sessions(sessions_dir: Path, *, limit: int | None = None) -> tuple[list[SessionInfo], list[str]]:
    """The newest sessions first, and the journals that could not be read."""
    infos: list[SessionInfo] = []
    unreadable: list[str] = []
    for path in list_journals(sessions_dir):
        if limit is not None and len(infos) >= limit:
            break
        try:
            infos.append(session_info(read_journal(path)))
        except JournalError as exc:
            unreadable.append(exc.message)
    return infos, unreadable


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
