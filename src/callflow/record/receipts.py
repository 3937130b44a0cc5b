"""Receipts: the call's summary saved as JSON, Markdown and plain text where the team keeps them.

The files of one receipt share one name (`<stem>.json`, `.md`, `.txt`).
They are created with the process's umask, like any file the director
saves (so a team's shared drive can let the team lead read them); a
secret is never in them. Each file is written whole to a temporary file in the same folder, fsynced,
and then given a name that does not exist yet (a hard link, which fails
rather than overwrites; on shares without hard links the name is reserved
with O_EXCL first and then replaced). So a shared folder with several
directors writing at once never holds a torn or overwritten receipt: a
taken name moves on to `<stem>-2`, `<stem>-3`, ...

A shared drive may answer "busy" for a moment (EBUSY, EAGAIN, ETXTBSY, a
stale handle): each step is retried with a short, bounded backoff before
giving up. A folder that cannot be written (no permission, read-only, full)
raises ReceiptError naming the folder and the reason.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from callflow.call.summary import Summary
from callflow.flow.errors import ReceiptError
from callflow.record.diskio import describe_os_error, fsync_dir, retry_busy
from callflow.record.signals import deferred

RECEIPT_FORMAT = 1  # the "format" field: up by one when a key changes meaning or goes (docs/report.md)
MAX_NAME_ATTEMPTS = 1000
RECEIPT_SUFFIXES = (".json", ".md", ".txt")
NO_LINK_ERRNOS = frozenset((errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS))


def receipt_data(
    summary: Summary,
    *,
    session_id: str,
    flow_path: str,
    started_at: str,
    ended_at: str,
    duration_seconds: float,
    notes: Sequence[dict[str, Any]] = (),
    time_per_node: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The summary with the session's identity, timing and notes, JSON-ready."""
    data = summary.to_dict()
    data["flow"]["path"] = flow_path
    return {
        "receipt": RECEIPT_FORMAT,
        "format": RECEIPT_FORMAT,
        "session": session_id,
        "started_at": started_at,
        "ended_at": ended_at,
        "duration_seconds": round(duration_seconds, 1),
        **data,
        "notes": [dict(n) for n in notes],
        "time_per_node": [dict(t) for t in time_per_node],
    }


def receipt_stem(data: dict[str, Any]) -> str:
    stamp = str(data.get("started_at", "")).replace("-", "").replace(":", "").replace("T", "-")[:15]
    return f"{stamp}-{data['flow']['id']}-{data['session'][-6:]}"


def write_receipts(
    directory: Path, data: dict[str, Any], markdown: str, text: str | None = None, *, rewrite: bool = False
) -> list[Path]:
    """Write `<stem>.json`, `<stem>.md` and (given `text`) `<stem>.txt`
    under one name nobody has yet; raises ReceiptError naming the folder.

    A receipt is all its files or none: every file is written (and synced)
    before any takes its name, and a failure takes back the names taken.
    With `rewrite` (an export), a receipt of the same session already in the
    folder, whole or in part, is replaced under its own name."""
    stem = receipt_stem(data)
    payload = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    contents = [(".json", payload), (".md", markdown)] + ([(".txt", text)] if text is not None else [])
    temporaries: list[Path] = []
    try:
        with deferred():
            retry_busy(lambda: directory.mkdir(parents=True, exist_ok=True))
            for _, content in contents:
                temporaries.append(_written(directory, content))
            suffixes = [suffix for suffix, _ in contents]
            own = _own_receipt(directory, stem, str(data.get("session", ""))) if rewrite else None
            if own is not None:
                return _replace(directory, own, suffixes, temporaries)
            for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
                name = stem if attempt == 1 else f"{stem}-{attempt}"
                written = _link_all(directory, name, suffixes, temporaries)
                if written is not None:
                    fsync_dir(directory)
                    return written
    except OSError as exc:
        raise ReceiptError(f"{directory}: cannot write the receipt: {describe_os_error(exc)}") from None
    finally:
        for tmp in temporaries:
            _remove(tmp)
    raise ReceiptError(f"{directory}: cannot write the receipt: no free name for {stem} after {MAX_NAME_ATTEMPTS} tries")


def _link_all(directory: Path, name: str, suffixes: list[str], temporaries: list[Path]) -> list[Path] | None:
    """Give every file its name under `name`; None if someone else's receipt
    holds one of them. On a failure the names taken are given up."""
    written: list[Path] = []
    try:
        for suffix, tmp in zip(suffixes, temporaries, strict=True):
            path = _publish(tmp, directory / f"{name}{suffix}")
            if path is None:
                break
            written.append(path)
    except BaseException:
        for path in written:
            _remove(path)
        raise
    if len(written) == len(suffixes):
        return written
    for path in written:  # someone else's receipt holds this name: give ours up and take the next
        retry_busy(lambda p=path: os.unlink(p))  # type: ignore[misc]
    return None


def _own_receipt(directory: Path, stem: str, session: str) -> str | None:
    """The name under which this session's receipt (or part of it) already lies."""
    for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
        name = stem if attempt == 1 else f"{stem}-{attempt}"
        parts = [directory / f"{name}{suffix}" for suffix in RECEIPT_SUFFIXES]
        if not any(p.exists() for p in parts):
            return None  # names are taken in order: no later one holds it
        if session and _holds_session(parts, session):
            return name
    return None


def _holds_session(parts: list[Path], session: str) -> bool:
    """Whether the receipt files of one name are this session's: its JSON
    says so or, with no JSON left, the Markdown or text names the session."""
    json_part, *others = parts
    try:
        if json_part.exists():
            return bool(json.loads(json_part.read_text(encoding="utf-8")).get("session") == session)
        return any(p.exists() and session in p.read_text(encoding="utf-8", errors="replace") for p in others)
    except (OSError, ValueError, AttributeError):
        return False


def _replace(directory: Path, name: str, suffixes: list[str], temporaries: list[Path]) -> list[Path]:
    """Replace the session's own receipt, file by file, and drop a part it no longer has."""
    written = []
    for suffix, tmp in zip(suffixes, temporaries, strict=True):
        final = directory / f"{name}{suffix}"
        retry_busy(lambda t=tmp, f=final: os.replace(t, f))  # type: ignore[misc]
        written.append(final)
    for suffix in RECEIPT_SUFFIXES:
        if suffix not in suffixes:
            _remove(directory / f"{name}{suffix}")
    fsync_dir(directory)
    return written


def _remove(path: Path) -> None:
    # Gone already, or left: a leftover .tmp-*.part is harmless, no receipt is ever read from it.
    with contextlib.suppress(OSError):
        os.unlink(path)


def _temporary(directory: Path) -> tuple[int, Path]:
    """A new temporary file in the folder, created with the umask (mkstemp would make it 0600)."""
    while True:
        path = directory / f".tmp-{secrets.token_hex(8)}.part"
        try:
            fd = retry_busy(lambda p=path: os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # type: ignore[misc]
        except FileExistsError:
            continue
        return fd, path


def _written(directory: Path, content: str) -> Path:
    """The content in a new temporary file of the folder, synced to disk."""
    fd, tmp = _temporary(directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            retry_busy(lambda: os.fsync(handle.fileno()))
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _publish(tmp: Path, final: Path) -> Path | None:
    """Give a written temporary file its name; None if the name is taken."""
    try:
        retry_busy(lambda: os.link(tmp, final))
    except FileExistsError:
        return None
    except OSError as exc:
        if exc.errno not in NO_LINK_ERRNOS:
            raise
        # No hard links here (some network shares): reserve the name, then replace it.
        try:
            reserved = retry_busy(lambda: os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            return None
        os.close(reserved)
        retry_busy(lambda: os.replace(tmp, final))
    return final
