"""Rules every call must keep, whatever the answers: checked on every random
walk and every scenario.

- no blank placeholder is shown: every `{name}` in words, checklist items,
  notes, notifications and payments had a value when it was shown;
- every end has the required ticket fields once a ticket was started;
- after every answer, the amounts the engine counted (said as `{total}`,
  taken as payments) are those of the invoice so far: the total is the sum of
  its lines plus the past-due balance, paid is the sum of the payments and
  refunded the sum of the refunds;
- what is due and what the invoice owes the customer (`refund_due`) are never
  negative, and paid - refunded - total == refund_due - due;
- no payment or refund is negative, and no refund pays back more than the
  invoice owed the customer at that moment;
- a checklist item confirmed not done always says why.

Several payments in one call are normal: a payment settles what is due so
far, and lines added after it are due next.

Whether a walk ends is the walker's check (it bounds the number of answers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from callflow.call.actions import Totals
from callflow.call.engine import Session
from callflow.call.events import (
    Event,
    FollowUp,
    LineAdded,
    Noted,
    Notified,
    PastDueSet,
    PaymentTaken,
    RefundGiven,
    Said,
    ToDo,
)
from callflow.call.summary import Summary
from callflow.flow.invoicesteps import PaymentStep
from callflow.flow.model import Node
from callflow.flow.money import ZERO, cents, format_money
from callflow.flow.procedures import shown
from callflow.flow.steps import DoStep, FollowUpStep, NoteStep, NotifyStep, SayStep
from callflow.flow.templates import BLANK, Placeholder, parse_template

BLANK_SHOWN = "blank-shown"
TICKET_INCOMPLETE = "ticket-incomplete"
TOTAL_MISMATCH = "total-mismatch"
BALANCE_MISMATCH = "balance-mismatch"
NEGATIVE_AMOUNT = "negative-amount"
REFUND_BEYOND_OWED = "refund-beyond-owed"
REASON_MISSING = "reason-missing"
NOT_ENDED = "not-ended"


@dataclass(frozen=True)
class Violation:
    """One broken rule, at the node where it showed."""

    rule: str
    node_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"at {shown(self.node_id)}: " if self.node_id else ""
        return f"{where}{self.message} [{self.rule}]"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "node": shown(self.node_id) if self.node_id else None, "message": self.message}


def _templates(node: Node, event: Event) -> list[str]:
    """The templates of a node that could have produced the event's text."""
    out: list[str] = []
    for step in node.steps:
        if isinstance(event, Said) and isinstance(step, SayStep):
            out.append(step.say)
        elif isinstance(event, ToDo) and isinstance(step, DoStep):
            out.append(step.do)
        elif isinstance(event, Noted) and isinstance(step, NoteStep):
            out.append(step.note)
        elif isinstance(event, FollowUp) and isinstance(step, FollowUpStep):
            out.append(step.text)
            if step.owner is not None:
                out.append(step.owner)
        elif isinstance(event, Notified) and isinstance(step, NotifyStep) and step.notify.message:
            out.append(step.notify.message)
        elif isinstance(event, PaymentTaken) and isinstance(step, PaymentStep):
            out += [t for t in (step.payment.method, step.payment.note) if t]
    return out


@lru_cache(maxsize=4096)
def _matcher(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    parts = parse_template(template)
    regex = "".join("(.*?)" if isinstance(p, Placeholder) else re.escape(p) for p in parts)
    names = tuple(p.name for p in parts if isinstance(p, Placeholder))
    return re.compile(regex, re.DOTALL), names


def blank_names(text: str, templates: list[str]) -> list[str] | None:
    """The placeholders left blank in `text`; None if no template explains it.

    A blank written literally in a flow's words is not a placeholder, so the
    text is matched against its templates instead of just searched for blanks.
    """
    explained = False
    for template in templates:
        pattern, names = _matcher(template)
        match = pattern.fullmatch(text)
        if match is None:
            continue
        explained = True
        blanks = [name for name, value in zip(names, match.groups(), strict=True) if value == BLANK]
        if blanks:
            return blanks
    return [] if explained else None


def _texts(event: Event) -> list[str]:
    if isinstance(event, (Said, ToDo, Noted, FollowUp)):
        return [event.text]
    if isinstance(event, Notified):
        return [event.message] if event.message else []
    if isinstance(event, PaymentTaken):
        return [t for t in (event.method, event.note) if t]
    return []


def _shown_blanks(session: Session) -> list[Violation]:
    found = []
    for frame in session.frames:
        for event in frame.events:
            for text in _texts(event):
                if BLANK not in text:
                    continue
                node_id = getattr(event, "node_id", None)
                node = session.flow.nodes.get(node_id) if node_id else None
                names = blank_names(text, _templates(node, event)) if node is not None else None
                if names is not None and session.agent is None:
                    # Who takes the call is not the flow's business: no agent given, no defect.
                    names = [n for n in names if n != "agent"]
                if names == []:
                    continue
                which = f" ({', '.join('{' + n + '}' for n in names)} had no value)" if names else ""
                found.append(
                    Violation(BLANK_SHOWN, node_id, f"a blank is shown{which}: \"{_shorten(text)}\"")
                )
    return found


def _shorten(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _ticket_complete(summary: Summary) -> list[Violation]:
    if summary.ended and summary.ticket_started and summary.ticket_missing:
        end = summary.path[-1] if summary.path else None
        return [
            Violation(
                TICKET_INCOMPLETE,
                end,
                f"the call ends ({summary.outcome}) with the ticket missing: {', '.join(summary.ticket_missing)}",
            )
        ]
    return []


@dataclass
class _Counted:
    """The invoice as the events built it so far."""

    subtotal: Decimal = ZERO
    past_due: Decimal = ZERO
    paid: Decimal = ZERO
    refunded: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.past_due

    @property
    def owed_back(self) -> Decimal:
        return max(ZERO, self.paid - self.refunded - self.total)


def _money_rules(session: Session) -> list[Violation]:
    """Every frame's amounts against the events so far; every payment and refund."""
    currency = session.flow.currency

    def money(amount: Decimal) -> str:
        return format_money(amount, currency)

    found: list[Violation] = []
    counted = _Counted()
    for frame in session.frames:
        where = frame.prompt.node_id if frame.prompt is not None else session.current_node()
        for event in frame.events:
            if isinstance(event, LineAdded):
                counted.subtotal += event.line.amount
            elif isinstance(event, PastDueSet):
                counted.past_due = event.amount
            elif isinstance(event, PaymentTaken):
                if event.amount < 0:
                    found.append(Violation(NEGATIVE_AMOUNT, event.node_id, f"a payment of {money(event.amount)} is taken"))
                counted.paid += event.amount
            elif isinstance(event, RefundGiven):
                if event.amount < 0:
                    found.append(Violation(NEGATIVE_AMOUNT, event.node_id, f"a refund of {money(event.amount)} is given"))
                elif event.amount > counted.owed_back:
                    found.append(
                        Violation(
                            REFUND_BEYOND_OWED,
                            event.node_id,
                            f"a refund of {money(event.amount)} is given when the invoice owes the customer "
                            f"{money(counted.owed_back)}",
                        )
                    )
                counted.refunded += event.amount
        found += _frame_totals(frame.totals, counted, where, money)
        if found:
            return found  # the first frame that goes wrong says it; the rest follows from it
    return found


def _frame_totals(totals: Totals, counted: _Counted, node_id: str | None, money: Callable[[Decimal], str]) -> list[Violation]:
    found = []
    checks = (
        ("total", totals.total, counted.total, "the sum of its lines plus the past-due balance"),
        ("paid", totals.paid, counted.paid, "the sum of the payments"),
        ("refunded", totals.refunded, counted.refunded, "the sum of the refunds"),
    )
    for name, engine, events, words in checks:
        if cents(engine) != cents(events):
            found.append(
                Violation(TOTAL_MISMATCH, node_id, f"the invoice {name} is {money(engine)} but {words} is {money(events)}")
            )
    due, owed = totals.due, totals.refund_due
    for name, amount in (("due", due), ("refund_due", owed)):
        if amount < 0:
            found.append(Violation(NEGATIVE_AMOUNT, node_id, f"{name} is {money(amount)}, below zero"))
    if cents(totals.paid - totals.refunded - totals.total) != cents(owed - due):
        found.append(
            Violation(
                BALANCE_MISMATCH,
                node_id,
                f"paid {money(totals.paid)} - refunded {money(totals.refunded)} - total {money(totals.total)} "
                f"is not refund_due {money(owed)} - due {money(due)}",
            )
        )
    return found


def _reasons(summary: Summary) -> list[Violation]:
    return [
        Violation(REASON_MISSING, item.node_id, f"the checklist item '{item.id}' is not done and says no reason")
        for item in summary.checklist
        if not item.done and not (item.reason or "").strip()
    ]


def check_invariants(session: Session, summary: Summary) -> list[Violation]:
    """Every rule the walk broke (an unfinished walk is checked as far as it went)."""
    return [
        *_shown_blanks(session),
        *_ticket_complete(summary),
        *_money_rules(session),
        *_reasons(summary),
    ]
