"""A session journal read back, for resume, export and the sessions list.

A torn last line (a crash or power loss mid-write) is ignored, and a damaged
line elsewhere is skipped and reported, never fatal. The format is the one
callflow.record.journal writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from callflow.record.diskio import describe_os_error
from callflow.record.journal import JOURNAL_SUFFIX, JournalError, journal_dir


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
    def today(self) -> date | None:
        """The call's date: journalled at its start, or (a journal from before
        that) the local date of the start record's time; None if neither reads."""
        written = self.start.get("today")
        if isinstance(written, str):
            try:
                return date.fromisoformat(written)
            except ValueError:
                pass
        moment = parse_time(self.start.get("at"))
        if moment is None:
            return None
        return moment.astimezone().date() if moment.tzinfo is not None else moment.date()

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
            elif kind in ("resume", "answer", "back", "change", "note"):
                reason = None
        return reason

    def answers(self) -> list[dict[str, Any]]:
        """The answers still standing after the backs and changes (and the
        answers a resume dropped), in order."""
        return self._standing()[0]

    def undone(self) -> dict[str, Any] | None:
        """The answer the last back undid, if the call stopped right after it
        (however many resumes, stops and notes came since)."""
        return self._standing()[1]

    def _standing(self) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        standing: list[dict[str, Any]] = []
        undone: dict[str, Any] | None = None
        for event in self.events:
            kind = event.get("event")
            if kind == "answer":
                standing.append(event)
                undone = None
            elif kind == "back" and standing:
                undone = standing.pop()
            elif kind == "change" and isinstance(event.get("answer"), int) and 1 <= event["answer"] <= len(standing):
                position = event["answer"] - 1
                kept = event.get("kept") if isinstance(event.get("kept"), int) else 0
                standing[position:] = [changed_answer(event), *standing[position + 1 : position + 1 + kept]]
                undone = None
            elif kind == "resume" and isinstance(event.get("kept"), int):
                if event["kept"] < len(standing):
                    undone = None  # answers were dropped (the flow changed): the call stands elsewhere
                del standing[event["kept"] :]
                # A resume that kept every answer stands at the question the
                # back returned to: its undone answer is still the one to offer.
        return standing, undone

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

    def standing_details(self) -> dict[str, Any]:
        """What the last event that moved the call said of where it stands
        (its total so far and its ticket number, once known)."""
        moves: list[dict[str, Any]] = [e for e in [self.start, *self.events] if "next_node" in e]
        return moves[-1] if moves else {}

    def active_seconds(self) -> float:
        """How long the call was worked on: each stretch from its start or
        resume to its last event, added up (a night between is not counted)."""
        total = 0.0
        begin: datetime | None = None
        last: datetime | None = None
        for event in [self.start, *self.events]:
            moment = parse_time(event.get("at"))
            if event.get("event") in ("start", "resume"):
                if begin is not None and last is not None:
                    total += max(0.0, (last - begin).total_seconds())
                begin = last = moment
            elif moment is not None and event.get("event") not in ("receipt", "receipt_failed"):
                last = moment
        if begin is not None and last is not None:
            total += max(0.0, (last - begin).total_seconds())
        return total


def changed_answer(event: dict[str, Any]) -> dict[str, Any]:
    """The answer a change event gives, as an answer event reads."""
    answer: dict[str, Any] = {"event": "answer", "node": event.get("node"), "field": event.get("field")}
    if event.get("secret"):
        answer["secret"] = True
    else:
        answer["value"] = event.get("new")
        if event.get("reason") is not None:
            answer["reason"] = event["reason"]
    answer["at"] = event.get("at")
    return answer


def parse_time(text: object) -> datetime | None:
    """An event's `at` as a datetime; None if it is missing or not a time."""
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
