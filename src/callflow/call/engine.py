"""The call as a pure state machine over a flow: start, answer, back.

No terminal, no files, no clock. A `Session` stands at a prompt (a question
of the current node) or at an end. Answering records the answer and walks on
through the steps that need no answer (words, checklist items, ticket fields,
invoice lines, payments, notifications) to the next prompt, collecting what
they produce as events in a frame. Going back pops the last frame, so
everything that answer caused disappears with it. The summary is a fold over
the frames, so the same answers always give the same summary.

Each answer costs time proportional to the steps it passes, never to the size
of the flow: nodes, catalog items and fields are found by key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from callflow.call.events import (
    Answered,
    Ended,
    Event,
    FollowUp,
    InvoiceLine,
    LineAdded,
    NodeEntered,
    Noted,
    Notified,
    PastDueSet,
    PaymentTaken,
    Said,
    TicketSet,
    TicketValue,
    ToDo,
    Via,
)
from callflow.call.values import InvalidAnswer, Value, display_value, parse_answer
from callflow.flow import conditions
from callflow.flow.errors import CallflowError, ExitCode
from callflow.flow.index import FlowIndex, Question
from callflow.flow.model import Choose, ElseRoute, Flow, IfRoute, Node
from callflow.flow.money import ZERO, cents, format_money
from callflow.flow.scalars import AMOUNT_NAMES, catalog_reference
from callflow.flow.steps import (
    AskStep,
    DoStep,
    FollowUpStep,
    ItemRef,
    ItemStep,
    NoteStep,
    NotifyStep,
    PastDueStep,
    PaymentStep,
    SayStep,
    TicketStep,
)
from callflow.flow.templates import render

SECRET_SHOWN = "[secret]"


class FlowError(CallflowError):
    """A defect of the flow met while walking it (lint reports these up front)."""

    exit_code = ExitCode.LOAD


@dataclass(frozen=True)
class Prompt:
    """The question the session waits for."""

    node_id: str
    step_index: int
    field_id: str
    question: Question
    previous: Value = None  # the answer given before going back, if any

    @property
    def is_choose(self) -> bool:
        return isinstance(self.question, Choose)


@dataclass(frozen=True)
class Totals:
    """Running amounts, kept per frame so going back restores them in O(1)."""

    subtotal: Decimal = ZERO
    past_due: Decimal = ZERO
    paid: Decimal = ZERO
    ticket_started: bool = False

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.past_due

    @property
    def due(self) -> Decimal:
        return self.total - self.paid


_MISSING = object()


@dataclass
class Frame:
    """One answer (None for the start) and everything it caused."""

    answer: Answered | None
    events: list[Event]
    prompt: Prompt | None  # what the session waits for after this frame
    totals: Totals
    replaced: object = _MISSING  # the value the answer overwrote (loops)


@dataclass
class _Walk:
    """Scratch state while walking from one prompt to the next."""

    events: list[Event] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


class Session:
    """A call in progress. Create it, then `answer` until `ended`."""

    def __init__(self, flow: Flow, index: FlowIndex | None = None, *, agent: str | None = None) -> None:
        self.flow = flow
        self.index = index if index is not None else FlowIndex.build(flow)
        self.agent = agent or None
        self._values: dict[str, Value] = {}
        self._frames: list[Frame] = []
        self._undone: Answered | None = None
        self._walk_totals: Totals | None = None  # amounts so far while walking
        walk = _Walk()
        prompt = self._advance(flow.start, 0, walk, entering=True)
        self._frames.append(Frame(None, walk.events, prompt, walk.totals))

    # -- where the call stands ------------------------------------------------

    @property
    def prompt(self) -> Prompt | None:
        """The question to answer now; None once the call has ended."""
        prompt = self._frames[-1].prompt
        undone = self._undone
        if prompt is not None and undone is not None and undone.field_id == prompt.field_id:
            return Prompt(prompt.node_id, prompt.step_index, prompt.field_id, prompt.question, undone.value)
        return prompt

    @property
    def ended(self) -> bool:
        return self._frames[-1].prompt is None

    @property
    def frames(self) -> Sequence[Frame]:
        return tuple(self._frames)

    @property
    def totals(self) -> Totals:
        return self._frames[-1].totals

    def shown(self) -> list[Event]:
        """What the last answer (or the start) brought on screen."""
        return list(self._frames[-1].events)

    def answers(self) -> list[Answered]:
        return [f.answer for f in self._frames if f.answer is not None]

    def current_node(self) -> str:
        prompt = self._frames[-1].prompt
        if prompt is not None:
            return prompt.node_id
        last = self._frames[-1].events
        for event in reversed(last):
            if isinstance(event, Ended):
                return event.node_id
        return self.flow.start

    # -- moving ----------------------------------------------------------------

    def answer(self, raw: object) -> list[Event]:
        """Record an answer to the current prompt and walk on.

        Raises InvalidAnswer (ask again) when it does not fit the question.
        Returns what the answer brought on screen.
        """
        prompt = self._frames[-1].prompt
        if prompt is None:
            raise InvalidAnswer("the call has ended")
        question = prompt.question
        value = parse_answer(question, raw, self.flow.currency)
        secret = not isinstance(question, Choose) and question.secret
        answered = Answered(
            node_id=prompt.node_id,
            field_id=prompt.field_id,
            prompt=question.prompt,
            value=value,
            display=display_value(question, value, self.flow.currency),
            secret=secret,
        )
        replaced = self._values.get(prompt.field_id, _MISSING)
        self._values[prompt.field_id] = value
        walk = _Walk(totals=self._frames[-1].totals)
        try:
            if isinstance(question, Choose):
                chosen, option = next((i, o) for i, o in enumerate(question.options) if o.key == value)
                via = Via(prompt.node_id, "choose", chosen)
                nxt = self._advance(option.goto, 0, walk, entering=True, via=via)
            else:
                nxt = self._advance(prompt.node_id, prompt.step_index + 1, walk, entering=False)
        except Exception:
            self._restore(prompt.field_id, replaced)
            raise
        self._frames.append(Frame(answered, walk.events, nxt, walk.totals, replaced))
        self._undone = None
        return list(walk.events)

    def back(self) -> bool:
        """Undo the last answer and all it caused. False at the first question."""
        if len(self._frames) == 1:
            return False
        frame = self._frames.pop()
        assert frame.answer is not None
        self._restore(frame.answer.field_id, frame.replaced)
        self._undone = frame.answer
        return True

    def _restore(self, field_id: str, replaced: object) -> None:
        if replaced is _MISSING:
            self._values.pop(field_id, None)
        else:
            self._values[field_id] = replaced  # type: ignore[assignment]

    # -- names, for conditions and placeholders ----------------------------------

    def value(self, name: str) -> Value:
        """A recorded field, constant, amount or catalog price/name by name; None if not known yet."""
        if name in self._values:
            return self._values[name]
        if name in self.flow.constants:
            return self.flow.constants[name]
        totals = self._walk_totals if self._walk_totals is not None else self.totals
        if name in AMOUNT_NAMES:
            return cents(getattr(totals, name))
        if name == "agent":
            return self.agent
        reference = catalog_reference(name)
        if reference is not None and (item := self.flow.catalog.get(reference[0])) is not None:
            return item.price if reference[1] == "price" else item.name
        return None

    def text(self, name: str) -> str | None:
        """How a name reads inside words to say; None shows as a blank."""
        if name in self._values:
            question = self.index.questions.get(name)
            value = self._values[name]
            if question is None or value is None:
                return None if value is None else str(value)
            if not isinstance(question, Choose) and question.secret:
                return SECRET_SHOWN
            return display_value(question, value, self.flow.currency)
        value = self.value(name)
        if isinstance(value, Decimal):
            return format_money(value, self.flow.currency)
        return None if value is None else str(value)

    # -- walking -----------------------------------------------------------------

    def _advance(
        self, node_id: str, step_index: int, walk: _Walk, *, entering: bool, via: Via | None = None
    ) -> Prompt | None:
        hops = 0
        self._walk_totals = walk.totals
        try:
            while True:
                node = self.flow.nodes.get(node_id)
                if node is None:
                    raise FlowError(f"the flow goes to node '{node_id}', which does not exist")
                if entering:
                    walk.events.append(
                        NodeEntered(node_id, node.section, node.title, node.role or self.flow.role, via)
                    )
                    entering = False
                steps = node.steps
                while step_index < len(steps):
                    step = steps[step_index]
                    if step.when is not None and not self._holds(step.when):
                        step_index += 1
                        continue
                    if isinstance(step, AskStep):
                        question = self.flow.fields.get(step.ask)
                        if question is None:
                            raise FlowError(f"node '{node_id}' asks '{step.ask}', which is not defined under fields")
                        return Prompt(node_id, step_index, step.ask, question)
                    self._apply(node_id, step, walk)
                    step_index += 1
                if node.choose is not None:
                    return Prompt(node_id, len(steps), node.choose.id, node.choose)
                if node.end is not None:
                    walk.events.append(Ended(node_id, node.end))
                    return None
                node_id, via = self._route(node_id, node)
                step_index = 0
                entering = True
                hops += 1
                if hops > len(self.flow.nodes):
                    raise FlowError(f"the flow goes round in a loop from node '{node_id}' without asking anything")
        finally:
            self._walk_totals = None

    def _route(self, node_id: str, node: Node) -> tuple[str, Via]:
        """The next node and the edge that leads there."""
        if node.next is not None:
            return node.next, Via(node_id, "next", 0)
        if node.routes is not None:
            for i, route in enumerate(node.routes):
                if isinstance(route, ElseRoute):
                    return route.else_, Via(node_id, "routes", i)
                if isinstance(route, IfRoute) and self._holds(route.if_):
                    return route.goto, Via(node_id, "routes", i)
            raise FlowError(f"node '{node_id}': no route matched and there is no 'else'")
        raise FlowError(f"node '{node_id}' has no way on (add next, choose, routes or end)")

    def _holds(self, condition: str) -> bool:
        return conditions.evaluate(conditions.parse_condition(condition), self.value)

    def _render(self, template: str | None) -> str | None:
        return None if template is None else render(template, self.text)

    def _apply(self, node_id: str, step: object, walk: _Walk) -> None:
        totals = walk.totals
        if isinstance(step, SayStep):
            walk.events.append(Said(node_id, render(step.say, self.text)))
        elif isinstance(step, DoStep):
            walk.events.append(ToDo(node_id, render(step.do, self.text)))
        elif isinstance(step, NoteStep):
            walk.events.append(Noted(node_id, render(step.note, self.text)))
        elif isinstance(step, TicketStep):
            specs = self.flow.ticket_fields
            values = tuple(
                # An unknown blank leaves the ticket field empty, so it counts as missing.
                TicketValue(key, (specs[key].label if key in specs else None) or key, render(template, self.text, ""))
                for key, template in step.ticket.items()
            )
            walk.events.append(TicketSet(node_id, values))
            if not totals.ticket_started:
                walk.totals = totals = Totals(totals.subtotal, totals.past_due, totals.paid, True)
        elif isinstance(step, ItemStep):
            ref = step.item if isinstance(step.item, ItemRef) else ItemRef(code=step.item)
            item = self.flow.catalog.get(ref.code)
            if item is None:
                raise FlowError(f"node '{node_id}' adds item '{ref.code}', which is not in the catalog")
            line = InvoiceLine(ref.code, item.name, ref.quantity, item.price, cents(item.price * ref.quantity))
            walk.events.append(LineAdded(node_id, line))
            walk.totals = Totals(totals.subtotal + line.amount, totals.past_due, totals.paid, totals.ticket_started)
        elif isinstance(step, PastDueStep):
            amount = self._values.get(step.past_due)
            if amount is None:
                return
            if not isinstance(amount, Decimal):
                raise FlowError(f"node '{node_id}': past_due names '{step.past_due}', which is not a money field")
            walk.events.append(PastDueSet(node_id, step.past_due, cents(amount)))
            walk.totals = Totals(totals.subtotal, cents(amount), totals.paid, totals.ticket_started)
        elif isinstance(step, PaymentStep):
            amount = self._amount(node_id, step.payment.amount, totals)
            payment = PaymentTaken(node_id, amount, self._render(step.payment.method), self._render(step.payment.note))
            walk.events.append(payment)
            walk.totals = Totals(totals.subtotal, totals.past_due, totals.paid + amount, totals.ticket_started)
        elif isinstance(step, NotifyStep):
            walk.events.append(Notified(node_id, step.notify.to, self._render(step.notify.message)))
        elif isinstance(step, FollowUpStep):
            walk.events.append(FollowUp(node_id, render(step.follow_up, self.text)))
        self._walk_totals = walk.totals

    def _amount(self, node_id: str, name: str, totals: Totals) -> Decimal:
        if name in AMOUNT_NAMES:
            return cents(getattr(totals, name))
        value = self._values.get(name)
        if isinstance(value, Decimal):
            return cents(value)
        if name in self.flow.fields:
            return ZERO  # an optional amount left empty
        raise FlowError(f"node '{node_id}': payment amount '{name}' is not an amount or a money field")
