"""What each step that needs no answer does on a call: words shown, values
computed, ticket fields set, invoice lines added, payments and refunds taken,
notifications and follow-ups recorded. Pure: the session (callflow.call.engine)
gives the values, and everything a step causes is an event in the walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Protocol

from callflow.call.events import (
    Computed,
    Event,
    FollowUp,
    InvoiceLine,
    LineAdded,
    Noted,
    Notified,
    PastDueSet,
    PaymentTaken,
    RefundGiven,
    Said,
    TicketSet,
    TicketValue,
    ToDo,
)
from callflow.call.values import Value as CallValue
from callflow.flow.dates import calendar_day
from callflow.flow.errors import FlowError
from callflow.flow.evaluate import EvaluationError, Value
from callflow.flow.index import FlowIndex
from callflow.flow.invoicesteps import (
    CreditStep,
    ItemRef,
    ItemStep,
    PastDueStep,
    PaymentStep,
    RefundStep,
    TimeStep,
)
from callflow.flow.model import Flow
from callflow.flow.money import ZERO, cents, format_money
from callflow.flow.scalars import MAX_AMOUNT
from callflow.flow.steps import (
    DoStep,
    FollowUpStep,
    NoteStep,
    NotifyStep,
    SayStep,
    SetStep,
    TicketStep,
)
from callflow.flow.templates import render


class CallState(Protocol):
    """What a step reads and changes of the call (the engine's Session)."""

    flow: Flow
    index: FlowIndex

    def text(self, name: str) -> str | None: ...

    def value(self, name: str) -> CallValue: ...

    def compute(self, text: str) -> Value: ...

    def record(self, name: str, value: CallValue) -> None: ...


@dataclass(frozen=True)
class Totals:
    """Running amounts, kept per frame so going back restores them in O(1).

    `due` is what is still unpaid: the total less payments, plus what was
    paid back; where payments and credits go beyond the total, the invoice
    owes the customer the difference instead: `refund_due`.
    """

    subtotal: Decimal = ZERO
    past_due: Decimal = ZERO
    paid: Decimal = ZERO
    refunded: Decimal = ZERO
    ticket_started: bool = False

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.past_due

    @property
    def due(self) -> Decimal:
        """What is still unpaid (never below zero)."""
        return max(ZERO, self.total - self.paid + self.refunded)

    @property
    def refund_due(self) -> Decimal:
        """What the invoice owes the customer: paid beyond the total, or credits (never below zero)."""
        return max(ZERO, self.paid - self.refunded - self.total)

    def but(self, **changes: object) -> Totals:
        values = {
            "subtotal": self.subtotal,
            "past_due": self.past_due,
            "paid": self.paid,
            "refunded": self.refunded,
            "ticket_started": self.ticket_started,
        }
        values.update(changes)
        return Totals(**values)  # type: ignore[arg-type]


@dataclass
class Walk:
    """Scratch state while walking from one prompt to the next."""

    totals: Totals
    events: list[Event] = field(default_factory=list)
    changed: list[tuple[str, object]] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)
    last_text: str | None = None  # the words of the last `do`, for its confirmation


class Refused(EvaluationError):
    """A step that cannot be done with these values (the answer is refused)."""


def apply_step(session: CallState, node_id: str, step: object, walk: Walk) -> None:
    """Do one step that needs no answer."""
    # Products of amounts a field allows can pass 28 digits before they are
    # refused as too large: compute them exactly first.
    with localcontext() as context:
        context.prec = 60
        _apply(session, node_id, step, walk)


def _apply(session: CallState, node_id: str, step: object, walk: Walk) -> None:
    text = session.text
    if isinstance(step, SayStep):
        walk.events.append(Said(node_id, render(step.say, text)))
    elif isinstance(step, DoStep):
        walk.last_text = render(step.do, text)
        walk.events.append(ToDo(node_id, walk.last_text))
    elif isinstance(step, NoteStep):
        walk.events.append(Noted(node_id, render(step.note, text)))
    elif isinstance(step, SetStep):
        _set(session, node_id, step, walk)
    elif isinstance(step, TicketStep):
        specs = session.flow.ticket_fields
        values = tuple(
            # An unknown blank leaves the ticket field empty, so it counts as missing.
            TicketValue(key, (specs[key].label if key in specs else None) or key, render(template, text, ""))
            for key, template in step.ticket.items()
        )
        walk.events.append(TicketSet(node_id, values))
        if not walk.totals.ticket_started:
            walk.totals = walk.totals.but(ticket_started=True)
    elif isinstance(step, ItemStep):
        _item(session, node_id, step, walk)
    elif isinstance(step, CreditStep):
        _credit(session, node_id, step, walk)
    elif isinstance(step, TimeStep):
        _time(session, node_id, step, walk)
    elif isinstance(step, PastDueStep):
        amount = session.value(step.past_due)
        if amount is not None and not isinstance(amount, Decimal):
            raise FlowError(f"node '{node_id}': past_due names '{step.past_due}', which is not a money field")
        if isinstance(amount, Decimal):
            walk.events.append(PastDueSet(node_id, step.past_due, cents(amount)))
            walk.totals = walk.totals.but(past_due=cents(amount))
    elif isinstance(step, PaymentStep):
        amount = _money(session, step.payment.amount, "the payment")
        if abs(walk.totals.paid + amount) > MAX_AMOUNT:
            raise Refused(f"the payments would be beyond the largest amount callflow carries ({MAX_AMOUNT:,})")
        payment = PaymentTaken(node_id, amount, _render(session, step.payment.method), _render(session, step.payment.note))
        walk.events.append(payment)
        walk.totals = walk.totals.but(paid=walk.totals.paid + amount)
    elif isinstance(step, RefundStep):
        _refund(session, node_id, step, walk)
    elif isinstance(step, NotifyStep):
        to = render(step.notify.to, text)
        walk.events.append(Notified(node_id, to, _render(session, step.notify.message)))
    elif isinstance(step, FollowUpStep):
        due = None
        if step.due is not None:
            value = session.compute(step.due)
            day = value if isinstance(value, date) else calendar_day(value) if isinstance(value, str) else None
            due = day.isoformat() if day is not None else None
        owner = render(step.owner, text) if step.owner is not None else None
        walk.events.append(FollowUp(node_id, render(step.text, text), owner, due))


def _render(session: CallState, template: str | None) -> str | None:
    return None if template is None else render(template, session.text)


def _set(session: CallState, node_id: str, step: SetStep, walk: Walk) -> None:
    for name, expression in step.set.items():
        value = session.compute(expression)
        symbol = session.index.symbols.resolve(name)
        kind = symbol.type if symbol is not None else ""
        stored: Value
        if isinstance(value, Decimal) and kind == "money":
            stored = cents(value)
        elif isinstance(value, date):
            stored = value.isoformat()
        else:
            stored = value
        session.record(name, stored)
        shown = session.text(name)
        walk.events.append(Computed(node_id, name, stored, shown if shown is not None else ""))


def _money(session: CallState, expression: str, what: str) -> Decimal:
    """An amount from an expression, in cents; an unknown amount (an optional
    field left empty) counts as nothing."""
    value = session.compute(expression)
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        raise Refused(f"{what} '{expression}' is not an amount")
    return cents(value)


def _quantity(session: CallState, expression: str, what: str) -> Decimal:
    value = session.compute(expression)
    if value is None:
        raise Refused(f"the quantity of {what} ('{expression}') is not known yet")
    if not isinstance(value, Decimal) or value != value.to_integral_value() or value < 0:
        raise Refused(f"the quantity of {what} ('{expression}') is {value}: a quantity is a whole number, 0 or more")
    return value.to_integral_value()


def _item(session: CallState, node_id: str, step: ItemStep, walk: Walk) -> None:
    ref = step.item if isinstance(step.item, ItemRef) else ItemRef(code=step.item)
    item = session.flow.catalog.get(ref.code)
    if item is None:
        raise FlowError(f"node '{node_id}' adds item '{ref.code}', which is not in the catalog")
    quantity = _quantity(session, ref.quantity, f"item {ref.code}")
    if quantity == 0:
        return
    price = _money(session, ref.price, f"the price of item {ref.code}") if ref.price is not None else item.price
    name = render(ref.label, session.text) if ref.label is not None else item.name
    line = InvoiceLine(ref.code, name, quantity, price, cents(price * quantity))
    _add_line(node_id, line, walk)


def _credit(session: CallState, node_id: str, step: CreditStep, walk: Walk) -> None:
    credit = step.credit
    label = render(credit.label, session.text) if credit.label is not None else None
    if credit.amount is not None:
        amount = _money(session, credit.amount, "the credit")
        if amount == 0:
            return
        line = InvoiceLine(None, label or "Credit", Decimal(1), -amount, -amount, "credit")
    else:
        assert credit.code is not None
        item = session.flow.catalog.get(credit.code)
        if item is None:
            raise FlowError(f"node '{node_id}' credits item '{credit.code}', which is not in the catalog")
        quantity = _quantity(session, credit.quantity, f"the credit for {credit.code}")
        if quantity == 0:
            return
        price = _money(session, credit.price, "the credited price") if credit.price is not None else item.price
        line = InvoiceLine(credit.code, label or item.name, quantity, -price, -cents(price * quantity), "credit")
    _add_line(node_id, line, walk)


def _time(session: CallState, node_id: str, step: TimeStep, walk: Walk) -> None:
    spec = step.time
    item = session.flow.catalog.get(spec.code)
    if item is None:
        raise FlowError(f"node '{node_id}' bills time of item '{spec.code}', which is not in the catalog")
    duration = session.compute(spec.duration)
    if duration is None:
        raise Refused(f"the time of {spec.code} ('{spec.duration}') is not known yet")
    if not isinstance(duration, Decimal) or duration < 0:
        raise Refused(f"the time of {spec.code} ('{spec.duration}') is not a duration")
    minimum = session.compute(spec.minimum) if spec.minimum is not None else None
    minutes = max(duration, minimum) if isinstance(minimum, Decimal) else duration
    if minutes == 0:
        return
    multiplier = session.compute(spec.multiplier)
    if not isinstance(multiplier, Decimal):
        raise Refused(f"the multiplier of {spec.code} ('{spec.multiplier}') is not a number")
    rate = _money(session, spec.rate, f"the rate of {spec.code}") if spec.rate is not None else item.price
    unit_price = cents(rate * multiplier)
    hours = (minutes / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    amount = cents(minutes * rate * multiplier / 60)
    name = render(spec.label, session.text) if spec.label is not None else item.name
    _add_line(node_id, InvoiceLine(spec.code, name, hours, unit_price, amount, "time", "h"), walk)


def _add_line(node_id: str, line: InvoiceLine, walk: Walk) -> None:
    subtotal = walk.totals.subtotal + line.amount
    if abs(line.amount) > MAX_AMOUNT or abs(subtotal) > MAX_AMOUNT:
        raise Refused(f"the invoice line {line.name} would be beyond the largest amount callflow carries ({MAX_AMOUNT:,})")
    walk.events.append(LineAdded(node_id, line))
    walk.totals = walk.totals.but(subtotal=subtotal)


def _refund(session: CallState, node_id: str, step: RefundStep, walk: Walk) -> None:
    amount = _money(session, step.refund.amount, "the refund")
    if amount == 0:
        return
    owed = walk.totals.refund_due
    currency = session.flow.currency
    if amount < 0:
        raise Refused(f"the refund would be {format_money(amount, currency)}: a refund pays money back, it is never negative")
    if amount > owed:
        raise Refused(
            f"the refund would be {format_money(amount, currency)}, more than the {format_money(owed, currency)}"
            " the invoice owes the customer"
        )
    refund = RefundGiven(node_id, amount, _render(session, step.refund.method), _render(session, step.refund.note))
    walk.events.append(refund)
    walk.totals = walk.totals.but(refunded=walk.totals.refunded + amount)
