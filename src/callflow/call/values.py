"""Turning what a director types (or an answers file holds) into a typed value.

text -> str, number -> Decimal, money -> Decimal in cents, yesno -> bool,
choice -> the option's value. Each parse returns the value and how to show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from callflow.call.cardmask import mask_card_numbers
from callflow.flow.dates import ISO_DATE, calendar_day
from callflow.flow.index import Question
from callflow.flow.model import ChoiceOption, Choose, InputField, RouteOption
from callflow.flow.money import format_money, parse_amount

Value = str | Decimal | bool | None

_YES = {"y", "yes", "true", "1", "on"}
_NO = {"n", "no", "false", "0", "off"}
_TYPED_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; the message says how to fix it."""


def options_of(question: Question) -> list[ChoiceOption | RouteOption]:
    if isinstance(question, Choose):
        return list(question.options)
    return list(question.options or [])


def question_type(question: Question) -> str:
    return "choice" if isinstance(question, Choose) else question.type


def find_option(question: Question, answer: str) -> ChoiceOption | RouteOption:
    """The option an answer names: its value or label, then the same ignoring case."""
    options = options_of(question)
    for option in options:
        if answer == option.key or answer == option.label:
            return option
    folded = answer.strip().casefold()
    matches = [o for o in options if folded in (o.key.casefold(), o.label.casefold())]
    if len(matches) == 1:
        return matches[0]
    allowed = ", ".join(repr(o.label) for o in options)
    raise InvalidAnswer(f"'{answer}' is not one of the options: {allowed}")


def parse_answer(question: Question, raw: object, currency: str = "USD") -> Value:
    """Check and convert one answer. Empty optional answers give None."""
    try:
        return _parse_answer(question, raw, currency)
    except InvalidAnswer as exc:
        if isinstance(question, InputField) and question.secret and raw is not None:
            # Refusals reach screens and CI logs: a secret is not echoed in them.
            message = str(exc)
            for typed in {str(raw), str(raw).strip()}:
                message = message.replace(f"'{typed}'", "the answer")
            raise InvalidAnswer(message) from None
        masked = mask_card_numbers(str(exc))
        if masked != str(exc):
            raise InvalidAnswer(masked) from None
        raise


def _parse_answer(question: Question, raw: object, currency: str) -> Value:
    kind = question_type(question)
    if isinstance(raw, bool) and kind == "yesno":
        return raw
    text = "" if raw is None else str(raw)
    # Spaces around an answer are never meant (" 123456" is a six-digit code);
    # a secret is kept exactly as typed, spaces and all.
    if not (isinstance(question, InputField) and question.secret):
        text = text.strip()
    required = True if isinstance(question, Choose) else question.required
    if text.strip() == "":
        if required:
            raise InvalidAnswer("an answer is required")
        return None
    if kind == "choice":
        return find_option(question, text).key
    if kind == "yesno":
        folded = text.casefold()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
        raise InvalidAnswer(f"'{text}' is not yes or no")
    assert isinstance(question, InputField)
    if kind == "money":
        try:
            amount = parse_amount(text, currency)
        except ValueError as exc:
            raise InvalidAnswer(str(exc)) from None
        _check_range(question, amount, lambda v: format_money(v, currency))
        if question.min is None and amount < 0:
            raise InvalidAnswer("an amount cannot be negative")
        return amount
    if kind == "date":
        return parse_date(text)
    if kind == "number":
        # Commas only as thousands separators: '1,5' is not silently 15.
        if not _TYPED_NUMBER.fullmatch(text):
            raise InvalidAnswer(f"'{text}' is not a number")
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise InvalidAnswer(f"'{text}' is not a number") from None
        if not number.is_finite():
            raise InvalidAnswer(f"'{text}' is not a number")
        _check_range(question, number, str)
        return number
    if question.pattern is not None and not re.fullmatch(question.pattern, text):
        hint = question.pattern_hint or f"it must match {question.pattern}"
        raise InvalidAnswer(f"'{text}' does not fit: {hint}")
    if question.pattern is None and not question.secret:
        # Free text is recorded (journal, summary, receipt) with any payment
        # card number masked to its last four digits. A pattern's shape is
        # kept, and a secret is never recorded, so its step gets it whole.
        return mask_card_numbers(text)
    return text


def _check_range(question: InputField, value: Decimal, show: Callable[[Decimal], str]) -> None:
    if question.min is not None and value < question.min:
        raise InvalidAnswer(f"must be at least {show(question.min)}")
    if question.max is not None and value > question.max:
        raise InvalidAnswer(f"must be at most {show(question.max)}")


def parse_date(text: str) -> str:
    """A calendar date written YYYY-MM-DD, kept as that text (so dates compare in order)."""
    if not ISO_DATE.fullmatch(text):
        raise InvalidAnswer(f"'{text}' is not a date: write it YYYY-MM-DD, e.g. 2026-11-23")
    if calendar_day(text) is None:
        raise InvalidAnswer(f"'{text}' is not a day of the calendar")
    return text


def display_value(question: Question, value: Value, currency: str = "USD") -> str:
    """How a recorded value reads on screen and in receipts (secrets aside)."""
    if value is None:
        return ""
    kind = question_type(question)
    if kind == "yesno":
        return "Yes" if value else "No"
    if kind == "choice":
        for option in options_of(question):
            if option.key == value:
                return option.label
        return str(value)
    if kind == "money" and isinstance(value, Decimal):
        return format_money(value, currency)
    return str(value)
