"""Skeleton scenarios, one per route, for a trainer to finish.

The answers the route dictates (its choices, and yes/no, choice or checklist
answers only one value of which takes it) are filled in; every other answer
is written `TODO` with a comment saying what to type, so `callflow test`
fails the file until a trainer has written real values. The path and outcome
are expected; what the call must produce is suggested in comments, from
what the route fixes whatever the TODO answers are (callflow.testing.suggest:
ticket fields, invoice lines and credits, payments, refunds, computed
values, notifications). A flow that reads the call's date gets `today:`.
"""

from __future__ import annotations

import os
import re
from collections import deque
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from callflow.call.flowreads import reads_today
from callflow.call.valuegen import WALK_TODAY
from callflow.call.values import (
    Value,
    display_value,
    options_of,
    parse_answer,
    question_type,
)
from callflow.flow import expressions as conditions
from callflow.flow.fields import InputField
from callflow.flow.index import Confirmation
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.procedures import shown
from callflow.flow.steps import AskStep, DoStep
from callflow.testing.edges import Edge
from callflow.testing.paths import Route
from callflow.testing.routesearch import FoundRoute, RouteAnswer
from callflow.testing.scenario import TODO_MARK, scenarios_folder_of
from callflow.testing.scenariowriter import AnswerLine, scenario_yaml, yaml_list, yaml_scalar
from callflow.testing.suggest import FixedLine, fixed_by_route


@dataclass(frozen=True)
class Written:
    path: Path
    written: bool  # False: a file of that name was already there and is kept


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()


def scaffold_file_name(number: int, route: Route) -> str:
    end = shown(route.end).replace("/", "-") if route.end else f"{route.shown_nodes[-1].replace('/', '-')}-dead-end"
    outcome = f"-{_slug(route.outcome)}" if route.outcome else ""
    return f"route-{number:02d}-{end}{outcome}.yaml"


def route_needs(route: Route, field_id: str) -> list[str]:
    """What the route's conditions need of one question, in words."""
    needs: list[str] = []
    for edge in route.edges:
        if edge.way != "routes":
            continue
        for earlier in edge.earlier:
            if field_id in {n.name for n in conditions.names(conditions.parse_expression(earlier))}:
                needs.append(f"not ({earlier}) at {shown(edge.source)}")
        if edge.condition is not None and field_id in {
            n.name for n in conditions.names(conditions.parse_expression(edge.condition))
        }:
            needs.append(f"{edge.condition} at {shown(edge.source)}")
    return needs


def _todo_comment(answer: RouteAnswer, route: Route, currency: str) -> str:
    question = answer.question
    kind = question_type(question)
    parts = [f"{shown(answer.node_id)}: {question.prompt}"]
    if isinstance(question, Confirmation):
        parts.append('done, or "not done: <why>"')
    elif kind == "choice":
        parts.append("one of: " + ", ".join(o.key for o in options_of(question)))
    elif kind == "yesno":
        parts.append("yes or no")
    elif isinstance(question, InputField):
        if question.pattern_hint:
            parts.append(question.pattern_hint)
        elif question.pattern:
            parts.append(f"must match {question.pattern}")
        else:
            parts.append(_kind_words(question))
        if not question.required:
            parts.append("optional (write \"\" to skip)")
    needs = route_needs(route, answer.field_id)
    if needs:
        example = f", e.g. {answer.value}" if answer.value != TODO_MARK else ""
        parts.append(f"this route needs {' and '.join(needs)}{example}")
    return f"{TODO_MARK}: " + "; ".join(parts)


def _kind_words(question: InputField) -> str:
    kind = question.type
    if kind == "number":
        places = question.decimals or 0
        words = "a whole number" if not places else f"a number with up to {places} decimal place{'s' if places > 1 else ''}"
    else:
        words = {
            "money": "an amount",
            "date": "a date, YYYY-MM-DD",
            "duration": "a duration, e.g. 45 min or 1 h 30 min",
        }.get(kind, "text")
    if kind in ("number", "money", "duration", "date") and (question.min is not None or question.max is not None):
        bounds = [f"at least {question.min}" if question.min is not None else "", f"at most {question.max}" if question.max is not None else ""]
        words += ", " + " and ".join(b for b in bounds if b)
    return words


def _given_comment(answer: RouteAnswer, currency: str, today: date) -> str:
    question = answer.question
    said = display_value(question, _typed(answer, currency, today), currency)
    if answer.chosen:
        return f"{shown(answer.node_id)}: {question.prompt} → {said}"
    return f"{shown(answer.node_id)}: {question.prompt} → {said} (this route needs it)"


def _typed(answer: RouteAnswer, currency: str, today: date) -> Value:
    return parse_answer(answer.question, answer.value, currency, today)


def _static_answers(route: Route, flow: LoadedFlow) -> list[RouteAnswer]:
    """Without a walk: each node's questions in order, choices from the route."""
    out: list[RouteAnswer] = []
    chosen: dict[str, deque[Edge]] = {}
    for edge in route.edges:
        if edge.way == "choose":
            chosen.setdefault(edge.source, deque()).append(edge)
    for node_id in route.nodes:
        node = flow.flow.nodes.get(node_id)
        if node is None:
            continue
        for step in node.steps:
            if isinstance(step, AskStep) and step.ask in flow.flow.fields:
                out.append(RouteAnswer(node_id, step.ask, flow.flow.fields[step.ask], TODO_MARK, chosen=False))
            elif isinstance(step, DoStep) and step.confirm is not None:
                out.append(RouteAnswer(node_id, step.confirm, Confirmation(step.confirm, step.do), TODO_MARK, chosen=False))
        if node.choose is not None and chosen.get(node_id):
            option = node.choose.options[chosen[node_id].popleft().index]
            out.append(RouteAnswer(node_id, node.choose.id, node.choose, option.key, chosen=True))
    return out


def _answer_lines(answers: list[RouteAnswer], route: Route, currency: str, today: date) -> list[AnswerLine]:
    grouped: dict[str, list[RouteAnswer]] = {}
    for answer in answers:
        grouped.setdefault(answer.field_id, []).append(answer)
    lines = []
    for field_id, asked in grouped.items():
        values = tuple(a.value if a.given_by_route else TODO_MARK for a in asked)
        todo = [a for a in asked if not a.given_by_route]
        comment = _todo_comment(todo[0], route, currency) if todo else _given_comment(asked[0], currency, today)
        if len(asked) > 1:
            comment += f" (asked {len(asked)} times: one answer each)"
        lines.append(AnswerLine(field_id, values, comment))
    return lines


def _given(answers: list[RouteAnswer]) -> dict[str, list[str | None]]:
    given: dict[str, list[str | None]] = {}
    for answer in answers:
        given.setdefault(answer.field_id, []).append(answer.value if answer.given_by_route else None)
    return given


def _line_yaml(line: FixedLine) -> str:
    parts = []
    if line.code is not None:
        parts.append(f"code: {yaml_scalar(line.code)}")
    parts.append(f"kind: {line.kind}")
    if line.kind == "credit" and line.name is not None:
        parts.append(f"name: {yaml_scalar(line.name)}")
    whole = line.quantity == line.quantity.to_integral_value()
    parts.append(f"quantity: {int(line.quantity) if whole else f'{line.quantity.normalize():f}'}")
    parts.append(f"amount: {line.amount:.2f}")
    return "{" + ", ".join(parts) + "}"


def _suggestions(route: Route, flow: LoadedFlow, answers: list[RouteAnswer], today: date) -> list[str]:
    """What the route fixes whatever the TODO answers are, as commented expectations."""
    fixed = fixed_by_route(flow.flow, flow.index, route, _given(answers), today)
    lines = ["  # TODO: add what this call must produce (docs/scenarios.md). This route's steps set, e.g.:"]
    if fixed.ticket:
        lines.append("  # ticket:")
        lines += [f"  #   {key}: {yaml_scalar(value)}" for key, value in fixed.ticket.items()]
    if any(line is not None for line in fixed.lines):
        lines += ["  # invoice:", "  #   lines:"]
        lines += [
            f"  #     - {_line_yaml(line)}" if line is not None else "  #     - ...  (a line the answers decide)"
            for line in fixed.lines
        ]
        if fixed.total is None:
            lines.append("  #   total: ...")
        else:
            lines.append(f"  #   total: {fixed.total:.2f}")
            if fixed.refunds and fixed.refund_due is not None:
                lines.append(f"  #   refund_due: {fixed.refund_due:.2f}")
    for key, amounts, whole in (
        ("payments", fixed.payments, fixed.payments_known),
        ("refunds", fixed.refunds, fixed.refunds_known),
    ):
        if amounts:
            lines.append(f"  # {key}:")
            lines += [f"  #   - {{amount: {amount:.2f}}}" for amount in amounts]
            if not whole:
                lines.append("  #   # ... and those that depend on the answers")
    if fixed.values:
        lines.append("  # values:")
        lines += [f"  #   {name}: {yaml_scalar(text)}" for name, text in fixed.values.items()]
    if fixed.checklist:
        lines.append("  # checklist:")
        lines += [f"  #   {key}: {yaml_scalar(state)}" for key, state in fixed.checklist.items()]
    if fixed.notified:
        lines.append("  # notifications:")
        lines += [f"  #   - {{to: {yaml_scalar(n)}}}" for n in fixed.notified]
    if len(lines) == 1:
        lines = ["  # TODO: add what this call must produce, if anything (docs/scenarios.md)."]
    return lines


def scaffold_document(
    number: int, found: FoundRoute, flow: LoadedFlow, flow_ref: str | None, today: date = WALK_TODAY
) -> str:
    """The skeleton scenario of one route (searched on the call's date `today`)."""
    route = found.route
    currency = flow.flow.currency
    answers = found.answers if found.answers is not None else _static_answers(route, flow)
    header = [
        f"Skeleton scenario for route {number} of {flow.path}, written by `callflow paths --scaffold`.",
        "Replace every TODO answer with what the caller says (callflow test fails this",
        "scenario until none is left), then add what the call must produce under expect.",
    ]
    if not found.found:
        why = f" ({found.problem})" if found.problem else ""
        header += ["", f"callflow found no answers that take this route{why}:", "its conditions may not hold together."]
    if route.end is None:
        header += ["", f"This route stops at {route.shown_nodes[-1]}, which has no way on: a flow defect (callflow lint)."]
    outcome_words = route.outcome.replace("_", " ") if route.outcome else "no end"
    name = f"Route {number} to {route.shown_nodes[-1]}: {outcome_words}"
    expect = [f"  path: {yaml_list(route.shown_nodes)}"]
    if route.outcome:
        expect.append(f"  outcome: {yaml_scalar(route.outcome)}")
    expect += _suggestions(route, flow, answers, today)
    return scenario_yaml(
        name=name,
        answers=_answer_lines(answers, route, currency, today),
        expect=expect,
        header=header,
        flow_ref=flow_ref,
        today=today.isoformat() if reads_today(flow.flow) else None,
    )


def flow_reference(directory: Path, flow_path: str) -> str | None:
    """`flow:` for scenarios in `directory`: none in the flow's own scenarios folder."""
    if os.path.abspath(directory) == os.path.abspath(scenarios_folder_of(Path(flow_path))):
        return None
    return os.path.relpath(os.path.abspath(flow_path), os.path.abspath(directory))


def write_scaffolds(
    directory: Path, founds: list[tuple[int, FoundRoute]], flow: LoadedFlow, today: date = WALK_TODAY
) -> list[Written]:
    """One skeleton file per route; an existing file is never overwritten."""
    directory.mkdir(parents=True, exist_ok=True)
    flow_ref = flow_reference(directory, flow.path)
    written = []
    for number, found in founds:
        path = directory / scaffold_file_name(number, found.route)
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(scaffold_document(number, found, flow, flow_ref, today))
        except FileExistsError:
            written.append(Written(path, False))
            continue
        written.append(Written(path, True))
    return written
