"""Scenario files: one whole call (answers) and what it must produce (expectations).

    name: Pay As You Go member owing $45.50 pays the add-on and the balance
    answers:
      existing_member: "yes"
      ...
    expect:
      path: [D-2-1, D-2-5, D-2-13, D-2-6, D-2-14, D-2-15, D-2-9]
      invoice: {total: 65.50}

Scenarios live next to their flow in `<flow>.scenarios/` (docs/scenarios.md).
`answers` is exactly an answers file's `answers` (callflow.call.answers reads it);
the pydantic models here validate the rest and give `callflow schema
--scenario` its JSON Schema (schema/scenario.schema.json). Checks that need
the flow (question ids, node ids, item codes) are in callflow.testing.scenariocheck.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from callflow.call.answers import AnswerSet, confirmation_problem, parse_answers_document, parse_today
from callflow.flow.errors import FlowLoadError
from callflow.flow.loader import INVALID_VALUE, MISSING_KEY, load_data, validate_data
from callflow.flow.positions import PositionIndex
from callflow.flow.yamlsource import load_problem
from callflow.testing.expectmodels import (
    INVOICE_AMOUNTS,
    Expect,
    ExpectedCheck,
    ExpectedFollowUp,
    ExpectedInvoice,
    ExpectedLine,
    ExpectedNotification,
    ExpectedPayment,
)
from callflow.testing.scenariotypes import SCALAR_SCHEMA, DateText, Model, Text, parse_expected_amount

__all__ = [
    "INVOICE_AMOUNTS",
    "Expect",
    "ExpectedCheck",
    "ExpectedFollowUp",
    "ExpectedInvoice",
    "ExpectedLine",
    "ExpectedNotification",
    "ExpectedPayment",
    "LoadedScenario",
    "Scenario",
    "load_scenario",
    "parse_expected_amount",
]

SCENARIOS_SUFFIX = ".scenarios"
FLOW_SUFFIXES = (".yaml", ".yml")
TODO_MARK = "TODO"
_TODO = re.compile(r"^\s*TODO\b")


def _answer(value: Any) -> Any:
    """Text (None when empty), a checklist confirmation {done, reason}, or a
    list of them for a question asked more than once."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict):
            problem = confirmation_problem(item)
            if problem is not None:
                raise ValueError(problem)
        elif not (item is None or isinstance(item, str)):
            kind = "a list inside a list" if isinstance(item, list) else "that"
            raise ValueError(
                f"an answer is text (or a list of texts, one per time the question is asked), not {kind}"
            )
    return value


_CONFIRMATION_SCHEMA = {
    "type": "object",
    "properties": {"done": SCALAR_SCHEMA, "reason": {"type": "string"}},
    "required": ["done"],
    "additionalProperties": False,
    "description": "A checklist confirmation: {done: yes} or {done: no, reason: why not}.",
}
_ONE_ANSWER_SCHEMA = {"anyOf": [SCALAR_SCHEMA, _CONFIRMATION_SCHEMA]}

AnswerValue = Annotated[
    str | dict[str, str | None] | list[str | dict[str, str | None] | None] | None,
    BeforeValidator(_answer),
    WithJsonSchema(
        {
            "anyOf": [SCALAR_SCHEMA, _CONFIRMATION_SCHEMA, {"type": "array", "items": _ONE_ANSWER_SCHEMA}],
            "description": "The answer as the director would type or pick it (an option's label or value; "
            "done or 'not done: reason' for a checklist confirmation); a list when the question is asked "
            "more than once.",
        }
    ),
]


class Scenario(Model):
    """A scenario file: one whole call and what it must produce (docs/scenarios.md)."""

    name: Text = Field(description="What the call is; shown in every report.")
    description: str | None = None
    flow: Text | None = Field(
        None,
        description="The flow file, relative to this scenario file; implied inside <flow>.scenarios/ next to the flow.",
    )
    agent: Text | None = Field(None, description="The director's name, said as {agent}.")
    today: DateText | None = Field(
        None, description="The call's date (YYYY-MM-DD), read as `today` by the flow; default: the day the test runs."
    )
    answers: dict[str, AnswerValue] = Field(
        description="Answers by question id, exactly as in an answers file (a list when asked more than once)."
    )
    expect: Expect = Field(description="What the call must produce: path, outcome, ticket, invoice, payments...")


@dataclass(frozen=True)
class Todo:
    """An answer still marked TODO (a scaffold not yet filled in)."""

    field_id: str
    index: int | None
    line: int
    col: int
    note: str


@dataclass
class LoadedScenario:
    """A valid scenario with its file, its flow's path and positions for reports."""

    scenario: Scenario
    path: str
    text: str
    data: dict[str, Any]
    flow_path: str
    positions: PositionIndex
    todos: list[Todo] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def today(self) -> date | None:
        """The call's date the scenario fixes, if it does."""
        return parse_today(self.scenario.today)

    def answer_set(self) -> AnswerSet:
        """A fresh AnswerSet (each walk uses up its answers)."""
        part = {"answers": self.data.get("answers") or {}}
        return parse_answers_document(part, self.text, self.path)

    def where(self, loc: Sequence[Any], *, at_key: bool = True) -> tuple[int, int]:
        return self.positions.locate(loc, at_key=at_key)


def load_scenario(path: str) -> LoadedScenario:
    """Read and validate a scenario file; raises FlowLoadError at file:line:col."""
    data, text = load_data(path)
    return scenario_from_data(data, text, path)


def scenario_from_data(data: Any, text: str, path: str) -> LoadedScenario:
    """A scenario already read as YAML data (from a file, or stdin: `flow:` is then
    relative to the current folder)."""
    scenario = validate_data(Scenario, data, text, path)
    positions = PositionIndex(text, path)
    flow_path = resolve_flow_path(path, scenario, positions)
    return LoadedScenario(scenario, path, text, data, flow_path, positions, _todos(scenario, positions))


def scenarios_folder_flow(folder: Path) -> Path | None:
    """The flow a `<flow>.scenarios` folder belongs to, if it exists."""
    if not folder.name.endswith(SCENARIOS_SUFFIX):
        return None
    stem = folder.name[: -len(SCENARIOS_SUFFIX)]
    for suffix in FLOW_SUFFIXES:
        candidate = folder.parent / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def scenarios_folder_of(flow_path: Path) -> Path:
    """Where the scenarios of a flow live: `<flow>.scenarios/` next to it."""
    return flow_path.parent / f"{flow_path.stem}{SCENARIOS_SUFFIX}"


def resolve_flow_path(path: str, scenario: Scenario, positions: PositionIndex) -> str:
    """The flow a scenario drives: its `flow:` (relative to the scenario file),
    or the flow its `<flow>.scenarios/` folder is named after."""
    here = Path(path).parent
    if scenario.flow is not None:
        target = here / scenario.flow
        if not target.is_file():
            line, col = positions.locate(("flow",), at_key=False)
            raise FlowLoadError(
                [
                    load_problem(
                        path,
                        line,
                        col,
                        INVALID_VALUE,
                        f"flow file '{scenario.flow}' not found (looked for {os.path.normpath(target)}; "
                        "the path is relative to this scenario file)",
                    )
                ]
            )
        return os.path.normpath(target)
    for folder in (here, *here.parents):
        if folder.name.endswith(SCENARIOS_SUFFIX):
            flow = scenarios_folder_flow(folder)
            if flow is not None:
                return os.path.normpath(flow)
            stem = folder.name[: -len(SCENARIOS_SUFFIX)]
            raise FlowLoadError(
                [
                    load_problem(
                        path,
                        1,
                        1,
                        MISSING_KEY,
                        f"no flow '{stem}.yaml' next to the folder {folder}: put the flow there "
                        "or name it with 'flow:' (relative to this scenario file)",
                    )
                ]
            )
    raise FlowLoadError(
        [
            load_problem(
                path,
                1,
                1,
                MISSING_KEY,
                "missing key 'flow': name the flow file relative to this scenario "
                "(e.g. flow: ../flows/intake.yaml), or keep the scenario in <flow>.scenarios/ next to its flow",
            )
        ]
    )


def _todos(scenario: Scenario, positions: PositionIndex) -> list[Todo]:
    todos = []
    for key, value in scenario.answers.items():
        values = value if isinstance(value, list) else [value]
        for i, item in enumerate(values):
            if isinstance(item, str) and _TODO.match(item):
                index = i if isinstance(value, list) else None
                loc = ("answers", key) if index is None else ("answers", key, index)
                line, col = positions.locate(loc, at_key=False)
                note = item.strip()[len(TODO_MARK) :].strip(" :-—")
                todos.append(Todo(key, index, line, col, note))
    return todos


def is_todo(value: object) -> bool:
    return isinstance(value, str) and _TODO.match(value) is not None
