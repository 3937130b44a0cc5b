"""The rules every call keeps, as issue 10's flows have them: several payments
are normal; amounts never go below zero and balance; no refund beyond what
was owed; a checklist item not done says why. The engine keeps them, so the
broken cases are built by hand: the checks must see them all the same."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

from deskkit import desk

from callflow.call.actions import Totals
from callflow.call.answers import AnswerSet
from callflow.call.driver import drive
from callflow.call.engine import Frame, Session
from callflow.call.events import Event, InvoiceLine, LineAdded, PaymentTaken, RefundGiven
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import CheckedItem, summarize
from callflow.flow.loadedflow import load_flow
from callflow.testing.invariants import (
    BALANCE_MISMATCH,
    NEGATIVE_AMOUNT,
    REASON_MISSING,
    REFUND_BEYOND_OWED,
    TOTAL_MISMATCH,
    check_invariants,
)

ANSWERS = {
    "bottles": "2",
    "method": ["card", "cash"],
    "admin_logged_out": "not done: customer still working",
    "checked": "yes",
    "work": "30 min",
    "fixed": "yes",
}


def _desk_call(tmp_path: Path) -> Session:
    loaded = load_flow(str(desk(tmp_path)))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    drive(session, ScriptedFrontEnd(AnswerSet.from_mapping(ANSWERS)))
    return session


def test_two_payments_a_credit_and_a_refund_keep_every_rule(tmp_path: Path) -> None:
    session = _desk_call(tmp_path)
    summary = summarize(session)
    assert len(summary.payments) == 2 and len(summary.refunds) == 1
    assert check_invariants(session, summary) == []


class _Forged:
    """A session whose frames say what a broken engine would have done."""

    def __init__(self, real: Session, frames: list[Frame]) -> None:
        self.flow = real.flow
        self.agent = real.agent
        self.frames = tuple(frames)

    def current_node(self) -> str:
        return "X"


def _frame(events: list[Event], totals: Totals) -> Frame:
    return Frame(None, events, None, totals)


def _rules(tmp_path: Path, frames: list[Frame], **summary_changes: Any) -> list[tuple[str, str]]:
    real = _desk_call(tmp_path)
    forged: Any = _Forged(real, frames)
    summary = dataclasses.replace(summarize(real), **summary_changes)
    return [(v.rule, v.message) for v in check_invariants(forged, summary) if v.rule != "blank-shown"]


LINE = LineAdded("X", InvoiceLine("BTL", "Bottle", Decimal(1), Decimal("50.00"), Decimal("50.00")))


def test_a_refund_beyond_what_the_invoice_owes_is_caught(tmp_path: Path) -> None:
    events: list[Event] = [LINE, PaymentTaken("X", Decimal("50.00"), None, None), RefundGiven("X", Decimal("10.00"), None, None)]
    totals = Totals(subtotal=Decimal("50.00"), paid=Decimal("50.00"), refunded=Decimal("10.00"))
    assert (REFUND_BEYOND_OWED, "a refund of $10.00 is given when the invoice owes the customer $0.00") in _rules(
        tmp_path, [_frame(events, totals)]
    )


def test_a_negative_payment_is_caught(tmp_path: Path) -> None:
    events: list[Event] = [LINE, PaymentTaken("X", Decimal("-160.94"), None, None)]
    totals = Totals(subtotal=Decimal("50.00"), paid=Decimal("-160.94"))
    assert (NEGATIVE_AMOUNT, "a payment of -$160.94 is taken") in _rules(tmp_path, [_frame(events, totals)])


def test_amounts_the_engine_counted_that_are_not_the_invoices_are_caught(tmp_path: Path) -> None:
    totals = Totals(subtotal=Decimal("60.00"))
    assert _rules(tmp_path, [_frame([LINE], totals)]) == [
        (TOTAL_MISMATCH, "the invoice total is $60.00 but the sum of its lines plus the past-due balance is $50.00")
    ]


def test_amounts_that_do_not_balance_are_caught(tmp_path: Path) -> None:
    class Broken(Totals):
        @property
        def due(self) -> Decimal:
            return Decimal("-5.00")

    assert [rule for rule, _ in _rules(tmp_path, [_frame([LINE], Broken(subtotal=Decimal("50.00")))])] == [
        NEGATIVE_AMOUNT,
        BALANCE_MISMATCH,
    ]


def test_a_checklist_item_not_done_without_a_reason_is_caught(tmp_path: Path) -> None:
    item = CheckedItem("D-1", "admin_logged_out", "Log the admin account out", False, None)
    rules = _rules(tmp_path, [_frame([], Totals())], checklist=(item,))
    assert rules == [(REASON_MISSING, "the checklist item 'admin_logged_out' is not done and says no reason")]
