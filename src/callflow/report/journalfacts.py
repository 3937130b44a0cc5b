"""What a report keeps of a session journal: the flow version (its content
hash), the seconds at each node, the back-presses and changes, the ticket
number and, for a call that never ended, where it stands and why it stopped.

The seconds at each node are counted as the receipt's `time_per_node`
counts them (callflow.record.timing, the one definition): the time between
two journal events belongs to the node the call stood at in between, a node
reached twice adds up, and a stretch from a stop to a resume belongs to
nobody. So a call timed from its journal and one timed from its receipt
give the same figures.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from callflow.record.journal import JOURNAL_FORMAT, JournalError
from callflow.record.journalread import JournalRecord, read_journal
from callflow.record.timing import node_seconds
from callflow.report.extract import (
    CANNOT_READ,
    JOURNAL,
    NOT_OURS,
    Facts,
    Unreadable,
    check_format,
    day_of,
    receipt_facts,
    skipped,
    text_of,
)


def journal_file_facts(path: Path) -> Facts:
    try:
        return journal_facts(_journal(path))
    except Unreadable as exc:
        return skipped(exc.reason, exc.detail)


def _journal(path: Path) -> JournalRecord:
    try:
        record = read_journal(path)
    except JournalError as exc:
        reason = CANNOT_READ if "cannot read" in exc.message else NOT_OURS
        raise Unreadable(reason) from None
    check_format(record.start, JOURNAL_FORMAT)
    return record


def journal_facts(record: JournalRecord) -> Facts:
    """Facts of a session journal: time per node, backs, changes, where it stands."""
    node, question = record.position()
    events = [record.start, *record.events]
    standing = record.standing_details()
    ticket = text_of(str(standing["ticket_number"])) if standing.get("ticket_number") is not None else None
    facts: Facts = {
        "k": JOURNAL,
        "s": record.session_id,
        "flow": record.flow_id,
        "fpath": text_of(record.start.get("flow_abspath")) or text_of(record.start.get("flow_path")),
        "sha": record.flow_sha256,
        "agent": record.agent,
        "day": day_of(record.start.get("today"), record.start.get("at")),
        "started": text_of(record.start.get("started_at")) or text_of(record.start.get("at")),
        "dur": round(record.active_seconds(), 1),
        "visits": tuple(visits(record)),
        "tpn": tuple((n, round(s * 10)) for n, s in node_seconds(events).items()),
        "backs": tuple(backs(record)),
        "chg": tuple(str(e["node"]) for e in record.events if e.get("event") == "change" and isinstance(e.get("node"), str)),
        "ended": record.end is not None,
        "stopped": record.stopped,
        "at": (node, question),
        "answers": len(record.answers()),
        "last": text_of(events[-1].get("at")),
    }
    if ticket is not None:
        facts["tk"] = ticket
    end = record.end
    if end is not None and isinstance(end.get("receipt"), dict):
        # Unreadable: the timing still counts; the call reads as ended without its receipt.
        with contextlib.suppress(Unreadable):
            facts["r"] = receipt_facts({"receipt": 1, **end["receipt"]})
    return facts


def visits(record: JournalRecord) -> list[str]:
    """The nodes of the answers still standing (after backs, changes and
    resumes), a run of answers at one node being one visit: the path so far
    of a call that did not end, as far as it asked."""
    nodes: list[str] = []
    previous: str | None = None
    for answer in record.answers():
        node = answer.get("node")
        if isinstance(node, str) and node != previous:
            nodes.append(node)
        previous = node if isinstance(node, str) else previous
    return nodes


def backs(record: JournalRecord) -> list[str]:
    """The node the call stood at when each back was pressed."""
    where = record.start.get("next_node")
    found: list[str] = []
    for event in record.events:
        if event.get("event") == "back" and isinstance(where, str):
            found.append(where)
        if "next_node" in event:
            where = event["next_node"]
    return found
