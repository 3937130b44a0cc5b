"""Rules every call must keep, whatever the answers: checked on every random
walk and every scenario.

- no blank placeholder is shown: every `{name}` in words, checklist items,
  notes, notifications and payments had a value when it was shown;
- a payment never precedes an invoice line: nothing is added to the invoice
  after money was taken;
- every end has the required ticket fields once a ticket was started;
- the invoice total equals the sum of its lines plus the past-due balance, as
  the engine counted it while walking (the amounts said as `{total}` and
  taken as payments), and what was paid equals the payments.

Whether a walk ends is the walker's check (it bounds the number of answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from callflow.call.engine import Session
from callflow.call.events import (
    Event,
    FollowUp,
    LineAdded,
    Noted,
    Notified,
    PaymentTaken,
    Said,
    ToDo,
)
from callflow.call.summary import Summary
from callflow.flow.invoicesteps import PaymentStep
from callflow.flow.model import Node
from callflow.flow.money import ZERO, cents, format_money
from callflow.flow.steps import DoStep, FollowUpStep, NoteStep, NotifyStep, SayStep
from callflow.flow.templates import BLANK, Placeholder, parse_template

BLANK_SHOWN = "blank-shown"
PAYMENT_BEFORE_LINE = "payment-before-line"
TICKET_INCOMPLETE = "ticket-incomplete"
TOTAL_MISMATCH = "total-mismatch"
NOT_ENDED = "not-ended"


@dataclass(frozen=True)
class Violation:
    """One broken rule, at the node where it showed."""

    rule: str
    node_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"at {self.node_id}: " if self.node_id else ""
        return f"{where}{self.message} [{self.rule}]"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "node": self.node_id, "message": self.message}


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


def _payment_before_line(session: Session) -> list[Violation]:
    paid: PaymentTaken | None = None
    for frame in session.frames:
        for event in frame.events:
            if isinstance(event, PaymentTaken) and paid is None:
                paid = event
            elif isinstance(event, LineAdded) and paid is not None:
                return [
                    Violation(
                        PAYMENT_BEFORE_LINE,
                        event.node_id,
                        f"item {event.line.code} is added to the invoice after the payment taken at {paid.node_id}",
                    )
                ]
    return []


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


def _totals(session: Session, summary: Summary) -> list[Violation]:
    currency = summary.invoice.currency
    totals = session.totals
    lines = cents(sum((line.amount for line in summary.invoice.lines), ZERO))
    past_due = summary.invoice.past_due
    paid = cents(sum((p.amount for p in summary.payments), ZERO))
    found = []
    checks = (
        ("total", cents(totals.total), cents(lines + past_due), "the sum of its lines plus the past-due balance"),
        ("paid", cents(totals.paid), paid, "the sum of the payments"),
    )
    for name, counted, expected, words in checks:
        if counted != expected:
            found.append(
                Violation(
                    TOTAL_MISMATCH,
                    session.current_node(),
                    f"the invoice {name} is {format_money(counted, currency)} but {words} is "
                    f"{format_money(expected, currency)}",
                )
            )
    return found


def check_invariants(session: Session, summary: Summary) -> list[Violation]:
    """Every rule the walk broke (an unfinished walk is checked as far as it went)."""
    return [
        *_shown_blanks(session),
        *_payment_before_line(session),
        *_ticket_complete(summary),
        *_totals(session, summary),
    ]
