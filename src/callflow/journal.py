"""The session journal: every event of a live call appended to a local file
and flushed to disk before the next prompt.

One JSON object per line:

    {"event": "start", "session": "...", "flow_path": "...", "flow_id": "...",
     "flow_sha256": "...", "agent": "Dana", "at": "2026-11-23T10:00:00+00:00", "format": 1}
    {"event": "answer", "node": "D-2-1", "field": "existing_member", "value": "yes", "at": "..."}
    {"event": "answer", "node": "...", "field": "card", "secret": true, "at": "..."}
    {"event": "back", "node": "...", "field": "...", "at": "..."}
    {"event": "end", "outcome": "chat_ended", "at": "..."}
    {"event": "receipt", "paths": ["..."], "at": "..."}

A secret answer is journalled without its value. A last line left half
written by a crash is ignored on reading.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from callflow.events import Answered

JOURNAL_FORMAT = 1
JOURNAL_DIR = "journal"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def journal_value(value: object) -> object:
    """An answer as JSON: money and numbers as text, so they read back exactly."""
    if isinstance(value, Decimal):
        return str(value)
    return value


class Journal:
    """Append-only, fsynced record of one session."""

    def __init__(self, path: Path, handle: TextIO, clock: Callable[[], str] = now_iso) -> None:
        self.path = path
        self._handle: TextIO | None = handle
        self._clock = clock

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
    ) -> Journal:
        directory = sessions_dir / JOURNAL_DIR
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{session_id}.jsonl"
        # "x": never append to another session's journal.
        handle = open(path, "x", encoding="utf-8")
        journal = cls(path, handle, clock)
        journal._write(
            {
                "event": "start",
                "format": JOURNAL_FORMAT,
                "session": session_id,
                "flow_path": flow_path,
                "flow_id": flow_id,
                "flow_sha256": flow_sha256,
                "agent": agent,
            }
        )
        return journal

    def _write(self, record: dict[str, Any]) -> None:
        if self._handle is None:
            return
        record.setdefault("at", self._clock())
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def answered(self, answer: Answered) -> None:
        record: dict[str, Any] = {"event": "answer", "node": answer.node_id, "field": answer.field_id}
        if answer.secret:
            record["secret"] = True
        else:
            record["value"] = journal_value(answer.value)
        self._write(record)

    def went_back(self, undone: Answered) -> None:
        self._write({"event": "back", "node": undone.node_id, "field": undone.field_id})

    def ended(self, outcome: str | None) -> None:
        self._write({"event": "end", "outcome": outcome})

    def receipt(self, paths: list[str]) -> None:
        self._write({"event": "receipt", "paths": paths})

    def close(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            finally:
                self._handle = None


@dataclass
class JournalRecord:
    """A journal read back: its start record and the events after it."""

    path: Path
    start: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def session_id(self) -> str:
        return str(self.start.get("session", self.path.stem))

    @property
    def ended(self) -> bool:
        return any(e.get("event") == "end" for e in self.events)

    def answers(self) -> list[dict[str, Any]]:
        """The answers still standing after the backs, in order."""
        standing: list[dict[str, Any]] = []
        for event in self.events:
            if event.get("event") == "answer":
                standing.append(event)
            elif event.get("event") == "back" and standing:
                standing.pop()
        return standing


def read_journal(path: Path) -> JournalRecord:
    """Read a journal; a torn last line (a crash mid-write) is skipped."""
    records: list[dict[str, Any]] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break  # the write that a crash interrupted
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                records.append(record)
    if not records or records[0].get("event") != "start":
        raise ValueError(f"{path}: not a callflow session journal")
    return JournalRecord(path, records[0], records[1:])
