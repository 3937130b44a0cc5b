"""What a flow reads and computes, found once by walking its steps: every
condition, every expression a step computes, and whether the call's date
matters to it. Shared by the answers made up for walks and route searches
(callflow.call.valuegen) and the replay of journals."""

from __future__ import annotations

from collections.abc import Iterator

from callflow.flow import expressions as conditions
from callflow.flow.invoicesteps import CreditStep, ItemRef, ItemStep, PaymentStep, RefundStep, TimeStep
from callflow.flow.model import Flow, IfRoute
from callflow.flow.steps import FollowUpStep, SetStep
from callflow.flow.templates import placeholders


def flow_conditions(flow: Flow) -> Iterator[str]:
    """Every condition of the flow: routes and `when:` of steps."""
    for node in flow.nodes.values():
        for step in node.steps:
            if step.when is not None:
                yield step.when
        for route in node.routes or []:
            if isinstance(route, IfRoute):
                yield route.if_


def step_expressions(step: object) -> list[str]:
    """The expressions a step computes (its `when` aside)."""
    if isinstance(step, SetStep):
        return list(step.set.values())
    if isinstance(step, ItemStep) and isinstance(step.item, ItemRef):
        return [t for t in (step.item.quantity, step.item.price) if t is not None]
    if isinstance(step, CreditStep):
        credit = step.credit
        return [t for t in (credit.amount, credit.quantity, credit.price) if t is not None]
    if isinstance(step, TimeStep):
        spec = step.time
        return [t for t in (spec.duration, spec.rate, spec.minimum, spec.multiplier) if t is not None]
    if isinstance(step, PaymentStep):
        return [step.payment.amount]
    if isinstance(step, RefundStep):
        return [step.refund.amount]
    if isinstance(step, FollowUpStep) and step.due is not None:
        return [step.due]
    return []


def flow_expressions(flow: Flow) -> Iterator[str]:
    """Every expression of the flow: its conditions and what its steps compute."""
    yield from flow_conditions(flow)
    for node in flow.nodes.values():
        for step in node.steps:
            yield from step_expressions(step)


def reads_today(flow: Flow) -> bool:
    """Whether the call's date matters to the flow: an expression or a
    placeholder reads `today`, or a date field's bound is relative to it."""
    for text in flow_expressions(flow):
        if any(n.name == "today" for n in conditions.names(conditions.parse_expression(text))):
            return True
    for spec in flow.fields.values():
        if any(bound is not None and bound.fixed is None for bound in spec.date_bounds()):
            return True
    return any(_names_today(step) for node in flow.nodes.values() for step in node.steps)


def _names_today(value: object) -> bool:
    """Whether a step's words (at any depth) have a {today} placeholder."""
    if isinstance(value, str):
        if "{" not in value:
            return False
        try:
            return any(p.name == "today" for p in placeholders(value))
        except ValueError:
            return False
    if isinstance(value, dict):
        return any(_names_today(v) for v in value.values())
    if hasattr(value, "__dataclass_fields__"):
        return any(_names_today(getattr(value, name)) for name in value.__dataclass_fields__)
    return False
