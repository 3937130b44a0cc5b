"""Running one scenario: its answers through the engine, then its expectations
and the call invariants against the summary. Returns a result; never prints."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import Summary, summarize
from callflow.flow.errors import AnswersError, FlowError
from callflow.flow.loadedflow import LoadedFlow
from callflow.testing.coverage import Reached, reached_by
from callflow.testing.expectations import Mismatch, check_expectations, route_text
from callflow.testing.invariants import check_invariants
from callflow.testing.scenario import LoadedScenario, Todo

PASSED = "passed"
FAILED = "failed"
ERROR = "error"


@dataclass(frozen=True)
class Problem:
    """Why a scenario failed, at a line of the scenario file."""

    kind: str  # "expectation", "answers", "todo", "invariant", "flow"
    message: str
    line: int
    col: int
    what: str | None = None
    expected: str | None = None
    actual: str | None = None
    detail: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "what": self.what,
            "message": self.message,
            "line": self.line,
            "col": self.col,
            "expected": self.expected,
            "actual": self.actual,
            "detail": list(self.detail),
        }


@dataclass
class ScenarioResult:
    path: str
    status: str
    name: str | None = None
    flow_path: str | None = None
    flow_id: str | None = None
    problems: list[Problem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # load errors, one line each
    summary: Summary | None = None
    reached: Reached | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "name": self.name,
            "flow": self.flow_path,
            "flow_id": self.flow_id,
            "status": self.status,
            "problems": [p.to_dict() for p in self.problems],
            "errors": list(self.errors),
            "path_taken": list(self.summary.path) if self.summary else None,
            "outcome": self.summary.outcome if self.summary else None,
            "seconds": round(self.seconds, 4),
        }


def _mismatch_problem(scenario: LoadedScenario, mismatch: Mismatch) -> Problem:
    line, col = scenario.where(mismatch.loc)
    return Problem(
        "expectation",
        f"{mismatch.what}: {mismatch.message}",
        line,
        col,
        mismatch.what,
        mismatch.expected,
        mismatch.actual,
        mismatch.detail,
    )


def run_scenario(scenario: LoadedScenario, flow: LoadedFlow) -> ScenarioResult:
    """Drive the flow with the scenario's answers and compare what it produced."""
    started = time.perf_counter()
    result = ScenarioResult(scenario.path, FAILED, scenario.name, flow.path, flow.flow.id)
    try:
        if scenario.todos:
            result.problems = [_todo_problem(t, flow) for t in scenario.todos]
            return result
        answers = scenario.answer_set()
        session = Session(flow.flow, flow.index, agent=scenario.scenario.agent, today=scenario.today)
        try:
            drive(session, ScriptedFrontEnd(answers))
        except (AnswersError, FlowError) as exc:
            result.summary = summarize(session)
            result.problems.append(_stopped(scenario, exc, result.summary))
            result.problems += _invariant_problems(scenario, session, result.summary)
            return result
        summary = summarize(session)
        result.summary = summary
        result.problems = [_mismatch_problem(scenario, m) for m in check_expectations(scenario.scenario.expect, summary)]
        result.problems += _unused_answers(scenario, session)
        result.problems += _invariant_problems(scenario, session, summary)
        if not result.problems:
            result.status = PASSED
            result.reached = reached_by(session)
        return result
    finally:
        result.seconds = time.perf_counter() - started


def _todo_problem(todo: Todo, flow: LoadedFlow) -> Problem:
    question = flow.index.questions.get(todo.field_id)
    asked = f" to '{question.prompt}'" if question is not None else ""
    which = "" if todo.index is None else f"[{todo.index + 1}]"
    note = f" ({todo.note})" if todo.note else ""
    return Problem(
        "todo",
        f"answers.{todo.field_id}{which} is still TODO: write the answer{asked}{note}",
        todo.line,
        todo.col,
        f"answers.{todo.field_id}",
    )


def _stopped(scenario: LoadedScenario, exc: AnswersError | FlowError, summary: Summary) -> Problem:
    kind = "answers" if isinstance(exc, AnswersError) else "flow"
    message = exc.message
    line, col = 1, 1
    prefix = f"{scenario.path}:"
    # AnswersError messages start with the file, or its file:line:col; keep that as the position.
    if message.startswith(prefix + " "):
        message = message[len(prefix) + 1 :]
    elif message.startswith(prefix):
        head, _, rest = message[len(prefix) :].partition(": ")
        parts = head.split(":")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            line, col = int(parts[0]), int(parts[1])
            message = rest
    if kind == "answers" and (line, col) == (1, 1):
        line, col = scenario.where(("answers",))
    what = "the answers stop the call" if kind == "answers" else "the flow stops the call"
    return Problem(
        kind,
        f"{what}: {message}",
        line,
        col,
        detail=(f"path so far: {route_text(summary.path)}",),
    )


def _unused_answers(scenario: LoadedScenario, session: Session) -> list[Problem]:
    asked = Counter(a.field_id for a in session.answers())
    found = []
    for key, value in scenario.scenario.answers.items():
        given = len(value) if isinstance(value, list) else 1
        if asked[key] < given:
            if asked[key] == 0:
                loc: tuple[Any, ...] = ("answers", key)
                message = f"answers.{key} is never asked on this path: remove it, or check the path the call takes"
            else:
                loc = ("answers", key, asked[key])
                message = (
                    f"answers.{key} has {given} answers but is asked {asked[key]} time(s): "
                    f"remove the answers from #{asked[key] + 1} on"
                )
            line, col = scenario.where(loc)
            found.append(Problem("answers", message, line, col, f"answers.{key}"))
    return found


def _invariant_problems(scenario: LoadedScenario, session: Session, summary: Summary) -> list[Problem]:
    line, col = scenario.where(("answers",))
    return [
        Problem("invariant", f"call invariant broken {v}", line, col, v.rule)
        for v in check_invariants(session, summary)
    ]
