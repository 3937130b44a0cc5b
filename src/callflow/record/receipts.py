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

RECEIPT_FORMAT = 1
MAX_NAME_ATTEMPTS = 1000
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


def write_receipts(directory: Path, data: dict[str, Any], markdown: str, text: str | None = None) -> list[Path]:
    """Write `<stem>.json`, `<stem>.md` and (given `text`) `<stem>.txt`
    under one name nobody has yet; raises ReceiptError naming the folder."""
    stem = receipt_stem(data)
    payload = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    contents = [(".json", payload), (".md", markdown)] + ([(".txt", text)] if text is not None else [])
    try:
        with deferred():
            retry_busy(lambda: directory.mkdir(parents=True, exist_ok=True))
            for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
                name = stem if attempt == 1 else f"{stem}-{attempt}"
                written: list[Path] = []
                for suffix, content in contents:
                    path = _publish(directory, f"{name}{suffix}", content)
                    if path is None:
                        break
                    written.append(path)
                if len(written) == len(contents):
                    fsync_dir(directory)
                    return written
                # Someone else's receipt holds this name: give ours up and take the next.
                for path in written:
                    retry_busy(lambda p=path: os.unlink(p))  # type: ignore[misc]
    except OSError as exc:
        raise ReceiptError(f"{directory}: cannot write the receipt: {describe_os_error(exc)}") from None
    raise ReceiptError(f"{directory}: cannot write the receipt: no free name for {stem} after {MAX_NAME_ATTEMPTS} tries")


def _temporary(directory: Path) -> tuple[int, Path]:
    """A new temporary file in the folder, created with the umask (mkstemp would make it 0600)."""
    while True:
        path = directory / f".tmp-{secrets.token_hex(8)}.part"
        try:
            fd = retry_busy(lambda p=path: os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # type: ignore[misc]
        except FileExistsError:
            continue
        return fd, path


def _publish(directory: Path, name: str, content: str) -> Path | None:
    """Write content under a new name; None if the name is taken."""
    final = directory / name
    fd, tmp = _temporary(directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            retry_busy(lambda: os.fsync(handle.fileno()))
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
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        except OSError:
            pass  # a leftover .tmp-*.part is harmless: no receipt is ever read from it
