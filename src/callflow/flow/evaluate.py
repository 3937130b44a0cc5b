"""Evaluating an expression tree on a call's values. Pure, and it never raises
on the values the field types allow but for two refusals a call can act on:
a division by zero and a value beyond what callflow carries (EvaluationError).

Values: Decimal (numbers, money, durations in minutes), str (text and choice
values; dates written YYYY-MM-DD), bool (yes/no), datetime.date and None (not
recorded yet). A value not recorded yet makes arithmetic unknown (None), a
comparison false (`!=` too) and a bare name false, as conditions always did.
Money is kept exact and rounded half-up to cents where it is used (an invoice
line, a payment, a computed money value); `round(x)` rounds money to cents
and numbers to whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext

from callflow.flow.dates import calendar_day
from callflow.flow.expressions import Arith, BoolOp, Call, Compare, Expr, Literal, Name, Negate, Not
from callflow.flow.scalars import MAX_AMOUNT

Value = str | Decimal | bool | date | None

_CONTEXT = Context(prec=60, Emax=10_000, Emin=-10_000, traps=[DivisionByZero, InvalidOperation, Overflow])
_PLAIN_NUMBER = re.compile(r"\s*[+-]?\d+(?:\.\d+)?\s*")
CENT = Decimal("0.01")


class EvaluationError(ValueError):
    """A division by zero, or a value beyond what callflow carries."""


class Environment:
    """What an expression can read: values by name, visit counts, and the
    few facts of the flow evaluation needs (is a value money, where an option
    of an ordered choice stands)."""

    def value(self, name: str) -> Value:
        raise NotImplementedError

    def visits(self, node_id: str) -> int:
        return 0

    def is_money(self, expr: Expr) -> bool:
        """Whether `round()` of this expression rounds to cents."""
        return False

    def position(self, name: str, value: object) -> int | None:
        """Where `value` stands among the options of an ordered choice `name`."""
        return None


def evaluate(expr: Expr, env: Environment) -> Value:
    """The value of an expression (None: not known yet)."""
    with localcontext(_CONTEXT):
        try:
            return _value(expr, env)
        except (InvalidOperation, Overflow):
            raise EvaluationError("a value beyond what callflow carries") from None


def holds(expr: Expr, env: Environment) -> bool:
    """An expression as a condition: true when it holds something."""
    return truthy(evaluate(expr, env))


def truthy(value: Value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    if isinstance(value, date):
        return True
    return value != ""


def _value(expr: Expr, env: Environment) -> Value:
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Name):
        return env.value(expr.name)
    if isinstance(expr, BoolOp):
        if expr.op == "and":
            return all(truthy(_value(e, env)) for e in expr.operands)
        return any(truthy(_value(e, env)) for e in expr.operands)
    if isinstance(expr, Not):
        return not truthy(_value(expr.operand, env))
    if isinstance(expr, Compare):
        return _compare_expr(expr, env)
    if isinstance(expr, Negate):
        inner = _value(expr.operand, env)
        return _checked(-inner) if isinstance(inner, Decimal) else None
    if isinstance(expr, Arith):
        return _arith(expr.op, _value(expr.left, env), _value(expr.right, env))
    assert isinstance(expr, Call)
    return _call(expr, env)


def _checked(value: Decimal) -> Decimal:
    if abs(value) > MAX_AMOUNT:
        raise EvaluationError(f"{_shown(value)} is beyond the largest amount callflow carries ({MAX_AMOUNT:,})")
    return value


def _shown(value: Decimal) -> str:
    return f"{value:,.2f}" if abs(value) < Decimal("1e30") else f"{value:.3E}"


def _as_date(value: Value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return calendar_day(value)
    return None


def _arith(op: str, a: Value, b: Value) -> Value:
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        if op == "+":
            return _checked(a + b)
        if op == "-":
            return _checked(a - b)
        if op == "*":
            return _checked(a * b)
        if b == 0:
            raise EvaluationError("a division by zero")
        return _checked(a / b)
    day_a, day_b = _as_date(a), _as_date(b)
    if day_a is not None and isinstance(b, Decimal) and op in ("+", "-"):
        return _shift(day_a, b if op == "+" else -b)
    if day_b is not None and isinstance(a, Decimal) and op == "+":
        return _shift(day_b, a)
    if day_a is not None and day_b is not None and op == "-":
        return Decimal((day_a - day_b).days)
    return None


def _shift(day: date, days: Decimal) -> date | None:
    if days % 1 != 0:
        return None
    try:
        return day + timedelta(days=int(days))
    except OverflowError:
        raise EvaluationError("a date beyond the calendar") from None


def _call(expr: Call, env: Environment) -> Value:
    name = expr.function
    if name == "visits":
        arg = expr.args[0]
        assert isinstance(arg, Literal)
        return Decimal(env.visits(str(arg.value)))
    values = [_value(arg, env) for arg in expr.args]
    if any(v is None for v in values):
        return None
    if name in ("min", "max"):
        numbers = [v for v in values if isinstance(v, Decimal)]
        if len(numbers) == len(values):
            return min(numbers) if name == "min" else max(numbers)
        days = [_as_date(v) for v in values]
        if all(d is not None for d in days):
            chosen = min(days) if name == "min" else max(days)  # type: ignore[type-var]
            return chosen
        return None
    first = values[0]
    if not isinstance(first, Decimal):
        return None
    if name == "abs":
        return abs(first)
    if name == "hours":
        return first / 60
    if name == "minutes":
        return first
    # round
    if len(values) == 2:
        places = values[1]
        if not isinstance(places, Decimal) or places % 1 != 0 or not 0 <= places <= 6:
            return None
        return first.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    if env.is_money(expr.args[0]):
        return first.quantize(CENT, rounding=ROUND_HALF_UP)
    return first.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _compare_expr(expr: Compare, env: Environment) -> bool:
    left = _value(expr.left, env)
    position: Callable[[object], int | None] | None = None
    if isinstance(expr.left, Name) and expr.op in ("<", "<=", ">", ">="):
        name = expr.left.name
        if env.position(name, left) is not None:
            position = lambda v: env.position(name, v)  # noqa: E731
    if isinstance(expr.right, tuple):
        found = any(compare("==", left, item.value) for item in expr.right)
        return found if expr.op == "in" else (left is not None and not found)
    right = _value(expr.right, env)
    if position is None and isinstance(expr.right, Name) and expr.op in ("<", "<=", ">", ">="):
        name = expr.right.name
        if env.position(name, right) is not None:
            position = lambda v: env.position(name, v)  # noqa: E731
    if position is not None:
        a, b = position(left), position(right)
        if a is None or b is None:
            return False
        return compare(expr.op, Decimal(a), Decimal(b))
    return compare(expr.op, left, right)


def compare(op: str, a: Value, b: Value) -> bool:
    """The engine's comparison of two values (unrecorded or unlike values: false)."""
    pair = _same_kind(a, b)
    if pair is None:
        return False
    x, y = pair
    if op == "==":
        return x == y
    if op == "!=":
        return x != y
    if isinstance(x, bool) or isinstance(y, bool):
        return False  # yes/no has no order
    if isinstance(x, str) and isinstance(y, str):
        return False  # text has no order (lint says so); an ordered choice compares by position
    if op == "<":
        return x < y  # type: ignore[operator]
    if op == "<=":
        return x <= y  # type: ignore[operator]
    if op == ">":
        return x > y  # type: ignore[operator]
    return x >= y  # type: ignore[operator]


def _same_kind(a: Value, b: Value) -> tuple[Value, Value] | None:
    """Bring two values to one kind, or None when they cannot be compared."""
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return (a, b) if isinstance(a, bool) and isinstance(b, bool) else None
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a, b
    if isinstance(a, date) or isinstance(b, date):
        x, y = _as_date(a), _as_date(b)
        return None if x is None or y is None else (x, y)
    if isinstance(a, str) and isinstance(b, str):
        # Dates are kept as text YYYY-MM-DD; two of them compare as days.
        x, y = calendar_day(a), calendar_day(b)
        return (x, y) if x is not None and y is not None else (a, b)
    # A number typed into a text field ('012') still compares with a number.
    if isinstance(a, Decimal) and isinstance(b, str):
        number = _number_in_text(b)
        return None if number is None else (a, number)
    if isinstance(a, str) and isinstance(b, Decimal):
        number = _number_in_text(a)
        return None if number is None else (number, b)
    return None


def _number_in_text(text: str) -> Decimal | None:
    # Only plain digits: Decimal() also reads 'nan', 'Infinity', '1e3' and '1_000'.
    return Decimal(text) if _PLAIN_NUMBER.fullmatch(text) else None
