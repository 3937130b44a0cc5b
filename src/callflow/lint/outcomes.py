"""What an expression can come to, as the path analysis tells values apart.

An outcome is a number in an interval (money, counts, durations in minutes,
dates in days), an exact value (a choice's value, yes/no, quoted text), some
text other than the texts the flow compares with, or a mark: no value (not
recorded, an empty optional answer, arithmetic on either), some value not
known, or maybe none. `decide` says whether a comparison of two outcomes
holds, following the engine's rules (callflow.flow.evaluate.compare): no
value compares false, values of different kinds compare false, text has no
order, an ordered choice compares by the position of its options.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from callflow.flow import evaluate as engine
from callflow.flow.dates import calendar_day
from callflow.lint import regions
from callflow.lint.regions import Interval


class Num(NamedTuple):
    interval: Interval
    kind: str = "n"  # "n": a number, an amount, a duration; "d": a date, in days


class Exact(NamedTuple):
    value: str | bool


class Text(NamedTuple):
    """Some text, none of `excluded`."""

    excluded: frozenset[str]


class Mark(NamedTuple):
    name: str


NONE = Mark("none")  # no value: comparisons false, arithmetic none
SOME = Mark("some")  # a value, not known which
MAYBE = Mark("maybe")  # a value or none

Outcome = Num | Exact | Text | Mark
Positions = Callable[[object], int | None]

_DAY_ZERO = 0


def day_number(text: str) -> Decimal | None:
    day = calendar_day(text)
    return None if day is None else Decimal(day.toordinal())


def plain_number(text: str) -> Decimal | None:
    return engine._number_in_text(text)  # the engine's own reading of '012'


def as_number(outcome: Outcome, kind: str) -> Num | None:
    """An exact text read as a number or a date where the engine would (None: it would not)."""
    if isinstance(outcome, Num):
        return outcome if outcome.kind == kind else None
    if isinstance(outcome, Exact) and isinstance(outcome.value, str):
        found = day_number(outcome.value) if kind == "d" else plain_number(outcome.value)
        return None if found is None else Num(regions.point(found), kind)
    return None


def decide(op: str, a: Outcome, b: Outcome, positions: Positions | None = None) -> bool | None:
    """Whether `a op b` holds (None: it depends on what the analysis does not know)."""
    if a == NONE or b == NONE:
        return False
    if isinstance(a, Mark) or isinstance(b, Mark):
        return None
    if positions is not None:
        return _by_position(op, a, b, positions)
    if isinstance(a, Num) or isinstance(b, Num):
        return _numbers(op, a, b)
    if isinstance(a, Text) or isinstance(b, Text):
        return _text(op, a, b)
    assert isinstance(a, Exact) and isinstance(b, Exact)
    return engine.compare(op, a.value, b.value)


def _by_position(op: str, a: Outcome, b: Outcome, positions: Positions) -> bool | None:
    pa = positions(a.value) if isinstance(a, Exact) else None
    pb = positions(b.value) if isinstance(b, Exact) else None
    if isinstance(a, Text) or isinstance(b, Text):
        return None
    if pa is None or pb is None:
        return False
    return engine.compare(op, Decimal(pa), Decimal(pb))


def _numbers(op: str, a: Outcome, b: Outcome) -> bool | None:
    if isinstance(a, Num) and isinstance(b, Num):
        if a.kind != b.kind:
            return False
        return regions.decide(op, a.interval, b.interval)
    num, other = (a, b) if isinstance(a, Num) else (b, a)
    assert isinstance(num, Num)
    if isinstance(other, Text):
        return None  # text typed as digits or a date still compares
    assert isinstance(other, Exact)
    if isinstance(other.value, bool):
        return False
    converted = as_number(other, num.kind)
    if converted is None:
        # A date against text that is no date: equal never; `!=` depends on how the date was made.
        return None if op == "!=" and num.kind == "d" else False
    x, y = (num, converted) if num is a else (converted, num)
    return regions.decide(op, x.interval, y.interval)


def _text(op: str, a: Outcome, b: Outcome) -> bool | None:
    text, other = (a, b) if isinstance(a, Text) else (b, a)
    assert isinstance(text, Text)
    if isinstance(other, Exact) and isinstance(other.value, bool):
        return False
    if isinstance(other, Exact) and other.value in text.excluded and op in ("==", "!="):
        return op == "!="
    return None


def reflexive(op: str, outcome: Outcome, positions: Positions | None = None) -> bool | None:
    """`e op e` for one value of e."""
    if outcome == NONE:
        return False
    if isinstance(outcome, Mark):
        return None
    if op in ("==", "!="):
        return op == "=="
    if isinstance(outcome, Num) or (positions is not None and isinstance(outcome, Exact)):
        return op in ("<=", ">=")
    if isinstance(outcome, Exact):
        return False  # text and yes/no have no order
    return None


def truthy(outcome: Outcome) -> bool | None:
    if outcome == NONE:
        return False
    if isinstance(outcome, Mark):
        return None
    if isinstance(outcome, Num):
        if outcome.kind == "d":
            return True
        return regions.decide("!=", outcome.interval, regions.point(Decimal(0)))
    if isinstance(outcome, Text):
        return True  # a recorded text is never empty (an empty optional answer is no value)
    return engine.truthy(outcome.value)
