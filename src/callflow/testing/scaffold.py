"""Skeleton scenarios, one per route, for a trainer to finish.

The answers the route dictates (its choices, and yes/no or choice answers
only one value of which takes it) are filled in; every other answer is
written `TODO` with a comment saying what to type, so `callflow test` fails
the file until a trainer has written real values. The path and outcome are
expected; what the call must produce is suggested in comments, from what the
flow's steps on the route set without any blank (ticket fields, items,
notifications).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from callflow.call.values import (
    Value,
    display_value,
    options_of,
    parse_answer,
    question_type,
)
from callflow.flow import expressions as conditions
from callflow.flow.fields import InputField
from callflow.flow.invoicesteps import ItemRef, ItemStep
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.steps import NotifyStep, TicketStep
from callflow.flow.templates import placeholders
from callflow.testing.paths import Route
from callflow.testing.routesearch import FoundRoute, RouteAnswer
from callflow.testing.scenario import TODO_MARK, scenarios_folder_of
from callflow.testing.scenariowriter import AnswerLine, scenario_yaml, yaml_list, yaml_scalar


@dataclass(frozen=True)
class Written:
    path: Path
    written: bool  # False: a file of that name was already there and is kept


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()


def scaffold_file_name(number: int, route: Route) -> str:
    end = route.end or f"{route.nodes[-1]}-dead-end"
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
                needs.append(f"not ({earlier}) at {edge.source}")
        if edge.condition is not None and field_id in {
            n.name for n in conditions.names(conditions.parse_expression(edge.condition))
        }:
            needs.append(f"{edge.condition} at {edge.source}")
    return needs


def _todo_comment(answer: RouteAnswer, route: Route, currency: str) -> str:
    question = answer.question
    kind = question_type(question)
    parts = [f"{answer.node_id}: {question.prompt}"]
    if kind == "choice":
        parts.append("one of: " + ", ".join(o.key for o in options_of(question)))
    elif kind == "yesno":
        parts.append("yes or no")
    elif isinstance(question, InputField):
        if question.pattern_hint:
            parts.append(question.pattern_hint)
        elif question.pattern:
            parts.append(f"must match {question.pattern}")
        else:
            parts.append({"money": "an amount", "number": "a number", "date": "a date, YYYY-MM-DD"}.get(kind, "text"))
        if not question.required:
            parts.append("optional (write \"\" to skip)")
    needs = route_needs(route, answer.field_id)
    if needs:
        parts.append(f"this route needs {' and '.join(needs)}, e.g. {answer.value}")
    return f"{TODO_MARK}: " + "; ".join(parts)


def _given_comment(answer: RouteAnswer, currency: str) -> str:
    question = answer.question
    shown = display_value(question, _typed(answer, currency), currency)
    if answer.chosen:
        return f"{answer.node_id}: {question.prompt} → {shown}"
    return f"{answer.node_id}: {question.prompt} → {shown} (this route needs it)"


def _typed(answer: RouteAnswer, currency: str) -> Value:
    return parse_answer(answer.question, answer.value, currency)


def _static_answers(route: Route, flow: LoadedFlow) -> list[RouteAnswer]:
    """Without a walk: each node's questions in order, choices from the route."""
    out: list[RouteAnswer] = []
    by_source = {e.source: e for e in route.edges if e.way == "choose"}
    for node_id in route.nodes:
        node = flow.flow.nodes.get(node_id)
        if node is None:
            continue
        for step in node.steps:
            ask = getattr(step, "ask", None)
            if isinstance(ask, str) and ask in flow.flow.fields:
                out.append(RouteAnswer(node_id, ask, flow.flow.fields[ask], TODO_MARK, chosen=False))
        if node.choose is not None and node_id in by_source:
            option = node.choose.options[by_source[node_id].index]
            out.append(RouteAnswer(node_id, node.choose.id, node.choose, option.key, chosen=True))
    return out


def _answer_lines(answers: list[RouteAnswer], route: Route, currency: str) -> list[AnswerLine]:
    grouped: dict[str, list[RouteAnswer]] = {}
    for answer in answers:
        grouped.setdefault(answer.field_id, []).append(answer)
    lines = []
    for field_id, asked in grouped.items():
        values = tuple(a.value if a.given_by_route else TODO_MARK for a in asked)
        todo = [a for a in asked if not a.given_by_route]
        comment = _todo_comment(todo[0], route, currency) if todo else _given_comment(asked[0], currency)
        if len(asked) > 1:
            comment += f" (asked {len(asked)} times: one answer each)"
        lines.append(AnswerLine(field_id, values, comment))
    return lines


def _suggestions(route: Route, flow: LoadedFlow) -> list[str]:
    """What the route's steps set with no blank, as commented expectations."""
    ticket: dict[str, str] = {}
    items: list[str] = []
    notified: list[str] = []
    flow_model = flow.flow
    for node_id in route.nodes:
        node = flow_model.nodes.get(node_id)
        if node is None:
            continue
        for step in node.steps:
            if step.when is not None:
                continue
            if isinstance(step, TicketStep):
                for key, template in step.ticket.items():
                    if not placeholders(template):
                        ticket[key] = template
            elif isinstance(step, ItemStep):
                ref = step.item if isinstance(step.item, ItemRef) else ItemRef(code=step.item)
                item = flow_model.catalog.get(ref.code)
                if item is not None and ref.quantity.strip().isdigit():
                    amount = f"{item.price * int(ref.quantity):.2f}"
                    items.append(f"{{code: {yaml_scalar(ref.code)}, quantity: {ref.quantity}, amount: {amount}}}")
            elif isinstance(step, NotifyStep):
                notified.append(f"{{to: {yaml_scalar(step.notify.to)}}}")
    lines = ["  # TODO: add what this call must produce (docs/scenarios.md). This route's steps set, e.g.:"]
    if ticket:
        lines.append("  # ticket:")
        lines += [f"  #   {key}: {yaml_scalar(value)}" for key, value in ticket.items()]
    if items:
        lines += ["  # invoice:", "  #   lines:"] + [f"  #     - {item}" for item in items]
        lines.append("  #   total: ...")
    if notified:
        lines.append("  # notifications:")
        lines += [f"  #   - {n}" for n in notified]
    if len(lines) == 1:
        lines = ["  # TODO: add what this call must produce, if anything (docs/scenarios.md)."]
    return lines


def scaffold_document(number: int, found: FoundRoute, flow: LoadedFlow, flow_ref: str | None) -> str:
    """The skeleton scenario of one route."""
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
        header += ["", f"This route stops at {route.nodes[-1]}, which has no way on: a flow defect (callflow lint)."]
    outcome_words = route.outcome.replace("_", " ") if route.outcome else "no end"
    name = f"Route {number} to {route.nodes[-1]}: {outcome_words}"
    expect = [f"  path: {yaml_list(route.nodes)}"]
    if route.outcome:
        expect.append(f"  outcome: {yaml_scalar(route.outcome)}")
    expect += _suggestions(route, flow)
    return scenario_yaml(
        name=name,
        answers=_answer_lines(answers, route, currency),
        expect=expect,
        header=header,
        flow_ref=flow_ref,
    )


def flow_reference(directory: Path, flow_path: str) -> str | None:
    """`flow:` for scenarios in `directory`: none in the flow's own scenarios folder."""
    if os.path.abspath(directory) == os.path.abspath(scenarios_folder_of(Path(flow_path))):
        return None
    return os.path.relpath(os.path.abspath(flow_path), os.path.abspath(directory))


def write_scaffolds(directory: Path, founds: list[tuple[int, FoundRoute]], flow: LoadedFlow) -> list[Written]:
    """One skeleton file per route; an existing file is never overwritten."""
    directory.mkdir(parents=True, exist_ok=True)
    flow_ref = flow_reference(directory, flow.path)
    written = []
    for number, found in founds:
        path = directory / scaffold_file_name(number, found.route)
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(scaffold_document(number, found, flow, flow_ref))
        except FileExistsError:
            written.append(Written(path, False))
            continue
        written.append(Written(path, True))
    return written
