"""A journal replayed through the engine: the same answers give the same call.

`callflow resume` and `callflow sessions export` both start here. The answers
still standing in the journal (backs applied) are given to a new engine
session in order; the engine walks the same steps and so rebuilds the same
ticket, invoice and summary.

Two things can stop an answer from being replayed:

- the flow file changed, so the answer no longer fits: the flow now asks
  something else at that point, the answer is no longer valid, or the call
  already ended. That answer and every one after it are reported as misfits
  and the call goes on from there;
- a secret: its value was never written. A secret that no step needs (no
  condition reads it, no payment or past-due amount is taken from it) is
  replayed with a stand-in, which nothing shows (secrets are redacted
  everywhere). A secret a step needs is taken from the secret source (an
  answers file, or the director asked again); without one the replay stops
  there.

The call's date (`today`) is the one journalled at its start, so conditions
and dates come out as they did; a checklist item journalled not done is given
again with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from callflow.call.engine import Prompt, Session
from callflow.call.flowreads import flow_conditions
from callflow.call.summary import REDACTED
from callflow.call.valuegen import CannotAnswer, example_answer
from callflow.call.values import InvalidAnswer, parse_answer
from callflow.flow import expressions as conditions
from callflow.flow.errors import FlowError
from callflow.flow.index import FlowIndex
from callflow.flow.invoicesteps import PastDueStep, PaymentStep
from callflow.flow.model import Flow
from callflow.flow.procedures import shown as shown_node

AFTER_MISFIT = "not replayed: it comes after an answer that no longer fits"


@dataclass(frozen=True)
class Misfit:
    """A journalled answer that the (changed) flow does not take."""

    position: int  # 1-based among the standing answers
    node: str
    field: str
    shown: str
    reason: str

    def line(self) -> str:
        return f"#{self.position} {self.field} = {self.shown} (at {self.node}): {self.reason}"


@dataclass
class SecretSource:
    """Where a secret the replay needs comes from.

    `given` returns a secret's answer without asking (an answers file), or
    None; `ask` asks the director (live resume); `rejected` tells them why an
    answer was refused before asking again.
    """

    given: Callable[[Prompt], object | None] = lambda prompt: None
    ask: Callable[[Session, Prompt], object] | None = None
    rejected: Callable[[Session, Prompt, str], None] | None = None


@dataclass
class Replay:
    session: Session
    replayed: int = 0
    misfits: list[Misfit] = field(default_factory=list)
    stand_ins: list[str] = field(default_factory=list)  # secrets kept without their value
    asked_again: list[str] = field(default_factory=list)  # secrets given again
    waiting_for_secret: str | None = None  # the replay stopped: this secret is needed

    @property
    def complete(self) -> bool:
        return not self.misfits and self.waiting_for_secret is None


def values_needed(flow: Flow) -> set[str]:
    """Names whose value some step uses (conditions, payment and past-due
    amounts); words only ever show a secret as [secret]."""
    needed: set[str] = set()
    for text in flow_conditions(flow):
        needed.update(name.name for name in conditions.names(conditions.parse_expression(text)))
    for node in flow.nodes.values():
        for step in node.steps:
            if isinstance(step, PaymentStep):
                needed.add(step.payment.amount)
            elif isinstance(step, PastDueStep):
                needed.add(step.past_due)
    return needed


def journalled_answer(event: dict[str, Any]) -> object:
    """The answer of a journal event as the engine takes it again: a checklist
    item not done comes back with its reason."""
    value = event.get("value")
    reason = event.get("reason")
    if value is False and isinstance(reason, str):
        return {"done": "no", "reason": reason}
    return value


def shown(event: dict[str, Any]) -> str:
    if event.get("secret"):
        return REDACTED
    value = event.get("value")
    if value is None:
        return "(empty)"
    if isinstance(event.get("reason"), str):
        return f"not done: {event['reason']}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return repr(str(value)) if isinstance(value, str) else str(value)


def replay(
    answers: list[dict[str, Any]],
    flow: Flow,
    index: FlowIndex | None = None,
    *,
    agent: str | None = None,
    today: date | None = None,
    undone: dict[str, Any] | None = None,
    secrets: SecretSource | None = None,
    on_replayed: Callable[[Prompt], None] | None = None,
) -> Replay:
    """Give the journalled answers to a new session, in order.

    `today` is the call's date (the journal's). `undone` is the answer the
    journal's last back undid: it is offered again at its prompt, as it was
    before the stop. `on_replayed` is told of each prompt answered from the
    journal (an answers file skips it).
    """
    session = Session(flow, index, agent=agent, today=today)
    result = Replay(session)
    source = secrets or SecretSource()
    needed: set[str] | None = None
    for position, event in enumerate(answers, start=1):
        prompt = session.prompt
        field_id = str(event.get("field"))
        reason: str | None = None
        if prompt is None:
            reason = f"the flow now ends before it (at {shown_node(session.current_node())})"
        elif prompt.field_id != field_id:
            reason = f"the flow now asks '{prompt.field_id}' here (at {shown_node(prompt.node_id)})"
        if reason is None and prompt is not None:
            if event.get("secret"):
                if needed is None:
                    needed = values_needed(flow)
                value, reason = _secret_answer(session, prompt, field_id in needed, source, result)
                if result.waiting_for_secret is not None:
                    return result
            else:
                value = journalled_answer(event)
            if reason is None:
                try:
                    session.answer(value)
                except InvalidAnswer as exc:
                    reason = f"no longer fits: {exc}"
                except FlowError as exc:
                    reason = f"the flow cannot go on: {exc.message}"
        if reason is not None:
            result.misfits.append(Misfit(position, str(event.get("node")), field_id, shown(event), reason))
            result.misfits += [
                Misfit(later, str(e.get("node")), str(e.get("field")), shown(e), AFTER_MISFIT)
                for later, e in enumerate(answers[position:], start=position + 1)
            ]
            return result
        result.replayed += 1
        if on_replayed is not None and prompt is not None:
            on_replayed(prompt)
    _offer_undone(session, undone)
    return result


def _secret_answer(
    session: Session, prompt: Prompt, needed: bool, source: SecretSource, result: Replay
) -> tuple[object, str | None]:
    """A secret's answer for the replay, and a misfit reason if none fits."""
    given = source.given(prompt)
    if given is not None:
        result.asked_again.append(prompt.field_id)
        return given, None
    if not needed:
        try:
            stand_in = example_answer(prompt.field_id, prompt.question, session.flow.currency, session.today)
        except CannotAnswer:
            stand_in = None
        if stand_in is not None:
            result.stand_ins.append(prompt.field_id)
            return stand_in, None
    if source.ask is None:
        result.waiting_for_secret = prompt.field_id
        return None, None
    while True:
        typed = source.ask(session, prompt)
        try:
            # Checked here, so a refused secret is asked again, not a misfit.
            parse_answer(prompt.question, typed, session.flow.currency, session.today)
        except InvalidAnswer as exc:
            if source.rejected is not None:
                source.rejected(session, prompt, str(exc))
            continue
        result.asked_again.append(prompt.field_id)
        return typed, None


def _offer_undone(session: Session, undone: dict[str, Any] | None) -> None:
    """After a trailing back, the prompt holds the undone answer again."""
    prompt = session.prompt
    if undone is None or undone.get("secret") or prompt is None or prompt.field_id != undone.get("field"):
        return
    try:
        session.answer(journalled_answer(undone))
    except (InvalidAnswer, FlowError):
        return
    session.back()
