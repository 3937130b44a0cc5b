"""Seeded random walks through a flow, checking the call invariants on each.

Walk N of seed S draws from `random.Random("S:N")`, so any walk can be
replayed alone. Choices are random; typed answers are made up valid
(valuegen), leaning on the values conditions compare with. A walk fails when
it does not end within `max_answers`, when the flow stops it (a route with
no match, a missing node), when no valid answer can be made up, or when it
breaks an invariant. A failed walk's answers make a scenario that reproduces
it (`reproduction`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from callflow.call.driver import Moved, drive
from callflow.call.engine import Prompt, Session
from callflow.call.events import Event
from callflow.call.flowreads import reads_today
from callflow.call.summary import Summary, summarize
from callflow.call.valuegen import WALK_TODAY, CannotAnswer, Telling, random_answer
from callflow.flow.errors import FlowError
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.procedures import shown
from callflow.testing.coverage import Reached, reached_by
from callflow.testing.invariants import NOT_ENDED, check_invariants
from callflow.testing.scenario import scenarios_folder_of
from callflow.testing.scenariowriter import AnswerLine, scenario_yaml, yaml_list, yaml_scalar

DEFAULT_MAX_ANSWERS = 500
WALK_AGENT = "Dana"


class _Stop(Exception):
    """Ends a walk early; the message says why."""


@dataclass
class WalkResult:
    number: int
    seed: int
    answers: list[tuple[str, str]]  # (question id, answer as typed), in order
    session: Session
    summary: Summary
    problems: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # one per problem: an invariant rule or what stopped it
    origin: str = ""  # how to walk it again, in words

    @property
    def name(self) -> str:
        return f"random walk {self.number} (seed {self.seed})" if not self.origin else self.origin

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reached(self) -> Reached:
        return reached_by(self.session)


class _RandomFrontEnd:
    def __init__(self, rng: random.Random, telling: Telling, currency: str, max_answers: int) -> None:
        self.rng = rng
        self.telling = telling
        self.currency = currency
        self.max_answers = max_answers
        self.given: list[tuple[str, str]] = []

    def show(
        self, session: Session, events: Sequence[Event], *, again: bool = False, moved: Moved | None = None
    ) -> None:
        pass

    def ask(self, session: Session, prompt: Prompt) -> object:
        if len(self.given) >= self.max_answers:
            raise _Stop(f"the call did not end within {self.max_answers} answers (still at {shown(prompt.node_id)})")
        try:
            text = random_answer(prompt.field_id, prompt.question, self.rng, self.telling, self.currency)
        except CannotAnswer as exc:
            raise _Stop(f"at {shown(prompt.node_id)}: {exc}") from None
        self.given.append((prompt.field_id, text))
        return text

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        field_id, text = self.given[-1]
        raise _Stop(f"at {shown(prompt.node_id)}: the made-up answer {text!r} to '{field_id}' was refused: {message}")


def random_walk(
    loaded: LoadedFlow,
    seed: int,
    number: int,
    *,
    max_answers: int = DEFAULT_MAX_ANSWERS,
    telling: Telling | None = None,
    today: date = WALK_TODAY,
) -> WalkResult:
    """One seeded walk on the call's date `today`, checked."""
    rng = random.Random(f"{seed}:{number}")
    telling = telling if telling is not None else Telling.of(loaded.flow, today)
    session = Session(loaded.flow, loaded.index, agent=WALK_AGENT, today=today)
    front = _RandomFrontEnd(rng, telling, loaded.flow.currency, max_answers)
    problems: list[str] = []
    rules: list[str] = []
    try:
        drive(session, front)
    except _Stop as exc:
        problems.append(str(exc))
        rules.append(NOT_ENDED)
    except FlowError as exc:
        problems.append(f"the flow stops the call: {exc.message}")
        rules.append("flow-error")
    summary = summarize(session)
    for violation in check_invariants(session, summary):
        problems.append(str(violation))
        rules.append(violation.rule)
    on_day = f" --today {today.isoformat()}" if today != WALK_TODAY else ""
    origin = f"random walk {number} of `callflow walk {loaded.path} --random --seed {seed}{on_day}`"
    return WalkResult(number, seed, front.given, session, summary, problems, rules, origin)


def random_walks(
    loaded: LoadedFlow,
    seed: int,
    count: int,
    *,
    max_answers: int = DEFAULT_MAX_ANSWERS,
    today: date = WALK_TODAY,
    on_walk: Callable[[WalkResult], None] | None = None,
) -> list[WalkResult]:
    """`count` seeded walks; `on_walk` is told of each as it ends (for a progress display)."""
    telling = Telling.of(loaded.flow, today)
    walks = []
    for n in range(1, count + 1):
        walks.append(random_walk(loaded, seed, n, max_answers=max_answers, telling=telling, today=today))
        if on_walk is not None:
            on_walk(walks[-1])
    return walks


def reproduction(walk: WalkResult, loaded: LoadedFlow) -> str:
    """A scenario file that replays the walk; `callflow test` fails it while
    the flow still breaks the rule (it checks the same invariants)."""
    flow_path = Path(loaded.path)
    folder = scenarios_folder_of(flow_path)
    grouped: dict[str, list[str]] = {}
    for field_id, text in walk.answers:
        grouped.setdefault(field_id, []).append(text)
    answers = [AnswerLine(field_id, tuple(values)) for field_id, values in grouped.items()]
    header = [
        f"Replays {walk.name}.",
        f"Save it in {folder}/; callflow test fails it until the flow is fixed:",
        *(f"  - {p}" for p in walk.problems),
    ]
    expect = [f"  path: {yaml_list(walk.summary.path)}"]
    if walk.summary.outcome:
        expect.append(f"  outcome: {yaml_scalar(walk.summary.outcome)}")
    return scenario_yaml(
        name=walk.name[0].upper() + walk.name[1:].split(" of `")[0],
        answers=answers,
        expect=expect,
        header=header,
        flow_ref=f"../{flow_path.name}",
        agent=WALK_AGENT,
        today=walk.session.today.isoformat() if reads_today(loaded.flow) else None,
    )
