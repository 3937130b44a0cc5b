"""The end-of-call summary: path, ticket, invoice, payments, notifications and
follow-ups, folded from a session's frames. Same answers, same summary."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from callflow.call.engine import Session
from callflow.call.events import (
    Answered,
    Computed,
    Ended,
    FollowUp,
    InvoiceLine,
    LineAdded,
    NodeEntered,
    Notified,
    PastDueSet,
    PaymentTaken,
    RefundGiven,
    TicketSet,
    TicketValue,
    ToDo,
)
from callflow.flow.index import Confirmation
from callflow.flow.money import ZERO, cents
from callflow.flow.procedures import shown

REDACTED = "[redacted]"


@dataclass(frozen=True)
class Invoice:
    currency: str
    lines: tuple[InvoiceLine, ...]
    past_due: Decimal
    paid: Decimal
    refunded: Decimal = ZERO

    @property
    def subtotal(self) -> Decimal:
        return cents(sum((line.amount for line in self.lines), ZERO))

    @property
    def total(self) -> Decimal:
        return cents(self.subtotal + self.past_due)

    @property
    def due(self) -> Decimal:
        """What is still unpaid (never below zero)."""
        return max(ZERO, cents(self.total - self.paid + self.refunded))

    @property
    def refund_due(self) -> Decimal:
        """What the invoice still owes the customer (never below zero)."""
        return max(ZERO, cents(self.paid - self.refunded - self.total))


@dataclass(frozen=True)
class CheckedItem:
    """A checklist item the director confirmed: done, or not done and why."""

    node_id: str
    id: str
    text: str
    done: bool
    reason: str | None


@dataclass(frozen=True)
class Summary:
    flow_id: str
    flow_title: str
    agent: str | None
    path: tuple[str, ...]
    outcome: str | None
    answers: tuple[Answered, ...]
    ticket_started: bool
    ticket: tuple[TicketValue, ...]
    ticket_missing: tuple[str, ...]
    invoice: Invoice
    payments: tuple[PaymentTaken, ...]
    notifications: tuple[Notified, ...]
    follow_ups: tuple[FollowUp, ...]
    refunds: tuple[RefundGiven, ...] = ()
    computed: tuple[Computed, ...] = ()  # each computed value as it last stood
    checklist: tuple[CheckedItem, ...] = ()
    today: str | None = None
    ticket_number: str | None = None  # the answer of the field the flow marks as the ticket's number

    @property
    def ended(self) -> bool:
        return self.outcome is not None

    def ticket_value(self, key: str) -> str | None:
        for field in self.ticket:
            if field.key == key:
                return field.value
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; secret answers are redacted."""
        money = _money_text
        return {
            "flow": {"id": self.flow_id, "title": self.flow_title},
            "agent": self.agent,
            "outcome": self.outcome,
            "path": list(self.path),
            "answers": [
                {
                    "node": shown(a.node_id),
                    "field": a.field_id,
                    "prompt": a.prompt,
                    "value": REDACTED if a.secret else _json_value(a.value),
                    "display": REDACTED if a.secret else a.display,
                    **({"secret": True} if a.secret else {}),
                }
                for a in self.answers
            ],
            "ticket": {
                "number": self.ticket_number,
                "started": self.ticket_started,
                "fields": [{"key": f.key, "label": f.label, "value": f.value} for f in self.ticket],
                "missing": list(self.ticket_missing),
            },
            "invoice": {
                "currency": self.invoice.currency,
                "lines": [
                    {
                        "code": line.code,
                        "name": line.name,
                        "quantity": _quantity_json(line.quantity),
                        "unit_price": money(line.unit_price),
                        "amount": money(line.amount),
                        "kind": line.kind,
                        **({"unit": line.unit} if line.unit else {}),
                    }
                    for line in self.invoice.lines
                ],
                "subtotal": money(self.invoice.subtotal),
                "past_due": money(self.invoice.past_due),
                "total": money(self.invoice.total),
                "paid": money(self.invoice.paid),
                "refunded": money(self.invoice.refunded),
                "due": money(self.invoice.due),
                "refund_due": money(self.invoice.refund_due),
            },
            "payments": [
                {"node": shown(p.node_id), "amount": money(p.amount), "method": p.method, "note": p.note}
                for p in self.payments
            ],
            "refunds": [
                {"node": shown(r.node_id), "amount": money(r.amount), "method": r.method, "note": r.note} for r in self.refunds
            ],
            "notifications": [{"node": shown(n.node_id), "to": n.to, "message": n.message} for n in self.notifications],
            "follow_ups": [
                {"node": shown(f.node_id), "text": f.text, "owner": f.owner, "due": f.due} for f in self.follow_ups
            ],
            "checklist": [
                {"node": shown(c.node_id), "id": c.id, "text": c.text, "done": c.done, "reason": c.reason}
                for c in self.checklist
            ],
            "values": [
                {"node": shown(c.node_id), "name": c.name, "value": _json_value(c.value), "display": c.display}
                for c in self.computed
            ],
            "today": self.today,
        }


def _money_text(amount: Decimal) -> str:
    return f"{cents(amount):.2f}"


def _quantity_json(quantity: Decimal) -> int | float:
    """A count as a whole number; hours of billed time to two decimals."""
    return int(quantity) if quantity == quantity.to_integral_value() else float(quantity)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    return value


def summarize(session: Session) -> Summary:
    """Fold everything the session's frames recorded into the summary."""
    path: list[str] = []
    answers: list[Answered] = []
    ticket: dict[str, TicketValue] = {}
    ticket_started = False
    lines: list[InvoiceLine] = []
    past_due = ZERO
    payments: list[PaymentTaken] = []
    refunds: list[RefundGiven] = []
    notifications: list[Notified] = []
    follow_ups: list[FollowUp] = []
    computed: dict[str, Computed] = {}
    checklist: list[CheckedItem] = []
    outcome: str | None = None
    last_todo: dict[str, str] = {}
    for frame in session.frames:
        answer = frame.answer
        if answer is not None:
            answers.append(answer)
            question = session.index.questions.get(answer.field_id)
            if isinstance(question, Confirmation):
                text = last_todo.get(answer.node_id, question.prompt)
                checklist.append(CheckedItem(answer.node_id, answer.field_id, text, bool(answer.value), answer.reason))
        for event in frame.events:
            if isinstance(event, ToDo):
                last_todo[event.node_id] = event.text
            if isinstance(event, NodeEntered):
                path.append(shown(event.node_id))
            elif isinstance(event, TicketSet):
                ticket_started = True
                for value in event.values:
                    ticket[value.key] = value
            elif isinstance(event, LineAdded):
                lines.append(event.line)
            elif isinstance(event, PastDueSet):
                past_due = event.amount
            elif isinstance(event, PaymentTaken):
                payments.append(event)
            elif isinstance(event, RefundGiven):
                refunds.append(event)
            elif isinstance(event, Computed):
                computed.pop(event.name, None)
                computed[event.name] = event
            elif isinstance(event, Notified):
                notifications.append(event)
            elif isinstance(event, FollowUp):
                follow_ups.append(event)
            elif isinstance(event, Ended):
                outcome = event.outcome
    flow = session.flow
    missing: tuple[str, ...] = ()
    if ticket_started:
        missing = tuple(
            spec.label or key
            for key, spec in flow.ticket_fields.items()
            if spec.required and not (key in ticket and ticket[key].value.strip())
        )
    paid = cents(sum((p.amount for p in payments), ZERO))
    refunded = cents(sum((r.amount for r in refunds), ZERO))
    return Summary(
        flow_id=flow.id,
        flow_title=flow.title,
        agent=session.agent,
        path=tuple(path),
        outcome=outcome,
        answers=tuple(answers),
        ticket_started=ticket_started,
        ticket=tuple(ticket.values()),
        ticket_missing=missing,
        invoice=Invoice(flow.currency, tuple(lines), past_due, paid, refunded),
        payments=tuple(payments),
        notifications=tuple(notifications),
        follow_ups=tuple(follow_ups),
        refunds=tuple(refunds),
        computed=tuple(computed.values()),
        checklist=tuple(checklist),
        today=session.today.isoformat(),
        ticket_number=session.ticket_number(),
    )
