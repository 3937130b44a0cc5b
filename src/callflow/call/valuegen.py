"""Answers made up for a question: random ones for random walks, and a short
list of telling ones (each side of every comparison the flow makes) for
finding the answers that take a route.

Answers are the text a director would type, so they go through the same
parsing (callflow.call.values) as a real call.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from callflow.call.regexgen import PatternNotSupported, generate
from callflow.call.values import (
    InvalidAnswer,
    Value,
    options_of,
    parse_answer,
    question_type,
)
from callflow.flow import expressions as conditions
from callflow.flow.dates import calendar_day
from callflow.flow.fields import InputField
from callflow.flow.index import Question
from callflow.flow.model import Flow, IfRoute

EXAMPLE_DATE = date(2026, 11, 23)
WORDS = ("Alex Morgan", "Printer offline", "Sam Rivera", "Laptop won't boot", "Jordan Lee", "Email not syncing")
PATTERN_TRIES = 50


class CannotAnswer(ValueError):
    """No valid answer could be made up for a question (its pattern, range...)."""


def flow_conditions(flow: Flow) -> Iterator[str]:
    """Every condition of the flow: routes and `when:` of steps."""
    for node in flow.nodes.values():
        for step in node.steps:
            if step.when is not None:
                yield step.when
        for route in node.routes or []:
            if isinstance(route, IfRoute):
                yield route.if_


@dataclass
class Telling:
    """What the flow's conditions compare each name with."""

    literals: dict[str, set[Value]] = field(default_factory=dict)

    @classmethod
    def of(cls, flow: Flow) -> Telling:
        telling = cls()
        for text in flow_conditions(flow):
            expr = conditions.parse_expression(text)
            for read in conditions.names(expr):
                telling.literals.setdefault(read.name, set())
            for compare in conditions.comparisons(expr):
                sides = [compare.left, *(compare.right if isinstance(compare.right, tuple) else (compare.right,))]
                values = [s.value for s in sides if isinstance(s, conditions.Literal)]
                for side in sides:
                    if isinstance(side, conditions.Name):
                        telling.literals.setdefault(side.name, set()).update(values)
        return telling

    def decides(self, field_id: str) -> bool:
        """Whether any condition reads this question."""
        return field_id in self.literals


def _amount_text(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _bounds(question: InputField, *, money: bool) -> tuple[Decimal, Decimal]:
    least, most = question.bounds()
    low = least if least is not None else Decimal(0)
    high = most if most is not None else low + (Decimal(200) if money else Decimal(100))
    return low, max(low, high)


def _pattern_text(question: InputField, rng: random.Random, field_id: str) -> str:
    assert question.pattern is not None
    try:
        for _ in range(PATTERN_TRIES):
            text = generate(question.pattern, rng)
            if re.fullmatch(question.pattern, text):
                return text
    except PatternNotSupported as exc:
        raise CannotAnswer(f"cannot make up an answer for '{field_id}': its pattern is not supported: {exc}") from None
    raise CannotAnswer(f"cannot make up an answer for '{field_id}' that matches {question.pattern!r}")


def _valid(question: Question, text: str, currency: str) -> bool:
    try:
        parse_answer(question, text, currency)
    except InvalidAnswer:
        return False
    return True


def random_answer(
    field_id: str, question: Question, rng: random.Random, telling: Telling, currency: str = "USD"
) -> str:
    """A random valid answer, as typed. Leans on the values conditions compare
    with, so that random walks reach both sides of each route."""
    kind = question_type(question)
    if kind == "choice":
        return rng.choice(options_of(question)).key
    if kind == "yesno":
        return rng.choice(("yes", "no"))
    assert isinstance(question, InputField)
    if not question.required and rng.random() < 0.15:
        return ""
    if telling.literals.get(field_id) and rng.random() < 0.3:
        usable = [c for c in candidate_answers(field_id, question, telling, currency) if c != ""]
        if usable:
            return rng.choice(usable)
    if kind in ("money", "number"):
        money = kind == "money"
        low, high = _bounds(question, money=money)
        roll = rng.random()
        if roll < 0.25:
            value = low
        elif roll < 0.35 and question.max is not None:
            value = high
        elif money or low != low.to_integral_value() or high != high.to_integral_value():
            value = Decimal(rng.randint(int(low * 100), int(high * 100))) / 100
        else:
            value = Decimal(rng.randint(int(low), int(high)))
        return _amount_text(value) if money else str(value)
    if kind == "date":
        return (EXAMPLE_DATE + timedelta(days=rng.randint(-400, 400))).isoformat()
    if question.pattern is not None:
        return _pattern_text(question, rng, field_id)
    return f"{rng.choice(WORDS)} {rng.randint(1, 999)}"


def example_answer(field_id: str, question: Question, currency: str = "USD") -> str:
    """One plausible valid answer, the same every time."""
    kind = question_type(question)
    if kind == "choice":
        return options_of(question)[0].key
    if kind == "yesno":
        return "yes"
    assert isinstance(question, InputField)
    if kind in ("money", "number"):
        low, high = _bounds(question, money=kind == "money")
        value = min(max(Decimal(25), low), high)
        return _amount_text(value) if kind == "money" else str(value.normalize())
    if kind == "date":
        return EXAMPLE_DATE.isoformat()
    if question.pattern is not None:
        return _pattern_text(question, random.Random(f"example:{field_id}"), field_id)
    return f"Sample {field_id.replace('_', ' ')}"


def candidate_answers(field_id: str, question: Question, telling: Telling, currency: str = "USD") -> list[str]:
    """A few valid answers that fall on each side of what the flow's conditions
    compare this question with; just one for a question no condition reads."""
    kind = question_type(question)
    if kind == "choice":
        return [o.key for o in options_of(question)]
    if kind == "yesno":
        return ["yes", "no"]
    assert isinstance(question, InputField)
    example = example_answer(field_id, question, currency)
    if not telling.decides(field_id):
        return [example]
    found: list[str] = []
    literals = telling.literals.get(field_id, set())
    if kind in ("money", "number"):
        for literal in sorted(v for v in literals if isinstance(v, Decimal)):
            for value in (literal, literal + 1, literal - 1):
                found.append(_amount_text(value) if kind == "money" else str(value))
    elif kind == "date":
        # The day a condition names, and the days either side of it.
        for written in sorted(v for v in literals if isinstance(v, str)):
            day = calendar_day(written)
            if day is None:
                continue
            for offset in (0, 1, -1):
                try:
                    found.append((day + timedelta(days=offset)).isoformat())
                except OverflowError:  # the day after 9999-12-31
                    continue
    else:
        found += sorted(str(v) for v in literals if isinstance(v, str))
        found += [str(v) for v in literals if isinstance(v, Decimal)]
    found.append(example)
    if not question.required:
        found.append("")
    unique = list(dict.fromkeys(found))
    return [c for c in unique if _valid(question, c, currency)]
