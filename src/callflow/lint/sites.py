"""Where a flow's words and conditions stand: each text with placeholders and
each `when:` or `if:`, with the key path that locates it in the file."""

from __future__ import annotations

from typing import Any, NamedTuple

from callflow.flow.expressions import Expr
from callflow.flow.invoicesteps import PaymentStep
from callflow.flow.steps import DoStep, FollowUpStep, NoteStep, NotifyStep, SayStep, TicketStep
from callflow.flow.templates import Placeholder


class TemplateSite(NamedTuple):
    """A text with placeholders: words to say, a ticket value, a message."""

    node_id: str
    step_index: int
    kind: str  # say, do, note, follow_up, ticket, payment, notify
    loc: tuple[Any, ...]  # where the text stands in the file
    text: str
    placeholders: tuple[Placeholder, ...]


class ConditionSite(NamedTuple):
    """A `when:` of a step or an `if:` of a route."""

    node_id: str
    kind: str  # "when" or "route"
    position: int  # the step's or the route's index
    loc: tuple[Any, ...]
    text: str
    expr: Expr


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
    if isinstance(step, PaymentStep):
        payment = step.payment
        return [
            ("payment", (*base, "payment", key), text)
            for key, text in (("method", payment.method), ("note", payment.note))
            if text is not None
        ]
    if isinstance(step, NotifyStep) and step.notify.message is not None:
        return [("notify", (*base, "notify", "message"), step.notify.message)]
    return []
