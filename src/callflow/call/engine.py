"""The call as a pure state machine over a flow: start, answer, back.

No terminal, no files, no clock: the call's date (`today`) is given at the
start. A `Session` stands at a prompt (a question of the current node, or a
checklist item to confirm) or at an end. Answering records the answer and
walks on through the steps that need no answer (words, computed values,
ticket fields, invoice lines, payments, refunds, notifications) to the next
prompt, collecting what they produce as events in a frame. Each frame also
keeps what it changed (values, visit counts), so going back pops the frame
and everything that answer caused disappears with it. The summary is a fold
over the frames, so the same answers always give the same summary.

Each answer costs time proportional to the steps it passes, never to the size
of the flow: nodes, catalog items and fields are found by key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from callflow.call.actions import Totals, Walk, apply_step
from callflow.call.events import Answered, Ended, Event, Limited, NodeEntered, Via
from callflow.call.names import Names
from callflow.call.values import InvalidAnswer, Value, check_answer, display_value, parse_answer
from callflow.flow.errors import FlowError
from callflow.flow.evaluate import EvaluationError
from callflow.flow.fields import InputField
from callflow.flow.index import Confirmation, FlowIndex, Question
from callflow.flow.model import Choose, ElseRoute, Flow, IfRoute, Node
from callflow.flow.procedures import is_part_of
from callflow.flow.steps import AskStep, DoStep


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

    @property
    def default(self) -> Value:
        """What the prompt opens on: the answer given before (a back, a
        change), else the option the flow names as the default."""
        if self.previous is not None:
            return self.previous
        question = self.question
        if isinstance(question, Choose):
            return question.default_key
        if isinstance(question, InputField) and question.type in ("choice", "yesno"):
            return question.default_value
        return None


_MISSING = object()


@dataclass
class Frame:
    """One answer (None for the start) and everything it caused."""

    answer: Answered | None
    events: list[Event]
    prompt: Prompt | None  # what the session waits for after this frame
    totals: Totals
    changed: list[tuple[str, object]] = field(default_factory=list)  # (name, value before) in order
    entered: list[str] = field(default_factory=list)  # nodes whose visit count this frame raised


class Session(Names):
    """A call in progress. Create it, then `answer` until `ended`."""

    def __init__(
        self,
        flow: Flow,
        index: FlowIndex | None = None,
        *,
        agent: str | None = None,
        today: date | None = None,
    ) -> None:
        self.flow = flow
        self.index = index if index is not None else FlowIndex.build(flow)
        self.agent = agent or None
        self.today = today or date.today()
        self._values: dict[str, Value] = {}
        self._visits: dict[str, int] = {}
        self._frames: list[Frame] = []
        self._undone: Answered | None = None
        self._offered: list[Answered] = []  # answers a change left behind, offered at their questions
        self._walk: Walk | None = None  # while walking: the amounts so far and what changed
        walk = Walk(Totals())
        self._walk = walk
        try:
            prompt = self._advance(flow.start, 0, walk, entering=True)
        except EvaluationError as exc:
            raise FlowError(f"the flow cannot start: {exc}") from None
        finally:
            self._walk = None
        self._frames.append(Frame(None, walk.events, prompt, walk.totals, walk.changed, walk.entered))

    # -- where the call stands ------------------------------------------------

    @property
    def prompt(self) -> Prompt | None:
        """The question to answer now; None once the call has ended."""
        prompt = self._frames[-1].prompt
        if prompt is None:
            return None
        undone = self._undone
        if undone is None or undone.field_id != prompt.field_id:
            undone = next((a for a in self._offered if a.field_id == prompt.field_id), None)
        if undone is not None:
            previous: Value = undone.value
            if isinstance(prompt.question, Confirmation):
                previous = "done" if undone.value else f"not done: {undone.reason or ''}"
            return Prompt(prompt.node_id, prompt.step_index, prompt.field_id, prompt.question, previous)
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

    def ticket_number(self) -> str | None:
        """The ticket's number: the last answer to a field the flow marks `ticket_number`."""
        number: str | None = None
        for answer in self.answers():
            question = self.flow.fields.get(answer.field_id)
            if question is not None and question.ticket_number and not answer.secret and answer.display:
                number = answer.display
        return number

    def node_so_far(self) -> list[Event]:
        """What the current node has shown so far, from its header on, with
        the answers given in it: the node as it now stands."""
        node = self.current_node()
        collected: list[Event] = []
        for frame in reversed(self._frames):
            for event in reversed(frame.events):
                collected.append(event)
                if isinstance(event, NodeEntered) and event.node_id == node:
                    return list(reversed(collected))
            if frame.answer is not None:
                collected.append(frame.answer)
        return list(reversed(collected))

    def asked(self, position: int) -> Prompt:
        """The prompt answer number `position` (0-based) answered, holding that answer."""
        frame = self._frames[position]
        answer = self._frames[position + 1].answer
        assert frame.prompt is not None and answer is not None
        previous: Value = answer.value
        if isinstance(frame.prompt.question, Confirmation):
            previous = "done" if answer.value else f"not done: {answer.reason or ''}"
        return dataclasses.replace(frame.prompt, previous=previous)

    def current_node(self) -> str:
        prompt = self._frames[-1].prompt
        if prompt is not None:
            return prompt.node_id
        for event in reversed(self._frames[-1].events):
            if isinstance(event, Ended):
                return event.node_id
        return self.flow.start

    # -- moving ----------------------------------------------------------------

    def answer(self, raw: object) -> list[Event]:
        """Record an answer to the current prompt and walk on.

        Raises InvalidAnswer (ask again) when it does not fit the question, or
        when what it leads to cannot be computed (a division by zero, an
        amount beyond what callflow carries, a refund of more than is owed).
        Returns what the answer brought on screen.
        """
        prompt = self._frames[-1].prompt
        if prompt is None:
            raise InvalidAnswer("the call has ended")
        question = prompt.question
        reason: str | None = None
        if isinstance(question, Confirmation):
            done, reason = check_answer(raw)
            value: Value = done
        else:
            value = parse_answer(question, raw, self.flow.currency, self.today)
        secret = isinstance(question, InputField) and question.secret
        answered = Answered(
            node_id=prompt.node_id,
            field_id=prompt.field_id,
            prompt=self._question_prompt(question),
            value=value,
            display=display_value(question, value, self.flow.currency, reason),
            secret=secret,
            reason=reason,
        )
        walk = Walk(self._frames[-1].totals)
        self._walk = walk
        try:
            self.record(prompt.field_id, value)
            if isinstance(question, Choose):
                chosen, option = next((i, o) for i, o in enumerate(question.options) if o.key == value)
                via = Via(prompt.node_id, "choose", chosen)
                nxt = self._advance(option.goto, 0, walk, entering=True, via=via)
            else:
                nxt = self._advance(prompt.node_id, prompt.step_index + 1, walk, entering=False)
        except EvaluationError as exc:
            self._undo(walk.changed, walk.entered)
            raise InvalidAnswer(f"that answer cannot be taken: {exc}") from None
        except Exception:
            self._undo(walk.changed, walk.entered)
            raise
        finally:
            self._walk = None
        self._frames.append(Frame(answered, walk.events, nxt, walk.totals, walk.changed, walk.entered))
        self._undone = None
        offered = next((i for i, a in enumerate(self._offered) if a.field_id == prompt.field_id), None)
        if offered is not None:
            del self._offered[offered]  # its question was answered again
        return list(walk.events)

    def back(self) -> Frame | None:
        """Undo the last answer and all it caused; the frame undone (its
        answer and what it brought), or None at the first question."""
        if len(self._frames) == 1:
            return None
        frame = self._frames.pop()
        assert frame.answer is not None
        self._undo(frame.changed, frame.entered)
        self._undone = frame.answer
        return frame

    def offer(self, answers: Sequence[Answered]) -> None:
        """Offer these answers again as the defaults of their questions, when
        the call asks them (the later answers a change could not keep)."""
        self._offered = list(answers)

    def _undo(self, changed: list[tuple[str, object]], entered: list[str]) -> None:
        for name, before in reversed(changed):
            if before is _MISSING:
                self._values.pop(name, None)
            else:
                self._values[name] = before  # type: ignore[assignment]
        for node_id in entered:
            count = self._visits.get(node_id, 0) - 1
            if count > 0:
                self._visits[node_id] = count
            else:
                self._visits.pop(node_id, None)

    def record(self, name: str, value: Value) -> None:
        """Set a recorded value, remembering the one before for going back."""
        walk = self._walk
        if walk is not None:
            walk.changed.append((name, self._values.get(name, _MISSING)))
        self._values[name] = value

    @staticmethod
    def _question_prompt(question: Question) -> str:
        return question.prompt

    # -- walking -----------------------------------------------------------------

    def _advance(
        self, node_id: str, step_index: int, walk: Walk, *, entering: bool, via: Via | None = None
    ) -> Prompt | None:
        hops = 0
        while True:
            if entering:
                node_id, node, via = self._enter(node_id, via, walk)
                entering = False
            else:
                node = self.flow.nodes[node_id]
            steps = node.steps
            while step_index < len(steps):
                step = steps[step_index]
                if step.when is not None and not self.holds(step.when):
                    step_index += 1
                    continue
                if isinstance(step, AskStep):
                    question = self.flow.fields.get(step.ask)
                    if question is None:
                        raise FlowError(f"node '{node_id}' asks '{step.ask}', which is not defined under fields")
                    return Prompt(node_id, step_index, step.ask, question)
                apply_step(self, node_id, step, walk)
                if isinstance(step, DoStep) and step.confirm is not None:
                    confirmation = Confirmation(step.confirm, walk.last_text or step.do)
                    return Prompt(node_id, step_index, step.confirm, confirmation)
                step_index += 1
            if node.choose is not None:
                return Prompt(node_id, len(steps), node.choose.id, node.choose)
            if node.end is not None:
                walk.events.append(Ended(node_id, node.end))
                return None
            left = node_id
            node_id, via = self._route(node_id, node)
            step_index = 0
            entering = True
            if is_part_of(node_id, left):
                # A call skipped by its `when:`: the rest of the same node
                # follows on, with no new header and no new visit.
                entering = False
            hops += 1
            if hops > self.index.hops_without_asking():
                raise FlowError(f"the flow goes round in a loop from node '{node_id}' without asking anything")

    def _enter(self, node_id: str, via: Via | None, walk: Walk) -> tuple[str, Node, Via | None]:
        """Enter a node, or the node its limit sends the call to instead."""
        for _ in range(len(self.flow.nodes) + 1):
            node = self.flow.nodes.get(node_id)
            if node is None:
                raise FlowError(f"the flow goes to node '{node_id}', which does not exist")
            limit = node.at_most
            if limit is not None and self._visits.get(node_id, 0) >= limit.times:
                walk.events.append(Limited(node_id, limit.times, limit.then))
                via = Via(node_id, "limit", 0)
                node_id = limit.then
                continue
            self._visits[node_id] = self._visits.get(node_id, 0) + 1
            walk.entered.append(node_id)
            walk.events.append(NodeEntered(node_id, node.section, node.title, node.role or self.flow.role, via))
            return node_id, node, via
        raise FlowError(f"the limits of node '{node_id}' send the call round in a circle")

    def _route(self, node_id: str, node: Node) -> tuple[str, Via]:
        """The next node and the edge that leads there."""
        if node.next is not None:
            return node.next, Via(node_id, "next", 0)
        if node.routes is not None:
            for i, route in enumerate(node.routes):
                if isinstance(route, ElseRoute):
                    return route.else_, Via(node_id, "routes", i)
                if isinstance(route, IfRoute) and self.holds(route.if_):
                    return route.goto, Via(node_id, "routes", i)
            raise FlowError(f"node '{node_id}': no route matched and there is no 'else'")
        if node.return_:
            raise FlowError(f"node '{node_id}' returns, but it is not inside a called procedure")
        raise FlowError(f"node '{node_id}' has no way on (add next, choose, routes or end)")
