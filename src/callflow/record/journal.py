"""The session journal: every event of a live call appended to a local file
and flushed to disk (fsync) before the next prompt.

One JSON object per line, in `<sessions dir>/journal/<session id>.jsonl`:

    {"event": "start", "format": 1, "session": "...", "flow_path": "flows/x.yaml",
     "flow_abspath": "/.../flows/x.yaml", "flow_id": "...", "flow_sha256": "...",
     "agent": "Dana", "today": "2026-11-23", "next_node": "D-2-1", "next_field": "existing_member",
     "at": "..."}
    {"event": "answer", "node": "D-2-1", "field": "existing_member", "value": "yes",
     "next_node": "D-2-5", "next_field": "member_plan", "at": "..."}
    {"event": "answer", "node": "...", "field": "card", "secret": true, ...}
    {"event": "answer", "node": "...", "field": "admin_logged_out", "value": false,
     "reason": "customer still working", ...}   a checklist item not done, and why
    {"event": "back", "node": "...", "field": "...", ...}        the last answer undone
    {"event": "change", "answer": 3, "node": "D-2-8", "field": "payment_method",
     "old": "account", "new": "phone", "kept": 1, "offered": 0, ...}
                          answer number 3 changed (Ctrl-R): the `kept` answers after it were
                          given again, the rest are dropped (a secret: "secret": true, no values)
    {"event": "note", "node": "...", "field": "...", "text": "..."}
    {"event": "stopped", "reason": "ctrl-c" | "SIGHUP" | "SIGTERM" | "input closed"}
    {"event": "resume", "kept": 7, "dropped": [...], "flow_sha256": "...", ...}
    (answer, back, change, start and resume also say where the call then
     stands: "next_node", "next_field", the invoice "total" and, once known,
     the "ticket_number")
    {"event": "end", "outcome": "...", "node": "...", "duration_seconds": 95.2,
     "receipt": {...the receipt data...}}
    {"event": "receipt", "paths": ["..."]}  or  {"event": "receipt_failed", "reason": "..."}

A secret answer is journalled without its value; free text and notes are
journalled with card numbers masked (callflow.call.cardmask). Each line is
written whole with one write() and fsynced; the folder is fsynced when the
file is created. If a write fails (a full disk), the file is cut back to its
last whole line and the event is kept in memory and written, in order,
before the next one, so the file is always the call's beginning.

The journal also keeps in memory what it has written. Before each event it
checks that its file is still where it was (the same file at the same path):
one deleted mid-call, or its folder removed or replaced, is written again
whole from memory, and `rewritten` says so, so the director is warned.

Nodes are written as a person reads them (`pay/P-1` for a node of procedure
`pay`), as receipts name them. `today` is the call's date, fixed when it starts, so that a resume (or an
export) the next day computes the same dates and the same conditions. A
journal written before it existed is read with the date of its start's `at`.

Reading a journal back is callflow.record.journalread.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from callflow.call.events import Answered
from callflow.call.revise import Change
from callflow.flow.errors import CallflowError, ExitCode
from callflow.flow.procedures import shown
from callflow.record.diskio import describe_os_error, fsync_dir, write_all
from callflow.record.signals import deferred

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

    def __init__(self, path: Path, fd: int, clock: Callable[[], str] = now_iso, *, kept: bytes = b"") -> None:
        self.path = path
        self._fd: int | None = fd
        self._clock = clock
        self._pending: list[bytes] = []
        # Every whole line on disk (its length is the file's whole-line size),
        # to write the file again if it goes.
        self._kept = bytearray(kept)
        self.problem: OSError | None = None  # the last write failure, None once written
        self.cut_bytes = 0  # a torn last line cut off on reopening
        self.rewritten = 0  # times the file was gone and written again from memory

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
            # O_EXCL: never append to another session's journal. Its mode is
            # the umask's, like the receipts' (it never holds a secret).
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o666)
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
        journal = cls(path, fd, clock, kept=_read_all(fd, whole))
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
            self._keep_file()
            while self._pending:
                data = self._pending[0]
                try:
                    write_all(self._fd, data)
                    os.fsync(self._fd)
                except OSError as exc:
                    self.problem = exc
                    with contextlib.suppress(OSError):
                        os.ftruncate(self._fd, len(self._kept))  # keep only whole lines
                    return False
                self._kept += data
                self._pending.pop(0)
            self.problem = None
            return True

    def _keep_file(self) -> None:
        """Write the file again from memory if it is no longer at its path
        (deleted, or its folder replaced): the call's journal is never lost
        silently. A disk that refuses is left to the write that follows."""
        fd = self._fd
        assert fd is not None
        try:
            here, ours = os.stat(self.path), os.fstat(fd)
            if (here.st_dev, here.st_ino) == (ours.st_dev, ours.st_ino):
                return
        except OSError:
            pass  # gone (or unreadable): write it again
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.again")
            new_fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o666)
            try:
                write_all(new_fd, bytes(self._kept))
                os.fsync(new_fd)
                _lock(new_fd, self.path)
                os.replace(tmp, self.path)
            except BaseException:
                os.close(new_fd)
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
        except (OSError, CallflowError):
            return
        fsync_dir(self.path.parent)
        with contextlib.suppress(OSError):
            os.close(fd)
        self._fd = new_fd
        self.rewritten += 1

    @property
    def unwritten(self) -> int:
        """Events kept in memory because the disk refused them."""
        return len(self._pending)

    # -- the events ----------------------------------------------------------

    def answered(self, answer: Answered, **details: Any) -> bool:
        record: dict[str, Any] = {"event": "answer", "node": shown(answer.node_id), "field": answer.field_id}
        if answer.secret:
            record["secret"] = True
        else:
            record["value"] = journal_value(answer.value)
            if answer.reason is not None:
                record["reason"] = answer.reason
        return self.write({**record, **details})

    def went_back(self, undone: Answered, **details: Any) -> bool:
        return self.write({"event": "back", "node": shown(undone.node_id), "field": undone.field_id, **details})

    def changed(self, change: Change, **details: Any) -> bool:
        old, new = change.old, change.new
        record: dict[str, Any] = {
            "event": "change",
            "answer": change.position + 1,
            "node": shown(new.node_id),
            "field": new.field_id,
            "kept": len(change.kept),
            "offered": len(change.offered),
        }
        if old.secret or new.secret:
            record["secret"] = True
        else:
            record["old"] = journal_value(old.value)
            record["new"] = journal_value(new.value)
            if old.reason is not None:
                record["old_reason"] = old.reason
            if new.reason is not None:
                record["reason"] = new.reason
        return self.write({**record, **details})

    def noted(self, node_id: str, field_id: str | None, text: str, **details: Any) -> bool:
        return self.write({"event": "note", "node": node_id, "field": field_id, "text": text, **details})

    def ended(self, outcome: str | None, **details: Any) -> bool:
        return self.write({"event": "end", "outcome": outcome, **details})

    def receipt(self, paths: list[str], **details: Any) -> bool:
        return self.write({"event": "receipt", "paths": paths, **details})

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.close(fd)  # also drops the lock


def _read_all(fd: int, size: int) -> bytes:
    parts, position = [], 0
    while position < size:
        data = os.pread(fd, size - position, position)
        if not data:
            break
        parts.append(data)
        position += len(data)
    return b"".join(parts)


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
