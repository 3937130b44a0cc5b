"""Finding answers that take a route, by walking it with the engine.

The route dictates the `choose` answers. Typed answers that no condition
reads get one plausible value; those a condition reads are tried with values
on each side of what the flow compares them with (valuegen), backtracking
with `Session.back()` as soon as the engine leaves the route. So a route is
reported as walkable only when the engine itself walked it.
"""

from __future__ import annotations

from dataclasses import dataclass

from callflow.call.engine import Prompt, Session
from callflow.call.events import Ended, Event, NodeEntered, Via
from callflow.call.valuegen import CannotAnswer, Telling, candidate_answers
from callflow.call.values import InvalidAnswer, question_type
from callflow.flow.errors import FlowError
from callflow.flow.index import FlowIndex, Question
from callflow.flow.model import Choose, Flow
from callflow.testing.paths import Route

SEARCH_BUDGET = 5000  # answers tried per route


@dataclass(frozen=True)
class RouteAnswer:
    """One answer on a route, in the order the call asks it."""

    node_id: str
    field_id: str
    question: Question
    value: str  # as typed
    chosen: bool  # a `choose` answer: the route dictates it
    decided: bool = False  # a typed answer only this value of which takes the route

    @property
    def given_by_route(self) -> bool:
        return self.chosen or self.decided


@dataclass
class FoundRoute:
    route: Route
    answers: list[RouteAnswer] | None  # None: no answers found that take the route
    session: Session | None = None  # the walk that took it
    problem: str | None = None  # why none were found, when known

    @property
    def found(self) -> bool:
        return self.answers is not None


class _Walker:
    def __init__(
        self,
        flow: Flow,
        index: FlowIndex,
        route: Route,
        telling: Telling,
        forced: dict[tuple[str, int], str],
    ):
        self.flow = flow
        self.index = index
        self.route = route
        self.expected = route.vias
        self.deciding = route.deciding()
        self.telling = telling
        self.forced = forced
        self.problem: str | None = None

    def consume(self, events: list[Event], pos: int) -> int:
        """How far along the route the events go; -1 when they leave it."""
        for event in events:
            if isinstance(event, NodeEntered) and event.via is not None:
                if pos >= len(self.expected) or Via(*event.via) != self.expected[pos]:
                    return -1
                pos += 1
            elif isinstance(event, Ended) and (pos != len(self.expected) or event.node_id != self.route.end):
                return -1
        return pos

    def options(self, session: Session, prompt: Prompt, pos: int) -> list[str]:
        if isinstance(prompt.question, Choose):
            if pos < len(self.deciding):
                edge = self.deciding[pos]
                if edge.source == prompt.node_id and edge.way == "choose":
                    return [prompt.question.options[edge.index].key]
            return []
        occurrence = sum(1 for a in session.answers() if a.field_id == prompt.field_id)
        forced = self.forced.get((prompt.field_id, occurrence))
        if forced is not None:
            return [forced]
        try:
            return candidate_answers(prompt.field_id, prompt.question, self.telling, self.flow.currency)
        except CannotAnswer as exc:
            self.problem = str(exc)
            return []

    def walk(self, budget: int) -> tuple[Session, list[str]] | None:
        session = Session(self.flow, self.index, agent="Agent", today=self.telling.today)
        pos = self.consume(session.shown(), 0)
        if pos < 0:
            return None
        if session.ended:
            return (session, []) if pos == len(self.expected) else None
        prompt = session.prompt
        assert prompt is not None
        stack: list[tuple[list[str], int, int]] = [(self.options(session, prompt, pos), 0, pos)]
        work = 0
        while stack:
            options, i, here = stack[-1]
            if i >= len(options):
                stack.pop()
                if stack:
                    session.back()
                continue
            stack[-1] = (options, i + 1, here)
            work += 1
            if work > budget:
                self.problem = f"gave up after trying {budget} answers"
                return None
            try:
                events = session.answer(options[i])
            except (InvalidAnswer, FlowError):
                continue
            reached = self.consume(events, here)
            if reached < 0:
                session.back()
                continue
            if session.ended:
                return session, [opts[j - 1] for opts, j, _ in stack]
            prompt = session.prompt
            assert prompt is not None
            stack.append((self.options(session, prompt, reached), 0, reached))
        return None


def find_answers(
    flow: Flow,
    index: FlowIndex,
    route: Route,
    telling: Telling | None = None,
    *,
    budget: int = SEARCH_BUDGET,
    check_decided: bool = True,
) -> FoundRoute:
    """Answers that walk the route (on the call's date `telling.today`), with
    each typed answer marked `decided` when no other option of its yes/no or
    choice question takes the route."""
    telling = telling if telling is not None else Telling.of(flow)
    walker = _Walker(flow, index, route, telling, {})
    walked = walker.walk(budget)
    if walked is None:
        return FoundRoute(route, None, problem=walker.problem)
    session, raw = walked
    answers: list[RouteAnswer] = []
    seen: dict[str, int] = {}
    for answered, text in zip(session.answers(), raw, strict=True):
        occurrence = seen.get(answered.field_id, 0)
        seen[answered.field_id] = occurrence + 1
        question = index.questions[answered.field_id]
        chosen = isinstance(question, Choose)
        decided = False
        if check_decided and not chosen and telling.decides(answered.field_id):
            decided = _only_value(
                walker, answered.field_id, occurrence, text, question, budget
            )
        answers.append(RouteAnswer(answered.node_id, answered.field_id, question, text, chosen, decided))
    return FoundRoute(route, answers, session)


def _only_value(base: _Walker, field_id: str, occurrence: int, value: str, question: Question, budget: int) -> bool:
    """Whether only `value` of a yes/no or choice question takes the route."""
    if question_type(question) not in ("yesno", "choice", "check"):
        return False
    for other in candidate_answers(field_id, question, base.telling, base.flow.currency):
        if other == value:
            continue
        forced = {(field_id, occurrence): other}
        if _Walker(base.flow, base.index, base.route, base.telling, forced).walk(budget) is not None:
            return False
    return True
