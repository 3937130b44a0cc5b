"""The session journal: every event of a live call appended to a local file
and flushed to disk (fsync) before the next prompt.

One JSON object per line, in `<sessions dir>/journal/<session id>.jsonl`:

    {"event": "start", "format": 1, "session": "...", "flow_path": "flows/x.yaml",
     "flow_abspath": "/.../flows/x.yaml", "flow_id": "...", "flow_sha256": "...",
     "agent": "Dana", "next_node": "D-2-1", "next_field": "existing_member", "at": "..."}
    {"event": "answer", "node": "D-2-1", "field": "existing_member", "value": "yes",
     "next_node": "D-2-5", "next_field": "member_plan", "at": "..."}
    {"event": "answer", "node": "...", "field": "card", "secret": true, ...}
    {"event": "back", "node": "...", "field": "...", ...}        the last answer undone
    {"event": "note", "node": "...", "field": "...", "text": "..."}
    {"event": "stopped", "reason": "ctrl-c" | "SIGHUP" | "SIGTERM" | "input closed"}
    {"event": "resume", "kept": 7, "dropped": [...], "flow_sha256": "...", ...}
    {"event": "end", "outcome": "...", "node": "...", "duration_seconds": 95.2,
     "receipt": {...the receipt data...}}
    {"event": "receipt", "paths": ["..."]}  or  {"event": "receipt_failed", "reason": "..."}

A secret answer is journalled without its value; free text and notes are
journalled with card numbers masked (callflow.cardmask). Each line is
written whole with one write() and fsynced; the folder is fsynced when the
file is created. If a write fails (a full disk), the file is cut back to its
last whole line and the event is kept in memory and written, in order,
before the next one, so the file is always the call's beginning.

On reading, a torn last line (a crash or power loss mid-write) is ignored,
and a damaged line elsewhere is skipped and reported, never fatal.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from callflow.diskio import describe_os_error, fsync_dir, write_all
from callflow.errors import CallflowError, ExitCode
from callflow.events import Answered
from callflow.signals import deferred

JOURNAL_FORMAT = 1
JOURNAL_DIR = "journal"
JOURNAL_SUFFIX = ".jsonl"
LOCK_WAIT_SECONDS = 0.5


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def journal_value(value: object) -> object:
    """An answer as JSON: money and numbers as text, so they read back exactly."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def journal_dir(sessions_dir: Path) -> Path:
    return sessions_dir / JOURNAL_DIR


def journal_path(sessions_dir: Path, session_id: str) -> Path:
    return journal_dir(sessions_dir) / f"{session_id}{JOURNAL_SUFFIX}"


class JournalError(CallflowError):
    """A journal that cannot be created, opened or read."""

    exit_code = ExitCode.LOAD


class SessionBusy(CallflowError):
    """The session is open in another callflow right now."""

    exit_code = ExitCode.USAGE


def _lock(fd: int, path: Path) -> None:
    """Hold the journal for this process; a second callflow on it is refused."""
    import fcntl

    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise SessionBusy(
                    f"session {path.stem} is open in another callflow right now ({path}); "
                    "finish or stop it there first"
                ) from None
            time.sleep(0.02)
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                return  # a file system without locks (some network shares): go on unlocked
            raise


def is_open_elsewhere(path: Path) -> bool:
    """Whether another process holds the session's journal (a live call)."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's lock
    return False


class Journal:
    """Append-only, fsynced record of one session, locked while it is open."""

    def __init__(self, path: Path, fd: int, clock: Callable[[], str] = now_iso, *, size: int = 0) -> None:
        self.path = path
        self._fd: int | None = fd
        self._clock = clock
        self._size = size
        self._pending: list[bytes] = []
        self.problem: OSError | None = None  # the last write failure, None once written
        self.cut_bytes = 0  # a torn last line cut off on reopening

    @classmethod
    def create(
        cls,
        sessions_dir: Path,
        session_id: str,
        *,
        flow_path: str,
        flow_id: str,
        flow_sha256: str,
        agent: str | None,
        clock: Callable[[], str] = now_iso,
        **details: Any,
    ) -> Journal:
        """A new journal whose first line is the start record."""
        directory = journal_dir(sessions_dir)
        path = journal_path(sessions_dir, session_id)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            # O_EXCL: never append to another session's journal. 0600: it holds
            # what callers said.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        except OSError as exc:
            raise JournalError(
                f"{directory}: cannot create the session journal: {describe_os_error(exc)}. "
                "Use --sessions-dir with a folder you can write to (a local disk is best)"
            ) from None
        journal = cls(path, fd, clock)
        _lock(fd, path)
        journal.write(
            {
                "event": "start",
                "format": JOURNAL_FORMAT,
                "session": session_id,
                "flow_path": flow_path,
                "flow_id": flow_id,
                "flow_sha256": flow_sha256,
                "agent": agent,
                **details,
            }
        )
        if journal.problem is not None:
            journal.close()
            with contextlib.suppress(OSError):
                path.unlink()
            raise JournalError(f"{directory}: cannot write the session journal: {describe_os_error(journal.problem)}")
        fsync_dir(directory)
        return journal

    @classmethod
    def reopen(cls, path: Path, clock: Callable[[], str] = now_iso) -> Journal:
        """Open an existing journal to go on with it (resume, export).

        Takes the lock first, then cuts off a torn last line so that the
        next line does not get glued to it.
        """
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND)
        except OSError as exc:
            raise JournalError(f"{path}: cannot open the session journal: {describe_os_error(exc)}") from None
        try:
            _lock(fd, path)
            size = os.fstat(fd).st_size
            whole = _whole_lines_size(fd, size)
            if whole != size:
                os.ftruncate(fd, whole)
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        journal = cls(path, fd, clock, size=whole)
        journal.cut_bytes = size - whole
        return journal

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def write(self, record: dict[str, Any]) -> bool:
        """Append one event and fsync it. False (and `problem` set) if the
        disk refused it; the event is then kept and written before the next."""
        if self._fd is None:
            return False
        record.setdefault("at", self._clock())
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with deferred():
            self._pending.append(line)
            while self._pending:
                data = self._pending[0]
                try:
                    write_all(self._fd, data)
                    os.fsync(self._fd)
                except OSError as exc:
                    self.problem = exc
                    with contextlib.suppress(OSError):
                        os.ftruncate(self._fd, self._size)  # keep only whole lines
                    return False
                self._size += len(data)
                self._pending.pop(0)
            self.problem = None
            return True

    @property
    def unwritten(self) -> int:
        """Events kept in memory because the disk refused them."""
        return len(self._pending)

    # -- the events ----------------------------------------------------------

    def answered(self, answer: Answered, **details: Any) -> bool:
        record: dict[str, Any] = {"event": "answer", "node": answer.node_id, "field": answer.field_id}
        if answer.secret:
            record["secret"] = True
        else:
            record["value"] = journal_value(answer.value)
        return self.write({**record, **details})

    def went_back(self, undone: Answered, **details: Any) -> bool:
        return self.write({"event": "back", "node": undone.node_id, "field": undone.field_id, **details})

    def noted(self, node_id: str, field_id: str | None, text: str) -> bool:
        return self.write({"event": "note", "node": node_id, "field": field_id, "text": text})

    def ended(self, outcome: str | None, **details: Any) -> bool:
        return self.write({"event": "end", "outcome": outcome, **details})

    def receipt(self, paths: list[str], **details: Any) -> bool:
        return self.write({"event": "receipt", "paths": paths, **details})

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.close(fd)  # also drops the lock


def _whole_lines_size(fd: int, size: int) -> int:
    """The length of the file up to and including its last newline."""
    position = size
    chunk = 4096
    while position > 0:
        start = max(0, position - chunk)
        data = os.pread(fd, position - start, start)
        newline = data.rfind(b"\n")
        if newline >= 0:
            return start + newline + 1
        position = start
    return 0


# -- reading a journal back ------------------------------------------------------


@dataclass
class JournalRecord:
    """A journal read back: its start record and the events after it."""

    path: Path
    start: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    damaged: list[int] = field(default_factory=list)  # line numbers skipped
    torn: bool = False  # the last line was cut off mid-write

    @property
    def session_id(self) -> str:
        return str(self.start.get("session", self.path.stem))

    @property
    def flow_id(self) -> str:
        return str(self.start.get("flow_id", ""))

    @property
    def agent(self) -> str | None:
        for event in reversed(self.events):
            if event.get("event") == "resume" and event.get("agent"):
                return str(event["agent"])
        agent = self.start.get("agent")
        return str(agent) if agent else None

    @property
    def flow_sha256(self) -> str | None:
        """The hash of the flow file the call last went on with."""
        for event in reversed(self.events):
            if event.get("event") == "resume" and event.get("flow_sha256"):
                return str(event["flow_sha256"])
        sha = self.start.get("flow_sha256")
        return str(sha) if sha else None

    @property
    def started_at(self) -> str:
        return str(self.start.get("at", ""))

    @property
    def end(self) -> dict[str, Any] | None:
        return next((e for e in reversed(self.events) if e.get("event") == "end"), None)

    @property
    def ended(self) -> bool:
        return self.end is not None

    def after_end(self) -> Iterator[dict[str, Any]]:
        seen = False
        for event in self.events:
            if event.get("event") == "end":
                seen = True
            elif seen:
                yield event

    @property
    def receipts(self) -> list[str]:
        """The receipt files written for the ended call."""
        paths: list[str] = []
        for event in self.after_end():
            if event.get("event") == "receipt":
                paths += [str(p) for p in event.get("paths") or []]
        return paths

    @property
    def stopped(self) -> str | None:
        """Why the call stopped last (ctrl-c, SIGHUP, ...), if it said so."""
        reason: str | None = None
        for event in self.events:
            kind = event.get("event")
            if kind == "stopped":
                reason = str(event.get("reason") or "stopped")
            elif kind in ("resume", "answer", "back", "note"):
                reason = None
        return reason

    def answers(self) -> list[dict[str, Any]]:
        """The answers still standing after the backs (and the answers a
        resume dropped), in order."""
        standing: list[dict[str, Any]] = []
        for event in self.events:
            kind = event.get("event")
            if kind == "answer":
                standing.append(event)
            elif kind == "back" and standing:
                standing.pop()
            elif kind == "resume" and isinstance(event.get("kept"), int):
                del standing[event["kept"] :]
        return standing

    def undone(self) -> dict[str, Any] | None:
        """The answer the last event undid, if the call stopped right after a back."""
        standing: list[dict[str, Any]] = []
        undone: dict[str, Any] | None = None
        for event in self.events:
            kind = event.get("event")
            if kind == "answer":
                standing.append(event)
                undone = None
            elif kind == "back" and standing:
                undone = standing.pop()
            elif kind == "resume" and isinstance(event.get("kept"), int):
                del standing[event["kept"] :]
                undone = None
        return undone

    def notes(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == "note"]

    def position(self) -> tuple[str | None, str | None]:
        """The node (and question) where the call stands or ended."""
        end = self.end
        if end is not None:
            return (str(end["node"]) if end.get("node") else None), None
        for event in reversed([self.start, *self.events]):
            if "next_node" in event:
                node, question = event.get("next_node"), event.get("next_field")
                return (str(node) if node else None), (str(question) if question else None)
        return None, None

    def active_seconds(self) -> float:
        """How long the call was worked on: each stretch from its start or
        resume to its last event, added up (a night between is not counted)."""
        total = 0.0
        begin: datetime | None = None
        last: datetime | None = None
        for event in [self.start, *self.events]:
            moment = _parse_time(event.get("at"))
            if event.get("event") in ("start", "resume"):
                if begin is not None and last is not None:
                    total += max(0.0, (last - begin).total_seconds())
                begin = last = moment
            elif moment is not None and event.get("event") not in ("receipt", "receipt_failed"):
                last = moment
        if begin is not None and last is not None:
            total += max(0.0, (last - begin).total_seconds())
        return total


def _parse_time(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def read_journal(path: Path) -> JournalRecord:
    """Read a journal; a torn last line is ignored, a damaged line skipped.

    Raises JournalError when the file cannot be read or is not a journal.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise JournalError(f"{path}: cannot read the session journal: {describe_os_error(exc)}") from None
    lines = data.split(b"\n")
    torn = lines[-1] != b""
    records: list[dict[str, Any]] = []
    damaged: list[int] = []
    for number, raw in enumerate(lines[:-1], start=1):
        try:
            record = json.loads(raw.decode("utf-8", errors="replace"))
        except ValueError:
            record = None
        if isinstance(record, dict) and isinstance(record.get("event"), str):
            records.append(record)
        elif raw.strip():
            damaged.append(number)
    if not records or records[0].get("event") != "start":
        raise JournalError(f"{path}: not a callflow session journal (no start record on its first line)")
    return JournalRecord(path, records[0], records[1:], damaged, torn)


def list_journals(sessions_dir: Path) -> list[Path]:
    """The journals of a sessions folder, newest first (ids start with the time)."""
    directory = journal_dir(sessions_dir)
    try:
        found = [p for p in directory.iterdir() if p.suffix == JOURNAL_SUFFIX and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)
