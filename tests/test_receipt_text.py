"""The plain-text receipt, byte for byte; the ticket number in every receipt;
time per node from the journal's times; receipts and journals created with
the process umask."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from languagekit import walked
from sessionkit import D2_ANSWERS, PAYG, cli, journal_of, marked_d2

from callflow.call.summary import summarize
from callflow.record.journal import Journal
from callflow.record.markdown import receipt_markdown
from callflow.record.plaintext import receipt_text
from callflow.record.receipts import receipt_data, write_receipts
from callflow.record.timing import node_seconds, time_per_node

DESK_TEXT = """\
Call receipt: Printer desk

Session:          20261123-100000-abcdef
Flow:             desk
Agent:            Dana
Date of the call: 2026-11-23
Started:          2026-11-23T10:00:00+00:00
Ended:            2026-11-23T10:07:30+00:00
Duration:         7 min 30 s
Outcome:          resolved
Path:             START → TRY → TRY → TRY → ESCALATE → pay/P-1 → ESCALATE → RETURN

Ticket
Ticket: none was created

Invoice (USD)
CALLOUT Call-out fee:            $25.00
ONSITE On-site work (expedited): 2.5 h × $190.00/h = $475.00
BTL Ink bottle (credit):         2 × -$89.47 = -$178.94
FEE Restocking fee:              2 × $9.00 = $18.00
Total:                           $339.06
Paid:                            $500.00
Refunded:                        $160.94
Due:                             $0.00

Payments
pay/P-1: $500.00 — Card

Refunds
RETURN: $160.94 — to the card used

Checklist
RETURN: [ ] Log the return of 2 bottles in the stock sheet — not done: sheet is locked

Computed values
refund: $160.94

Notifications
RETURN: Dana: Return of 2 bottles for Robin

Follow-ups
RETURN: Call Robin back about the printer — Dana, due 2026-11-25 (in 2 days)

Notes
RETURN: card XXXX XXXX XXXX 1111 on file

Time per step
START:    12 s
TRY:      1 min 36 s (expected 1 min)
ESCALATE: 40 s

Answers
START:    Caller's name — Robin
TRY:      Does the test page print now? — No
TRY:      Does the test page print now? — No
TRY:      Does the test page print now? — No
ESCALATE: How long was the on-site visit? — 2 h 30 min
ESCALATE: Was the visit expedited? — Yes
pay/P-1:  How is it paid? — Card
RETURN:   How many ink bottles come back? — 2
RETURN:   Amount to refund now — $160.94
RETURN:   Log the return of 2 bottles in the stock sheet — Not done: sheet is locked
RETURN:   Callback date — 2026-11-25
"""


def desk_data() -> dict[str, object]:
    session, _ = walked()
    return receipt_data(
        summarize(session),
        session_id="20261123-100000-abcdef",
        flow_path="tests/language/desk.yaml",
        started_at="2026-11-23T10:00:00+00:00",
        ended_at="2026-11-23T10:07:30+00:00",
        duration_seconds=450.0,
        notes=[{"node": "RETURN", "field": "bottles", "text": "card XXXX XXXX XXXX 1111 on file", "at": "x"}],
        time_per_node=[
            {"node": "START", "seconds": 12.0, "expected_seconds": None},
            {"node": "TRY", "seconds": 95.5, "expected_seconds": 60},
            {"node": "ESCALATE", "seconds": 40.0, "expected_seconds": 120},
        ],
    )


def test_the_plain_text_receipt_byte_for_byte() -> None:
    assert receipt_text(desk_data()).encode("utf-8") == DESK_TEXT.encode("utf-8")


def test_nothing_in_the_plain_text_needs_rendering() -> None:
    text = receipt_text(desk_data())
    assert "|" not in text and "**" not in text and "#" not in text.replace("Ticket #", "")
    data = desk_data()
    data["notes"] = [{"node": "RETURN", "text": "two\nlines and \x1b[31mred", "at": "x"}]
    assert "RETURN: two lines and ␛[31mred\n" in receipt_text(data)


def test_the_ticket_number_leads_the_ticket_section_of_every_receipt(tmp_path: Path) -> None:
    flow = marked_d2(tmp_path / "flows")
    ran = cli("run", flow, "--answers", PAYG, "--save", "--sessions-dir", tmp_path / "s")
    assert ran.returncode == 0, ran.stderr
    receipt = json.loads(next((tmp_path / "s").glob("*.json")).read_text(encoding="utf-8"))
    assert receipt["ticket"]["number"] == "T-1003"
    text = next((tmp_path / "s").glob("*.txt")).read_text(encoding="utf-8")
    assert "\nTicket\nTicket number:   T-1003\nPriority:        2 Normal\n" in text
    markdown = receipt_markdown(receipt)
    assert "| Field | Value |\n|---|---|\n| Ticket number | T-1003 |\n| Priority | 2 Normal |" in markdown
    assert "Ticket number" in ran.stdout and "T-1003" in ran.stdout  # the summary on screen
    # A flow that marks none: no number, and nothing changes.
    unmarked = tmp_path / "unmarked.yaml"
    unmarked.write_text(flow.read_text(encoding="utf-8").replace("    ticket_number: true\n", ""), encoding="utf-8")
    plain = cli("run", unmarked, "--answers", PAYG, "--json")
    assert json.loads(plain.stdout)["ticket"]["number"] is None


def test_time_per_node_counts_from_arriving_to_answering_and_skips_a_stop() -> None:
    t0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def at(seconds: float) -> str:
        return (t0 + timedelta(seconds=seconds)).isoformat()

    events = [
        {"event": "start", "at": at(0), "next_node": "A"},
        {"event": "answer", "at": at(5), "next_node": "B"},
        {"event": "note", "at": at(7), "node": "B"},  # a note does not move the call
        {"event": "back", "at": at(9), "next_node": "A"},  # 4 s at B before going back
        {"event": "answer", "at": at(12), "next_node": "C"},
        {"event": "stopped", "at": at(20)},  # 8 s at C, then the call stood still
        {"event": "resume", "at": at(3600), "next_node": "C"},
        {"event": "change", "at": at(3610), "next_node": "C"},
        {"event": "end", "at": at(3615), "node": "C"},
    ]
    assert node_seconds(events) == {"A": 8.0, "B": 4.0, "C": 23.0}
    assert time_per_node(events, {"C": 20}) == [
        {"node": "A", "seconds": 8.0, "expected_seconds": None},
        {"node": "B", "seconds": 4.0, "expected_seconds": None},
        {"node": "C", "seconds": 23.0, "expected_seconds": 20},
    ]
    # A call in progress: the stretch still open counts up to now.
    assert node_seconds(events[:5], now=t0 + timedelta(seconds=30)) == {"A": 8.0, "B": 4.0, "C": 18.0}


def test_a_saved_call_has_its_time_per_node(tmp_path: Path) -> None:
    ran = cli("run", D2_ANSWERS.parents[2] / "flows" / "anything-computers-intake.yaml", "--answers", PAYG, "--save",
              "--sessions-dir", tmp_path / "s")  # fmt: skip
    assert ran.returncode == 0
    receipt = json.loads(next((tmp_path / "s").glob("*.json")).read_text(encoding="utf-8"))
    # The nodes that asked, in the order first asked, then the end: a node that
    # asks nothing (a procedure's words, the part of D-2-9 before its call) takes no time of its own.
    asked = list(dict.fromkeys(answer["node"] for answer in receipt["answers"]))
    assert [t["node"] for t in receipt["time_per_node"]] == [*asked, receipt["path"][-1]]
    assert "payment_options/PAYMENT-OPTIONS" in receipt["path"]
    assert all(t["seconds"] >= 0 and t["expected_seconds"] is None for t in receipt["time_per_node"])
    assert "Time per step" in next((tmp_path / "s").glob("*.md")).read_text(encoding="utf-8")


@pytest.fixture()
def umask() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_receipts_and_journals_are_created_with_the_umask(tmp_path: Path, umask: None) -> None:
    written = write_receipts(tmp_path / "shared", desk_data(), "# r\n", "r\n")
    assert [p.suffix for p in written] == [".json", ".md", ".txt"]
    assert {mode(p) for p in written} == {0o640}  # group-readable, as the umask 027 says
    journal = Journal.create(
        tmp_path / "s", "20261123-100000-abcdef", flow_path="x.yaml", flow_id="x", flow_sha256="0", agent=None
    )
    journal.close()
    assert mode(journal_of(tmp_path / "s")) == 0o640
    os.umask(0o077)
    private = write_receipts(tmp_path / "own", desk_data(), "# r\n", "r\n")
    assert {mode(p) for p in private} == {0o600}
    assert not list((tmp_path / "shared").glob(".tmp-*"))
