"""Turning what a director types (or an answers file holds) into a typed value.

text -> str, number -> Decimal (whole unless the field allows decimals),
money -> Decimal in cents, duration -> Decimal minutes, yesno -> bool, choice
-> the option's value, date -> YYYY-MM-DD text, a checklist confirmation ->
True (done) or False (not done, with a reason). Numbers and amounts are 0 or
more unless the field's min says otherwise, and never beyond what callflow
carries, so arithmetic on them is exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from callflow.call.cardmask import contains_card_number, mask_card_numbers
from callflow.flow.dates import ISO_DATE, calendar_day
from callflow.flow.durations import DurationError, format_duration, parse_duration
from callflow.flow.fields import ChoiceOption, InputField
from callflow.flow.index import Confirmation, Question
from callflow.flow.model import Choose, RouteOption
from callflow.flow.money import format_money, parse_amount
from callflow.flow.patterns import fits
from callflow.flow.scalars import MAX_AMOUNT

Value = str | Decimal | bool | None
_NOT_DONE = re.compile(r"(?is)\s*(?:not\s*done|no|n|skipped)\s*(?:[:—–-]\s*(?P<reason>.*))?")
_DONE = {"done", "yes", "y", "ok", "true", "x", "✓"}

_YES = {"y", "yes", "true", "1", "on"}
_NO = {"n", "no", "false", "0", "off"}
_TYPED_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; the message says how to fix it."""


def options_of(question: Question) -> list[ChoiceOption | RouteOption]:
    if isinstance(question, Choose):
        return list(question.options)
    if isinstance(question, InputField):
        return list(question.options or [])
    return []


def question_type(question: Question) -> str:
    return "choice" if isinstance(question, Choose) else question.type


def check_answer(raw: object) -> tuple[bool, str | None]:
    """A confirmation: (True, None) for done; (False, reason) for not done."""
    if isinstance(raw, bool):
        if not raw:
            raise InvalidAnswer("say why it was not done: not done: <reason>")
        return True, None
    if isinstance(raw, dict):
        done = raw.get("done")
        reason = raw.get("reason")
        if done is True or str(done).strip().casefold() in _DONE:
            return True, None
        if reason is None or not str(reason).strip():
            raise InvalidAnswer("say why it was not done: {done: no, reason: ...}")
        return False, mask_card_numbers(str(reason).strip())
    text = "" if raw is None else str(raw).strip()
    if text.casefold() in _DONE:
        return True, None
    match = _NOT_DONE.fullmatch(text)
    if match is None:
        raise InvalidAnswer(f"'{text}' is neither done nor 'not done: <reason>'")
    reason = (match["reason"] or "").strip()
    if not reason:
        raise InvalidAnswer("say why it was not done: not done: <reason>")
    return False, mask_card_numbers(reason)


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


def parse_answer(question: Question, raw: object, currency: str = "USD", today: date | None = None) -> Value:
    """Check and convert one answer. Empty optional answers give None."""
    try:
        return _parse_answer(question, raw, currency, today)
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


def _parse_answer(question: Question, raw: object, currency: str, today: date | None) -> Value:
    kind = question_type(question)
    if isinstance(question, Confirmation):
        return check_answer(raw)[0]
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
    if kind in ("money", "number") and contains_card_number(text):
        # Never recorded, so never shown: a number field holds no card number.
        raise InvalidAnswer("a card number is never kept: type the amount or number asked for")
    if kind == "money":
        if len(text) > 40:
            raise InvalidAnswer("that is not an amount callflow can carry (type it like 45.50)")
        try:
            amount = parse_amount(text, currency)
        except ValueError as exc:
            raise InvalidAnswer(str(exc)) from None
        _check_range(question, amount, lambda v: format_money(v, currency))
        return amount
    if kind == "date":
        day = parse_date(text)
        _check_date_range(question, day, today)
        return day
    if kind == "duration":
        try:
            minutes = parse_duration(text)
        except DurationError as exc:
            raise InvalidAnswer(str(exc)) from None
        _check_range(question, minutes, format_duration)
        return minutes
    if kind == "number":
        # Commas only as thousands separators: '1,5' is not silently 15.
        if len(text) > 40 or not _TYPED_NUMBER.fullmatch(text):
            raise InvalidAnswer(f"'{text}' is not a number")
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise InvalidAnswer(f"'{text}' is not a number") from None
        if not number.is_finite():
            raise InvalidAnswer(f"'{text}' is not a number")
        _check_range(question, number, str)
        places = question.decimals or 0
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise InvalidAnswer(
                f"'{text}' is not a whole number" if places == 0 else f"'{text}' has more than {places} decimal places"
            )
        return number.to_integral_value() if places == 0 else number
    if question.pattern is not None and not fits(question.pattern, text):
        hint = question.pattern_hint or f"it must match {question.pattern}"
        raise InvalidAnswer(f"'{text}' does not fit: {hint}")
    if question.pattern is None and not question.secret:
        # Free text is recorded (journal, summary, receipt) with any payment
        # card number masked to its last four digits. A pattern's shape is
        # kept, and a secret is never recorded, so its step gets it whole.
        return mask_card_numbers(text)
    return text


def _check_range(question: InputField, value: Decimal, show: Callable[[Decimal], str]) -> None:
    low, high = question.bounds()
    if abs(value) > MAX_AMOUNT:
        raise InvalidAnswer(f"must be at most {show(MAX_AMOUNT)}, the largest amount callflow carries")
    if low is None and value < 0:
        raise InvalidAnswer("an amount cannot be negative" if question.type == "money" else "must be 0 or more")
    if low is not None and value < low:
        raise InvalidAnswer(f"must be at least {show(low)}")
    if high is not None and value > high:
        raise InvalidAnswer(f"must be at most {show(high)}")


def _check_date_range(question: InputField, text: str, today: date | None) -> None:
    low, high = question.date_bounds()
    day = calendar_day(text)
    if day is None:
        return
    reference = today or date.today()
    if low is not None and day < low.resolve(reference):
        raise InvalidAnswer(f"must be {low.resolve(reference).isoformat()} or later")
    if high is not None and day > high.resolve(reference):
        raise InvalidAnswer(f"must be {high.resolve(reference).isoformat()} or earlier")


def parse_date(text: str) -> str:
    """A calendar date written YYYY-MM-DD, kept as that text (so dates compare in order)."""
    if not ISO_DATE.fullmatch(text):
        raise InvalidAnswer(f"'{text}' is not a date: write it YYYY-MM-DD, e.g. 2026-11-23")
    if calendar_day(text) is None:
        raise InvalidAnswer(f"'{text}' is not a day of the calendar")
    return text


def display_value(question: Question, value: Value, currency: str = "USD", reason: str | None = None) -> str:
    """How a recorded value reads on screen and in receipts (secrets aside)."""
    if value is None:
        return ""
    kind = question_type(question)
    if kind == "check":
        return "Done" if value else f"Not done: {reason}" if reason else "Not done"
    if kind == "duration" and isinstance(value, Decimal):
        return format_duration(value)
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
