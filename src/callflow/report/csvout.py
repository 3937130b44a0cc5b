"""The report as CSV a spreadsheet opens as it is: one row per call, or
(`--per node`) one row per node visit.

UTF-8 with a byte-order mark (so Excel reads accents right), a header row,
CRLF line ends (RFC 4180). Numbers are plain (`65.50`, `95.2`), dates ISO
(`2026-11-23`), times `2026-11-23 14:05:09` in UTC, so a spreadsheet reads
them as numbers and dates. A text cell that a spreadsheet would take for a
formula (starting with = + - @ or a tab) gets a leading apostrophe, so a
name typed on a call can never run as one. Rows are written as the calls
are read, so a CSV of 100,000 calls needs no more memory than one of ten.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from callflow.flow.controls import visible
from callflow.report.calls import Call
from callflow.report.stats import money_text, past_due_collected

BOM = "\ufeff"
CALL_COLUMNS = (
    "session", "ticket", "flow", "flow_version", "agent", "status", "outcome", "day", "week", "started_utc",
    "duration_seconds", "end_node", "stop_reason", "answers", "backs", "changes", "currency", "invoiced", "past_due",
    "paid", "past_due_collected", "refunded", "due", "path", "file", "journal",
)
NODE_COLUMNS = (
    "session", "ticket", "flow", "agent", "day", "status", "outcome", "position", "node", "seconds", "next_node",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str | None) -> str:
    if value is None:
        return ""
    shown = visible(value)
    return "'" + shown if shown.startswith(FORMULA_START) else shown


def _utc(started: str | None) -> str:
    return started[:19].replace("T", " ") if started else ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def call_row(call: Call) -> list[str]:
    money: list[str] = [""] * 6
    if call.money is not None:
        subtotal, past_due, _total, paid, refunded, due = call.money
        collected = past_due_collected(subtotal, past_due, paid, refunded)
        money = [money_text(v) for v in (subtotal, past_due, paid, collected, refunded, due)]
    return [
        text_cell(call.session), text_cell(call.ticket), text_cell(call.flow), call.sha or "", text_cell(call.agent),
        call.status, text_cell(call.outcome), call.day or "", call.week or "", _utc(call.started), _number(call.duration),
        text_cell(call.end_node), text_cell(call.stop_reason), str(call.answers) if call.journalled else "",
        str(len(call.backs)) if call.journalled else "", str(len(call.changes)) if call.journalled else "",
        text_cell(call.currency if call.money is not None else None),
        *money, text_cell(" > ".join(call.path)), text_cell(call.file), text_cell(call.journal),
    ]


def node_rows(call: Call) -> Iterator[list[str]]:
    """A row per visit; `seconds` is the call's time at the node (all its
    visits, as the receipt's time per node), on the node's first visit."""
    path = call.path
    times = dict(call.times)
    for i, node in enumerate(path):
        tenths = times.pop(node, None)
        seconds = None if tenths is None else tenths / 10
        after = path[i + 1] if i + 1 < len(path) else ""
        yield [
            text_cell(call.session), text_cell(call.ticket), text_cell(call.flow), text_cell(call.agent), call.day or "", call.status,
            text_cell(call.outcome), str(i + 1), text_cell(node), _number(seconds), text_cell(after),
        ]


class CsvWriter:
    """Writes the header, then a row (or rows) per call as they come."""

    def __init__(self, out: IO[str], per: str = "call") -> None:
        self.out = out
        self.per = per
        self.writer = csv.writer(out, lineterminator="\r\n")
        out.write(BOM)
        self.writer.writerow(CALL_COLUMNS if per == "call" else NODE_COLUMNS)
        self.rows = 0

    def add(self, item: Any) -> None:
        if not isinstance(item, Call):
            return
        if self.per == "call":
            self.writer.writerow(call_row(item))
            self.rows += 1
            return
        for row in node_rows(item):
            self.writer.writerow(row)
            self.rows += 1
