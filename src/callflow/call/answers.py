"""Answers files: a whole call's answers keyed by field id, for `run --answers`,
rehearsals and tests.

    flow: anything-computers-intake   # optional: must match the flow's id
    agent: Dana                        # optional: fills {agent}
    today: 2026-11-23                  # optional: the call's date (default: today)
    answers:
      existing_member: "yes"
      member_plan: Pay As You Go
      past_due_amount: 45.50
      ticket_number: T1001

A question asked more than once on a path (a loop) takes a list, one answer
per time it is asked. Values stay the text written (`no`, `012` are not
turned into booleans or numbers); each is checked against its question when
the walk reaches it. A checklist confirmation (`do: ... confirm: id`) is
answered `done`, `"not done: <reason>"` or `{done: no, reason: <reason>}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from callflow.call.engine import Prompt
from callflow.flow.dates import calendar_day
from callflow.flow.diagnostics import Diagnostic, Severity
from callflow.flow.errors import AnswersError, FlowLoadError
from callflow.flow.index import Confirmation, FlowIndex
from callflow.flow.loader import INVALID_VALUE, UNKNOWN_KEY, load_data
from callflow.flow.model import Flow
from callflow.flow.positions import PositionIndex
from callflow.flow.procedures import shown
from callflow.flow.suggest import did_you_mean

ANSWERS_KEYS = ("flow", "agent", "today", "answers")
CONFIRMATION_KEYS = ("done", "reason")


@dataclass
class AnswerSet:
    """The answers of one call, with where each stands in its file."""

    answers: dict[str, list[Any]]
    path: str = "<answers>"
    flow_id: str | None = None
    agent: str | None = None
    today: date | None = None  # the call's date, when the file fixes it
    positions: PositionIndex | None = None
    loc_prefix: tuple[Any, ...] = ("answers",)
    _used: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, answers: Mapping[str, Any], **kwargs: Any) -> AnswerSet:
        normalized = {key: list(value) if isinstance(value, list) else [value] for key, value in answers.items()}
        return cls(normalized, **kwargs)

    def where(self, field_id: str, index: int | None = None) -> str:
        """file:line:col of an answer (or of the file, without positions)."""
        if self.positions is None:
            return self.path
        loc: tuple[Any, ...] = (*self.loc_prefix, field_id)
        if index is not None and len(self.answers.get(field_id, [])) > 1:
            loc = (*loc, index)
        line, col = self.positions.locate(loc, at_key=index is None or len(self.answers[field_id]) == 1)
        return f"{self.path}:{line}:{col}"

    def next_for(self, prompt: Prompt) -> tuple[Any, int]:
        """The next unused answer for the prompt's question, and its index."""
        values = self.answers.get(prompt.field_id)
        node = shown(prompt.node_id)
        if values is None:
            raise AnswersError(
                f"{self.path}: no answer for '{prompt.field_id}' ({prompt.question.prompt}) asked at node {node}"
                f": add '{prompt.field_id}:' under answers"
            )
        used = self._used.get(prompt.field_id, 0)
        if used >= len(values):
            raise AnswersError(
                f"{self.where(prompt.field_id)}: '{prompt.field_id}' is asked again at node {node} "
                f"but has only {len(values)} answer{'s' if len(values) != 1 else ''}: give a list with one per time"
            )
        self._used[prompt.field_id] = used + 1
        return values[used], used

    def give_back(self, field_id: str) -> None:
        """Going back makes the last answer of a question unused again."""
        if self._used.get(field_id):
            self._used[field_id] -= 1

    def check_known(self, flow: Flow, index: FlowIndex) -> None:
        """Refuse answers to questions the flow does not have (likely typos),
        and a mapping as the answer to anything but a checklist confirmation."""
        problems: list[Diagnostic] = []

        def problem(loc: tuple[Any, ...], code: str, message: str, *, at_key: bool = True) -> None:
            line, col = self.positions.locate(loc, at_key=at_key) if self.positions else (1, 1)
            problems.append(Diagnostic(self.path, line, col, code, Severity.ERROR, message))

        for key, values in self.answers.items():
            question = index.questions.get(key)
            if question is not None and not isinstance(question, Confirmation):
                for i, value in enumerate(values):
                    if isinstance(value, dict):
                        problem(
                            (*self.loc_prefix, key) if len(values) == 1 else (*self.loc_prefix, key, i),
                            INVALID_VALUE,
                            f"the answer to '{key}' should be text, not a mapping "
                            "({done, reason} answers a checklist confirmation)",
                            at_key=False,
                        )
            if question is None:
                hint = did_you_mean(key, index.questions)
                problem((*self.loc_prefix, key), UNKNOWN_KEY, f"'{key}' is not a question of flow '{flow.id}'{hint}")
        if self.flow_id is not None and self.flow_id != flow.id:
            problem(("flow",), INVALID_VALUE, f"these answers are for flow '{self.flow_id}', not '{flow.id}'")
        if problems:
            raise FlowLoadError(problems)


def parse_answers_document(data: Any, text: str, path: str, loc_prefix: Sequence[Any] = ()) -> AnswerSet:
    """Build an AnswerSet from parsed YAML data (an answers file or a scenario's part)."""
    positions = PositionIndex(text, path)

    def problem(loc: Sequence[Any], code: str, message: str) -> FlowLoadError:
        line, col = positions.locate(loc)
        return FlowLoadError([Diagnostic(path, line, col, code, Severity.ERROR, message)])

    if not isinstance(data, dict):
        raise problem(loc_prefix, INVALID_VALUE, "an answers file is a mapping with an 'answers:' mapping inside")
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise problem((*loc_prefix, "answers"), INVALID_VALUE, "'answers' should be a mapping of field id: answer")
    for key, value in answers.items():
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            where = (*loc_prefix, "answers", key) if not isinstance(value, list) else (*loc_prefix, "answers", key, i)
            if isinstance(item, list):
                raise problem(where, INVALID_VALUE, f"the answer to '{key}' should be text, not a list inside a list")
            if isinstance(item, dict):
                message = confirmation_problem(item)
                if message is not None:
                    raise problem(where, INVALID_VALUE, f"the answer to '{key}': {message}")
    agent = data.get("agent")
    flow_id = data.get("flow")
    return AnswerSet.from_mapping(
        answers,
        path=path,
        flow_id=str(flow_id) if flow_id is not None else None,
        agent=str(agent) if agent is not None else None,
        today=_today(data, problem, loc_prefix),
        positions=positions,
        loc_prefix=(*loc_prefix, "answers"),
    )


def confirmation_problem(item: dict[Any, Any]) -> str | None:
    """What is wrong with a {done, reason} answer, or None."""
    unknown = [str(k) for k in item if k not in CONFIRMATION_KEYS]
    if unknown:
        hint = did_you_mean(unknown[0], CONFIRMATION_KEYS)
        return (
            f"an answer is text; a mapping answers a checklist confirmation, {{done: no, reason: ...}}, "
            f"and has no key '{unknown[0]}'{hint}"
        )
    if "done" not in item:
        return "a checklist confirmation needs done: yes, or done: no with a reason"
    for key in CONFIRMATION_KEYS:
        if isinstance(item.get(key), (dict, list)):
            return f"'{key}' should be text"
    return None


def parse_today(text: object) -> date | None:
    """The date of a `today:` key (YYYY-MM-DD), or None when it is not one."""
    return calendar_day(text.strip()) if isinstance(text, str) else None


def _today(data: dict[Any, Any], problem: Any, loc_prefix: Sequence[Any]) -> date | None:
    if data.get("today") is None:
        return None
    day = parse_today(data["today"])
    if day is None:
        raise problem(
            (*loc_prefix, "today"),
            INVALID_VALUE,
            f"today: '{data['today']}' is not a date: write it YYYY-MM-DD, e.g. 2026-11-23",
        )
    return day


def load_answers(path: str) -> AnswerSet:
    """Read an answers file; raises FlowLoadError with file:line:col."""
    data, text = load_data(path)
    return answers_from_data(data, text, path)


def answers_from_data(data: Any, text: str, path: str) -> AnswerSet:
    """An answers document already read as YAML data (from a file, or stdin)."""
    if isinstance(data, dict):
        for key in data:
            if key not in ANSWERS_KEYS:
                line, col = PositionIndex(text, path).locate((key,))
                hint = did_you_mean(str(key), ANSWERS_KEYS) or f"; allowed: {', '.join(ANSWERS_KEYS)}"
                raise FlowLoadError(
                    [Diagnostic(path, line, col, UNKNOWN_KEY, Severity.ERROR, f"unknown key '{key}'{hint}")]
                )
    return parse_answers_document(data, text, path)
