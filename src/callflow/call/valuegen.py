"""Answers made up for a question: random ones for random walks, and a short
list of telling ones (each side of every comparison the flow makes) for
finding the answers that take a route.

Answers are the text a director would type, so they go through the same
parsing (callflow.call.values) as a real call.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from callflow.call.flowreads import flow_conditions
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
from callflow.flow.durations import format_duration
from callflow.flow.evaluate import Environment, EvaluationError, evaluate
from callflow.flow.evaluate import Value as ExprValue
from callflow.flow.fields import InputField
from callflow.flow.fixedvalues import fixed_value
from callflow.flow.index import Confirmation, Question
from callflow.flow.model import Flow
from callflow.flow.steps import SetStep

EXAMPLE_DATE = date(2026, 11, 23)
# The call's date on walks and route searches, unless told otherwise: fixed, so
# that the same seed gives the same walks on any day.
WALK_TODAY = EXAMPLE_DATE
REASONS = ("customer still working", "no access to the account", "caller asked to leave it")
WORDS = ("Alex Morgan", "Printer offline", "Sam Rivera", "Laptop won't boot", "Jordan Lee", "Email not syncing")
PATTERN_TRIES = 50


class CannotAnswer(ValueError):
    """No valid answer could be made up for a question (its pattern, range...)."""


class _Fixed(Environment):
    """What is known before any answer: constants, catalog prices, today."""

    def __init__(self, flow: Flow, today: date) -> None:
        self.flow = flow
        self.today = today

    def value(self, name: str) -> ExprValue:
        return fixed_value(self.flow, name, self.today)


def _known_value(expr: conditions.Expr, env: _Fixed) -> Value | None:
    """The value of a side of a comparison that no answer changes, if any."""
    if isinstance(expr, conditions.Literal):
        return expr.value
    if any(env.value(n.name) is None for n in conditions.names(expr)) or any(True for _ in conditions.visited_nodes(expr)):
        return None
    try:
        found = evaluate(expr, env)
    except EvaluationError:
        return None
    if isinstance(found, date):
        return found.isoformat()
    return found if isinstance(found, (str, Decimal, bool)) else None


@dataclass
class Telling:
    """What the flow's conditions compare each name with, and the call's date.

    `literals` holds, for each name a condition reads, the values it is
    compared with directly (`owed > 100`, `callback > today + 7`); a name
    that only reaches a condition through arithmetic or a computed value
    (`bottles * 9 > 100`, `set: {refund: ...}` then `refund > 0`) is
    `inexact`: its candidates then span its whole range.
    """

    literals: dict[str, set[Value]] = field(default_factory=dict)
    inexact: set[str] = field(default_factory=set)
    today: date = WALK_TODAY

    @classmethod
    def of(cls, flow: Flow, today: date = WALK_TODAY) -> Telling:
        telling = cls(today=today)
        fixed = _Fixed(flow, today)
        for text in flow_conditions(flow):
            expr = conditions.parse_expression(text)
            for read in conditions.names(expr):
                telling.literals.setdefault(read.name, set())
            for compare in conditions.comparisons(expr):
                sides = [compare.left, *(compare.right if isinstance(compare.right, tuple) else (compare.right,))]
                for side in sides:
                    if isinstance(side, conditions.Name):
                        known = (_known_value(other, fixed) for other in sides if other is not side)
                        telling.literals[side.name].update(v for v in known if v is not None)
                    else:
                        telling.inexact.update(n.name for n in conditions.names(side))
        telling._through_computed(flow)
        return telling

    def _through_computed(self, flow: Flow) -> None:
        """A value computed from answers decides as much as what it is computed from."""
        sets = [
            (name, text) for node in flow.nodes.values() for step in node.steps if isinstance(step, SetStep)
            for name, text in step.set.items()
        ]
        changed = True
        while changed:
            changed = False
            for name, text in sets:
                if name not in self.literals:
                    continue
                for read in conditions.names(conditions.parse_expression(text)):
                    if read.name not in self.literals or read.name not in self.inexact:
                        self.literals.setdefault(read.name, set())
                        self.inexact.add(read.name)
                        changed = True

    def decides(self, field_id: str) -> bool:
        """Whether any condition reads this question (or a value computed from it)."""
        return field_id in self.literals


def _bounds(question: InputField, kind: str) -> tuple[Decimal, Decimal]:
    """The least and largest answer made up: min (0 by default) and max, or a
    range that reads plausibly."""
    least, most = question.bounds()
    low = least if least is not None else Decimal(0)
    spread = {"money": Decimal(200), "duration": Decimal(240)}.get(kind, Decimal(100))
    high = most if most is not None else low + spread
    return low, max(low, high)


def _places(question: InputField, kind: str) -> int:
    if kind == "money":
        return 2
    if kind == "number":
        return question.decimals or 0
    return 0  # durations are whole minutes


def _typed(question: InputField, kind: str, value: Decimal, rng: random.Random | None = None) -> str:
    """A number, amount or duration as a director types it, rounded to what
    the field takes and kept within its bounds."""
    places = _places(question, kind)
    grid = Decimal(1).scaleb(-places)
    low, high = question.bounds()
    rounded = value.quantize(grid, rounding=ROUND_HALF_UP)
    if low is not None and rounded < low:
        rounded = low.quantize(grid, rounding=ROUND_CEILING)
    elif high is not None and rounded > high:
        rounded = high.quantize(grid, rounding=ROUND_FLOOR)
    value = rounded
    if kind == "duration":
        if rng is not None and rng.random() < 0.5:
            return format_duration(value)
        return f"{value:f} min"
    if kind == "number" and value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{value:f}"


def _date_range(question: InputField, today: date) -> tuple[date | None, date | None]:
    low, high = question.date_bounds()
    return (low.resolve(today) if low else None, high.resolve(today) if high else None)


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


def _valid(question: Question, text: str, currency: str, today: date) -> bool:
    try:
        parse_answer(question, text, currency, today)
    except InvalidAnswer:
        return False
    return True


def random_answer(
    field_id: str, question: Question, rng: random.Random, telling: Telling, currency: str = "USD"
) -> str:
    """A random valid answer, as typed. Leans on the values conditions compare
    with, so that random walks reach both sides of each route."""
    kind = question_type(question)
    if isinstance(question, Confirmation):
        return "done" if rng.random() < 0.75 else f"not done: {rng.choice(REASONS)}"
    if kind == "choice":
        return rng.choice(options_of(question)).key
    if kind == "yesno":
        return rng.choice(("yes", "no"))
    assert isinstance(question, InputField)
    if not question.required and rng.random() < 0.15:
        return ""
    if (telling.literals.get(field_id) or field_id in telling.inexact) and rng.random() < 0.3:
        usable = [c for c in candidate_answers(field_id, question, telling, currency) if c != ""]
        if usable:
            return rng.choice(usable)
    if kind in ("money", "number", "duration"):
        low, high = _bounds(question, kind)
        roll = rng.random()
        if roll < 0.2:
            value = low
        elif roll < 0.3 and question.max is not None:
            value = high
        else:
            scale = Decimal(10) ** _places(question, kind)
            first, last = int(_ceil(low * scale)), int(_floor(high * scale))
            value = Decimal(rng.randint(first, max(first, last))) / scale
            if kind == "duration" and rng.random() < 0.5:
                value = min(high, max(low, (value / 15).to_integral_value() * 15))  # 45 min, 1 h 30 min
        return _typed(question, kind, value, rng)
    if kind == "date":
        low_day, high_day = _date_range(question, telling.today)
        first_day = low_day or telling.today - timedelta(days=400)
        last_day = high_day or max(first_day, telling.today) + timedelta(days=400)
        span = max(0, (last_day - first_day).days)
        return (first_day + timedelta(days=rng.randint(0, span))).isoformat()
    if question.pattern is not None:
        return _pattern_text(question, rng, field_id)
    return f"{rng.choice(WORDS)} {rng.randint(1, 999)}"


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR)


def example_answer(field_id: str, question: Question, currency: str = "USD", today: date = WALK_TODAY) -> str:
    """One plausible valid answer, the same every time."""
    kind = question_type(question)
    if isinstance(question, Confirmation):
        return "done"
    if kind == "choice":
        return options_of(question)[0].key
    if kind == "yesno":
        return "yes"
    assert isinstance(question, InputField)
    if kind in ("money", "number", "duration"):
        low, high = _bounds(question, kind)
        return _typed(question, kind, min(max(Decimal(30 if kind == "duration" else 25), low), high))
    if kind == "date":
        low_day, high_day = _date_range(question, today)
        day = max(today, low_day) if low_day else today
        return (min(day, high_day) if high_day else day).isoformat()
    if question.pattern is not None:
        return _pattern_text(question, random.Random(f"example:{field_id}"), field_id)
    return f"Sample {field_id.replace('_', ' ')}"


def candidate_answers(field_id: str, question: Question, telling: Telling, currency: str = "USD") -> list[str]:
    """A few valid answers that fall on each side of what the flow's conditions
    compare this question with; just one for a question no condition reads."""
    kind = question_type(question)
    if isinstance(question, Confirmation):
        return ["done", f"not done: {REASONS[0]}"]
    if kind == "choice":
        return [o.key for o in options_of(question)]
    if kind == "yesno":
        return ["yes", "no"]
    assert isinstance(question, InputField)
    today = telling.today
    example = example_answer(field_id, question, currency, today)
    if not telling.decides(field_id):
        return [example]
    found: list[str] = []
    literals = telling.literals.get(field_id, set())
    if kind in ("money", "number", "duration"):
        step = Decimal(1) if kind != "number" or not question.decimals else Decimal(1).scaleb(-question.decimals)
        for literal in sorted(v for v in literals if isinstance(v, Decimal)):
            found += [_typed(question, kind, v) for v in (literal, literal + step, literal - step)]
        if field_id in telling.inexact or not found:
            low, high = _bounds(question, kind)
            middle = low + (high - low) / 2
            spread = [low, low + step, middle, high] if question.max is not None else [low, low + step, middle]
            found += [_typed(question, kind, v) for v in spread]
    elif kind == "date":
        # The day a condition names (or works out, as `today + 7`), and the days either side of it.
        days = [calendar_day(v) for v in sorted(v for v in literals if isinstance(v, str))]
        low_day, high_day = _date_range(question, today)
        days += [low_day, high_day]
        for day in days:
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
    return [c for c in unique if _valid(question, c, currency, today)]
