"""What a flow records and knows: fields the director answers, and constants.

A field is defined once under `fields` and asked by `- ask: <id>` wherever
the script needs it. A constant is fixed words (`company`), or a typed value
a shop sets once (`hourly_rate: {money: 95.00}`) that expressions compute with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Protocol

from callflow.flow.constraints import Check, Doc, OneOf
from callflow.flow.dates import calendar_day
from callflow.flow.durations import DurationError, parse_duration
from callflow.flow.patterns import PatternError, check_pattern
from callflow.flow.scalars import MAX_AMOUNT, STRICT, Amount, Number, Text


@dataclass(frozen=True)
class ChoiceOption:
    """One answer of a choice question."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    label: Annotated[Text, Doc("What the director sees.")]
    value: Annotated[Text | None, Doc("What is recorded (defaults to the label).")] = None

    @property
    def key(self) -> str:
        return self.value if self.value is not None else self.label


class _Option(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...


def option_default(options: Sequence[_Option], default: str) -> str:
    """The value of the option a `default:` names (by its value, or its label)."""
    for option in options:
        if default == option.key:
            return option.key
    for option in options:
        if default == option.label:
            return option.key
    allowed = ", ".join(repr(o.key) for o in options)
    raise ValueError(f"default '{default}' is not one of the options ({allowed})")


def _bound(value: str | Decimal) -> str | Decimal:
    """A bound as written: a number, or text (a duration, a date, `today + 30`)."""
    if isinstance(value, Decimal):
        if abs(value) > MAX_AMOUNT:
            raise ValueError(f"{value} is beyond the largest amount callflow carries ({MAX_AMOUNT:,})")
        return value
    text = value.strip()
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text):
        number = Decimal(text)
        if abs(number) > MAX_AMOUNT:
            raise ValueError(f"{text} is beyond the largest amount callflow carries ({MAX_AMOUNT:,})")
        return number
    return text


Bound = Annotated[
    Decimal | str,
    Check(_bound),
    Doc("A number or amount; for a duration field 15 min; for a date field today, today + 30 or 2026-12-01."),
]


@dataclass(frozen=True)
class DateBound:
    """A date bound: a calendar day, or today plus or minus some days."""

    fixed: date | None
    days_from_today: int | None

    def resolve(self, today: date) -> date:
        if self.fixed is not None:
            return self.fixed
        from datetime import timedelta

        return today + timedelta(days=self.days_from_today or 0)


_RELATIVE = re.compile(r"today\s*(?:(?P<sign>[+-])\s*(?P<days>\d{1,5})\s*(?:days?)?)?")


def date_bound(text: str) -> DateBound:
    """`today`, `today + 30`, `today - 7 days` or a date YYYY-MM-DD."""
    cleaned = text.strip().strip("'\"")
    day = calendar_day(cleaned)
    if day is not None:
        return DateBound(day, None)
    match = _RELATIVE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"'{text}' is not a date bound: write today, today + 30 or a date such as 2026-12-01")
    days = int(match["days"] or 0)
    return DateBound(None, -days if match["sign"] == "-" else days)


@dataclass(frozen=True)
class InputField:
    """A value the director types or picks and that the flow records; defined
    once under `fields` and asked by `- ask: <id>` wherever the script needs it."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    prompt: Text
    type: Literal["text", "number", "money", "choice", "yesno", "date", "duration"] = "text"
    help: str | None = None
    required: bool = True
    secret: Annotated[bool, Doc("Read without echo; never written to journal or receipt.")] = False
    pattern: Annotated[str | None, Doc("A regular expression a text answer must match whole.")] = None
    pattern_hint: Annotated[str | None, Doc("Said when the pattern does not match, e.g. 'six digits'.")] = None
    options: Annotated[list[ChoiceOption] | None, Doc("The answers of a choice field.")] = None
    ordered: Annotated[
        bool, Doc("A choice whose options are in order (small, medium, large): <, > compare by position.")
    ] = False
    decimals: Annotated[
        int | None, Doc("For a number: how many decimal places it may have (a count has none, the default).")
    ] = None
    min: Annotated[Bound | None, Doc("The least answer; money and numbers default to 0.")] = None
    max: Annotated[Bound | None, Doc("The largest answer.")] = None
    default: Annotated[
        Text | None,
        Doc("For a choice or yes/no field: the answer the list opens on (an option's value or label, yes or no)."),
    ] = None
    ticket_number: Annotated[
        bool, Doc("The answer is the ticket's number: receipts show it first in the Ticket section.")
    ] = False

    def __post_init__(self) -> None:
        if self.pattern is not None:
            try:
                check_pattern(self.pattern)
            except PatternError as exc:
                raise ValueError(f"pattern: {exc}") from None
        if self.type == "choice":
            if not self.options:
                raise ValueError("a choice field needs options")
        elif self.options is not None:
            raise ValueError(f"options belong to choice fields, not {self.type}")
        if self.ordered and self.type != "choice":
            raise ValueError("ordered belongs to choice fields")
        if self.pattern is not None and self.type != "text":
            raise ValueError("pattern belongs to text fields")
        if self.decimals is not None and (self.type != "number" or not 0 <= self.decimals <= 6):
            raise ValueError("decimals belongs to number fields, from 0 to 6")
        for key in ("min", "max"):
            self._check_bound(key, getattr(self, key))
        if self.default is not None:
            self.default_value  # noqa: B018 - a ValueError says what is wrong
        if self.ticket_number and (self.secret or self.type not in ("text", "number")):
            raise ValueError("ticket_number belongs to a text or number field that is not secret (receipts show it)")
        low, high = self.bounds()
        if low is not None and high is not None and low > high:
            raise ValueError(f"min ({self.min}) is more than max ({self.max})")

    def _check_bound(self, key: str, value: str | Decimal | None) -> None:
        if value is None:
            return
        if self.type in ("number", "money"):
            if not isinstance(value, Decimal):
                raise ValueError(f"{key} of a {self.type} field is a number, not '{value}'")
        elif self.type == "duration":
            try:
                parse_duration(str(value)) if not isinstance(value, Decimal) else None
            except DurationError as exc:
                raise ValueError(f"{key} of a duration field: {exc}") from None
            if isinstance(value, Decimal):
                raise ValueError(f"{key} of a duration field needs its unit: {value} min or {value} h")
        elif self.type == "date":
            date_bound(str(value))
        else:
            raise ValueError("min and max belong to number, money, duration and date fields")

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """min and max of a number, money or duration field as numbers (minutes for a duration)."""
        if self.type not in ("number", "money", "duration"):
            return None, None
        return self._number(self.min), self._number(self.max)

    @staticmethod
    def _number(value: str | Decimal | None) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return parse_duration(value)

    def date_bounds(self) -> tuple[DateBound | None, DateBound | None]:
        """min and max of a date field."""
        if self.type != "date":
            return None, None
        return (
            date_bound(str(self.min)) if self.min is not None else None,
            date_bound(str(self.max)) if self.max is not None else None,
        )

    @property
    def default_value(self) -> str | bool | None:
        """The answer a choice or yes/no list opens on, if the flow names one."""
        if self.default is None:
            return None
        if self.type == "choice":
            return option_default(self.options or [], self.default)
        if self.type == "yesno":
            folded = self.default.strip().casefold()
            if folded in ("yes", "y", "true"):
                return True
            if folded in ("no", "n", "false"):
                return False
            raise ValueError(f"default of a yes/no field is yes or no, not '{self.default}'")
        raise ValueError("default belongs to choice and yes/no fields")

    @property
    def whole(self) -> bool:
        """A number that takes no decimals (a count)."""
        return self.type == "number" and not self.decimals


@dataclass(frozen=True)
class TypedConstant:
    """A value a shop sets once: `{money: 95.00}`, `{number: 2}`, `{duration: 1 hour}`."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    money: Annotated[Amount | None, Doc("An amount in the flow's currency, e.g. an hourly rate.")] = None
    number: Annotated[Number | None, Doc("A number, e.g. a multiplier.")] = None
    duration: Annotated[Text | None, Doc("A length of time, e.g. 1 hour or 30 min.")] = None

    def __post_init__(self) -> None:
        given = [k for k in ("money", "number", "duration") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a typed constant is one of {money: 95.00}, {number: 2} or {duration: 1 hour}")
        if self.duration is not None:
            try:
                parse_duration(self.duration)
            except DurationError as exc:
                raise ValueError(str(exc)) from None

    @property
    def type(self) -> str:
        return "money" if self.money is not None else "number" if self.number is not None else "duration"

    @property
    def value(self) -> Decimal:
        if self.money is not None:
            return self.money
        if self.number is not None:
            return self.number
        return parse_duration(self.duration or "")


def _constant_form(value: Any) -> str:
    return "typed" if isinstance(value, (dict, TypedConstant)) else "text"


Constant = Annotated[
    Annotated[Text, "text"] | Annotated[TypedConstant, "typed"],
    OneOf(_constant_form, "constant_form", "a constant is words, or {money: …}, {number: …} or {duration: …}"),
    Doc("Fixed words (company, phone), or a typed value: {money: 95.00}, {number: 2}, {duration: 1 hour}."),
]
