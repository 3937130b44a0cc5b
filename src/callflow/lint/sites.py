"""Where a flow's words, conditions and expressions stand: each text with
placeholders, each `when:` or `if:`, and each expression of a step (a value
to compute, a quantity, a price, an amount, a duration, a due date), with
the key path that locates it in the file and what the step needs it to be."""

from __future__ import annotations

from typing import Any, NamedTuple

from callflow.flow.expressions import Expr
from callflow.flow.invoicesteps import CreditStep, ItemRef, ItemStep, PaymentStep, RefundStep, TimeStep
from callflow.flow.steps import DoStep, FollowUpStep, NoteStep, NotifyStep, SayStep, SetStep, TicketStep
from callflow.flow.templates import Placeholder


class TemplateSite(NamedTuple):
    """A text with placeholders: words to say, a ticket value, a message."""

    node_id: str
    step_index: int
    kind: str  # say, do, note, follow_up, ticket, payment, refund, notify, item, credit, time
    loc: tuple[Any, ...]  # where the text stands in the file
    text: str
    placeholders: tuple[Placeholder, ...]


class ConditionSite(NamedTuple):
    """A `when:` of a step or an `if:` of a route."""

    node_id: str
    kind: str  # "when", "route", or "call" (the `when:` of a call, a route once calls are expanded)
    position: int  # the step's or the route's index
    loc: tuple[Any, ...]
    text: str
    expr: Expr


class ExpressionSite(NamedTuple):
    """An expression a step computes with: `set:` values, quantities, prices, amounts …"""

    node_id: str
    step_index: int
    role: str  # value, quantity, price, amount, duration, minimum, multiplier, rate, due
    expects: str  # the kind it must be: money, number, whole, duration, date, or "" (any)
    loc: tuple[Any, ...]
    text: str
    name: str | None = None  # the computed value a `set:` gives it to


# What each slot of a step holds: (role, kind it must have).
_ITEM = (("quantity", "whole"), ("price", "money"))
_TIME = (("duration", "duration"), ("minimum", "duration"), ("multiplier", "number"), ("rate", "money"))


def step_expressions(node_id: str, index: int, step: object) -> list[tuple[str, str, tuple[Any, ...], str, str | None]]:
    """The expressions of one step: (role, expects, loc, text, computed name)."""
    base: tuple[Any, ...] = ("nodes", node_id, "steps", index)
    found: list[tuple[str, str, tuple[Any, ...], str, str | None]] = []
    if isinstance(step, SetStep):
        for name, text in step.set.items():
            found.append(("value", "", (*base, "set", name), text, name))
    elif isinstance(step, ItemStep) and isinstance(step.item, ItemRef):
        for role, kind in _ITEM:
            text = getattr(step.item, role)
            if text is not None:
                found.append((role, kind, (*base, "item", role), text, None))
    elif isinstance(step, CreditStep):
        credit = step.credit
        if credit.amount is not None:
            found.append(("amount", "money", (*base, "credit", "amount"), credit.amount, None))
        else:
            for role, kind in _ITEM:
                text = getattr(credit, role)
                if text is not None:
                    found.append((role, kind, (*base, "credit", role), text, None))
    elif isinstance(step, TimeStep):
        for role, kind in _TIME:
            text = getattr(step.time, role)
            if text is not None:
                found.append((role, kind, (*base, "time", role), text, None))
    elif isinstance(step, PaymentStep):
        found.append(("amount", "money", (*base, "payment", "amount"), step.payment.amount, None))
    elif isinstance(step, RefundStep):
        found.append(("amount", "money", (*base, "refund", "amount"), step.refund.amount, None))
    elif isinstance(step, FollowUpStep) and step.due is not None:
        found.append(("due", "date", (*base, "follow_up", "due"), step.due, None))
    return found


def step_texts(node_id: str, index: int, step: object) -> list[tuple[str, tuple[Any, ...], str]]:
    """The texts of one step that may hold placeholders: (kind, loc, text)."""
    base: tuple[Any, ...] = ("nodes", node_id, "steps", index)
    if isinstance(step, SayStep):
        return [("say", (*base, "say"), step.say)]
    if isinstance(step, DoStep):
        return [("do", (*base, "do"), step.do)]
    if isinstance(step, NoteStep):
        return [("note", (*base, "note"), step.note)]
    if isinstance(step, FollowUpStep):
        if isinstance(step.follow_up, str):
            return [("follow_up", (*base, "follow_up"), step.follow_up)]
        texts = [("follow_up", (*base, "follow_up", "text"), step.follow_up.text)]
        if step.follow_up.owner is not None:
            texts.append(("follow_up", (*base, "follow_up", "owner"), step.follow_up.owner))
        return texts
    if isinstance(step, TicketStep):
        return [("ticket", (*base, "ticket", key), text) for key, text in step.ticket.items()]
    if isinstance(step, (PaymentStep, RefundStep)):
        kind = step.kind
        spec = step.payment if isinstance(step, PaymentStep) else step.refund
        return [
            (kind, (*base, kind, key), text)
            for key, text in (("method", spec.method), ("note", spec.note))
            if text is not None
        ]
    if isinstance(step, NotifyStep):
        texts = [("notify", (*base, "notify", "to"), step.notify.to)]
        if step.notify.message is not None:
            texts.append(("notify", (*base, "notify", "message"), step.notify.message))
        return texts
    label: str | None = None
    if isinstance(step, ItemStep) and isinstance(step.item, ItemRef):
        label = step.item.label
    elif isinstance(step, CreditStep):
        label = step.credit.label
    elif isinstance(step, TimeStep):
        label = step.time.label
    if label is not None:
        return [(step.kind, (*base, step.kind, "label"), label)]  # type: ignore[attr-defined]
    return []
