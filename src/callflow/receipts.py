"""Receipts: the call's summary saved as JSON and Markdown where the team keeps them.

Files are written whole to a temporary file in the same folder and then given
a name that does not exist yet (a hard link, which fails rather than
overwrites), so a shared folder with several directors writing at once never
holds a torn or overwritten receipt.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from callflow.errors import ReceiptError
from callflow.summary import Summary

RECEIPT_FORMAT = 1


def receipt_data(
    summary: Summary,
    *,
    session_id: str,
    flow_path: str,
    started_at: str,
    ended_at: str,
    duration_seconds: float,
) -> dict[str, Any]:
    """The summary with the session's identity and timing, JSON-ready."""
    data = summary.to_dict()
    data["flow"]["path"] = flow_path
    return {
        "receipt": RECEIPT_FORMAT,
        "session": session_id,
        "started_at": started_at,
        "ended_at": ended_at,
        "duration_seconds": round(duration_seconds, 1),
        **data,
    }


def receipt_stem(data: dict[str, Any]) -> str:
    stamp = str(data.get("started_at", "")).replace("-", "").replace(":", "").replace("T", "-")[:15]
    return f"{stamp}-{data['flow']['id']}-{data['session'][-6:]}"


def write_receipts(directory: Path, data: dict[str, Any], markdown: str) -> list[Path]:
    """Write `<stem>.json` and `<stem>.md`; raises ReceiptError naming the folder."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stem = receipt_stem(data)
        payload = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        for attempt in range(1, 100):
            name = stem if attempt == 1 else f"{stem}-{attempt}"
            json_path = _publish(directory, f"{name}.json", payload)
            if json_path is None:
                continue
            md_path = _publish(directory, f"{name}.md", markdown)
            if md_path is None:
                os.unlink(json_path)
                continue
            return [json_path, md_path]
        raise ReceiptError(f"{directory}: could not find a free receipt name for {stem}")
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise ReceiptError(f"{directory}: cannot write the receipt: {reason}") from None


def _publish(directory: Path, name: str, content: str) -> Path | None:
    """Write content under a new name; None if the name is taken."""
    final = directory / name
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, final)
        except FileExistsError:
            return None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            # No hard links here (some network shares): reserve the name, then replace it.
            try:
                os.close(os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                return None
            os.replace(tmp, final)
            return final
        return final
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
