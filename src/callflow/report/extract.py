"""What a report keeps of one file: a small dict of facts, the same for the
index (callflow.report.index) and for a run without it.

A receipt gives the call's flow, agent, outcome, day, duration, path, money
(integer cents, exact) and invoice lines; a journal gives the flow version
(its content hash), the time spent at each node it visited, the back-presses
and, for a call that never ended, where it stands and why it stopped; a quiz
report gives the trainee's score and where the trainee left the scenario.

Nothing an answer said is kept but the short value of the last answer at
each visit (`pick`), which tells two options leading to the same node apart
(callflow.report.flowmap); receipts hold no secret (they are redacted when
written), and the report never shows an answer. Every fact read is checked
for its type: a file that is not what it claims to be is skipped with a
reason (`Unreadable`), never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from callflow.record.receipts import RECEIPT_FORMAT

Facts = dict[str, Any]

RECEIPT = "receipt"
JOURNAL = "journal"
QUIZ = "quiz"
SKIP = "skip"

# Why a file was skipped (the report counts each).
HALF_WRITTEN = "not whole JSON (being written, or damaged)"
NEWER = "a newer format than this callflow reads"
NOT_OURS = "not a callflow receipt, journal or quiz report"
CANNOT_READ = "cannot be read"

MAX_PICK = 64  # longer answers are never an option's value
MONEY_KEYS = ("subtotal", "past_due", "total", "paid", "refunded", "due")


class Unreadable(ValueError):
    """A file the report skips, and why (one of the reasons above)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def skipped(reason: str, detail: str = "") -> Facts:
    return {"k": SKIP, "why": reason, "detail": detail}


def receipt_file_facts(data: bytes) -> Facts:
    if not data or data.isspace():
        raise Unreadable(HALF_WRITTEN, "empty")
    try:
        parsed = json.loads(data)
    except ValueError:
        raise Unreadable(HALF_WRITTEN) from None
    if not isinstance(parsed, dict):
        raise Unreadable(NOT_OURS)
    if "rehearsal" in parsed:
        return quiz_facts(parsed)
    return receipt_facts(parsed)


def check_format(data: dict[str, Any], known: int) -> None:
    """The version is `format`, else (a receipt before `format` was added)
    `receipt`, else 1."""
    version = data.get("format", data.get("receipt", 1))
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Unreadable(NOT_OURS, f"format {version!r}")
    if version > known:
        raise Unreadable(NEWER, f"format {version}")


def text_of(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def cents(value: object) -> int:
    """Money as a receipt writes it ("65.50") in whole cents, exactly."""
    if type(value) is str and len(value) > 3 and value[-3] == "." and value[-2:].isdigit():
        whole = value[:-3]
        if whole.isdigit() or (whole[:1] == "-" and whole[1:].isdigit()):
            return int(whole + value[-2:])  # the usual "65.50": no Decimal needed
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Unreadable(NOT_OURS, f"amount {value!r}")
    try:
        amount = Decimal(value) * 100
    except InvalidOperation:
        raise Unreadable(NOT_OURS, f"amount {value!r}") from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise Unreadable(NOT_OURS, f"amount {value!r}")
    return int(amount)


def day_of(today: object, started: object) -> str | None:
    """The call's date: its `today` (the director's local date), else the
    date of its start."""
    for text in (today, started):
        if isinstance(text, str) and len(text) >= 10:
            try:
                return date.fromisoformat(text[:10]).isoformat()
            except ValueError:
                continue
    return None


def receipt_facts(data: dict[str, Any]) -> Facts:
    """The facts of a call's receipt (also a journal's end record)."""
    if "receipt" not in data and "format" not in data:
        raise Unreadable(NOT_OURS)
    check_format(data, RECEIPT_FORMAT)
    flow = data.get("flow")
    session = text_of(data.get("session"))
    path = data.get("path")
    if not isinstance(flow, dict) or not text_of(flow.get("id")) or session is None:
        raise Unreadable(NOT_OURS, "no flow id or session")
    if type(path) is not list or not all(type(n) is str for n in path):
        raise Unreadable(NOT_OURS, "no path")
    duration = data.get("duration_seconds")
    facts: Facts = {
        "k": RECEIPT,
        "s": session,
        "flow": flow["id"],
        "title": text_of(flow.get("title")) or flow["id"],
        "fpath": text_of(flow.get("path")),
        "sha": text_of(flow.get("sha256")),
        "agent": text_of(data.get("agent")),
        "outcome": text_of(data.get("outcome")),
        "day": day_of(data.get("today"), data.get("started_at")),
        "started": text_of(data.get("started_at")),
        "dur": float(duration) if isinstance(duration, int | float) and not isinstance(duration, bool) else None,
        "path": tuple(path),
        "pick": _picks(path, data.get("answers")),
    }
    ticket = data.get("ticket")
    number = ticket.get("number") if isinstance(ticket, dict) else None
    if isinstance(number, str | int) and not isinstance(number, bool) and str(number):
        facts["tk"] = str(number)
    times = node_times(data.get("time_per_node"))
    if times:
        facts["tpn"] = times
    invoice = data.get("invoice")
    if isinstance(invoice, dict):
        facts["cur"] = text_of(invoice.get("currency")) or ""
        facts["money"] = tuple(cents(invoice.get(key, "0")) for key in MONEY_KEYS)
        facts["lines"] = tuple(_line(line) for line in invoice.get("lines") or ())
    return facts


def node_times(value: object) -> tuple[tuple[str, int], ...]:
    """A receipt's `time_per_node` as (node, tenths of a second) pairs; empty
    when it has none (a receipt written before it existed). Anything but a
    list of {node (text), seconds (a number)} is not a receipt of ours."""
    if type(value) is not list:
        return ()
    try:
        times = tuple([(entry["node"], entry["seconds"]) for entry in value])
    except (TypeError, KeyError, IndexError):
        raise Unreadable(NOT_OURS, "time_per_node") from None
    for node, seconds in times:
        if type(node) is not str or (type(seconds) is not float and type(seconds) is not int):
            raise Unreadable(NOT_OURS, "time_per_node")
    return tuple([(node, round(seconds * 10)) for node, seconds in times])


def _line(line: object) -> tuple[str, str, str, float, int]:
    if not isinstance(line, dict):
        raise Unreadable(NOT_OURS, "invoice line")
    quantity = line.get("quantity", 1)
    if not isinstance(quantity, int | float) or isinstance(quantity, bool):
        raise Unreadable(NOT_OURS, "invoice line quantity")
    return (
        str(line.get("code") or ""),
        str(line.get("name") or ""),
        str(line.get("kind") or "item"),
        float(quantity),
        cents(line.get("amount", "0")),
    )


def _picks(path: Sequence[str], answers: object) -> tuple[str | None, ...]:
    """For each entry of the path, the value of the last answer given at that
    visit (a choose's option), if short; None where nothing was asked."""
    groups: list[tuple[str, str | None]] = []
    last: str | None = None
    for answer in answers if type(answers) is list else ():
        if type(answer) is not dict:
            continue
        node = answer.get("node")
        if type(node) is not str:
            continue
        value = answer.get("value")
        pick = value if type(value) is str and len(value) <= MAX_PICK and not answer.get("secret") else None
        if node == last:
            groups[-1] = (node, pick)
        else:
            groups.append((node, pick))
            last = node
    return tuple(align(path, groups))


def align(path: Sequence[str], groups: Sequence[tuple[str, Any]]) -> list[Any]:
    """Give each path entry the value of its visit: `groups` are the visits at
    which something was asked, in order, a subsequence of the path; entries
    where nothing was asked get None."""
    out: list[Any] = []
    i = 0
    for node in path:
        if i < len(groups) and groups[i][0] == node:
            out.append(groups[i][1])
            i += 1
        else:
            out.append(None)
    return out


# -- quiz reports -------------------------------------------------------------------------


def quiz_facts(data: dict[str, Any]) -> Facts:
    """Facts of a quiz report (`rehearse --quiz`): the trainee, the score,
    and the nodes where the trainee's answers or path differed."""
    base = receipt_facts(data)
    quiz = data.get("rehearsal")
    if not isinstance(quiz, dict) or not isinstance(quiz.get("score"), int):
        raise Unreadable(NOT_OURS, "quiz report without a score")
    scenario: dict[str, Any] = quiz["scenario"] if isinstance(quiz.get("scenario"), dict) else {}
    left = quiz.get("left_path")
    wrong = tuple(
        str(a.get("node"))
        for a in quiz.get("answers") or ()
        if isinstance(a, dict) and a.get("matches") is False and isinstance(a.get("node"), str)
    )
    return {
        "k": QUIZ,
        "s": base["s"],
        "flow": base["flow"],
        "title": base["title"],
        "agent": base["agent"],
        "day": base["day"],
        "started": base["started"],
        "scenario": text_of(scenario.get("name")) or text_of(scenario.get("path")) or "",
        "score": quiz["score"],
        "ended": bool(quiz.get("ended", True)),
        "left": text_of(left.get("after")) if isinstance(left, dict) else None,
        "wrong": wrong,
    }
