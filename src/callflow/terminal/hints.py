"""What a typed prompt says about its answer, before and after: the hint in
the prompt line (what to type, and the bounds of this call: the actual dates
for a date field) and the answer read back where it reads otherwise than
typed (`1:30` -> `1 h 30 min`, `45.5` -> `$45.50`, a date with its weekday)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from callflow.call.values import Value, question_type
from callflow.flow.dates import calendar_day
from callflow.flow.durations import format_duration
from callflow.flow.fields import InputField
from callflow.flow.index import Question
from callflow.flow.money import format_money
from callflow.record.wording import due_words, number_words


def _range(low: str | None, high: str | None) -> str | None:
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"at most {high}"
    return None


def _bounds(field: InputField, show: Callable[[Decimal], str]) -> str | None:
    low, high = field.bounds()
    return _range(show(low) if low is not None else None, show(high) if high is not None else None)


def input_hint(question: Question, currency: str, today: date) -> list[str]:
    """The parts of the hint of a typed field: `whole number, 1 to 6`."""
    if not isinstance(question, InputField):
        return []
    kind = question_type(question)
    parts: list[str] = []
    if kind == "money":
        money = lambda v: format_money(v, currency)  # noqa: E731
        least, _ = question.bounds()
        parts.append("amount, e.g. 45.50")
        if least is not None and least < 0:
            parts.append("may be negative, e.g. -12.50")
        parts += filter(None, [_bounds(question, money)])
    elif kind == "number":
        places = question.decimals or 0
        what = "whole number" if places == 0 else f"number, up to {places} decimal{'s' if places > 1 else ''}"
        span = _bounds(question, number_words)
        parts.append(f"{what}, {span}" if span else what)
    elif kind == "duration":
        parts.append("time, e.g. 45 min, 1 h 30, 1:30")
        parts += filter(None, [_bounds(question, format_duration)])
    elif kind == "date":
        low, high = question.date_bounds()
        span = _range(
            low.resolve(today).isoformat() if low is not None else None,
            high.resolve(today).isoformat() if high is not None else None,
        )
        parts.append(f"date YYYY-MM-DD, {span}" if span else "date YYYY-MM-DD")
    if question.pattern_hint:
        parts.append(question.pattern_hint)
    if not question.required:
        parts.append("optional: Enter to skip")
    return parts


def read_back(question: Question, typed: str, value: Value, currency: str, today: date) -> str | None:
    """The answer as callflow took it, where that reads otherwise than typed:
    `2 h 30 min` for `2:30`, `$45.50` for `45.5`, `Wed 25 Nov 2026 (in 2 days)`,
    words with a card number as kept, masked."""
    if not isinstance(question, InputField) or question.secret or value is None:
        return None
    kind = question.type
    typed = typed.strip()
    if kind == "text" and isinstance(value, str):
        return None if value == typed else value  # a card number is kept masked: say so
    if kind == "duration" and isinstance(value, Decimal):
        shown = format_duration(value)
        return None if typed == shown else shown
    if kind == "money" and isinstance(value, Decimal):
        shown = format_money(value, currency)
        return None if typed in (shown, f"{value:.2f}") else shown
    if kind == "date" and isinstance(value, str):
        day = calendar_day(value)
        if day is None:
            return None
        when = due_words(value, today.isoformat()) or value
        return f"{day:%a %d %b %Y}" + when[len(value) :]
    return None
