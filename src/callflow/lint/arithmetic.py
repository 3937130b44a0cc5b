"""Arithmetic on outcomes (callflow.lint.outcomes), as the engine computes it
(callflow.flow.evaluate): no value in, no value out; yes/no and text are no
numbers; a date moves by whole days; min and max take one kind; `round`
rounds money to cents and numbers to whole. A sum of names times constants
is read as one linear form, so `bottles * 89.47 - bottles * 9` is known to be
0 or more where interval arithmetic on its parts would not know it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from callflow.flow.expressions import Arith, Expr, Literal, Negate
from callflow.flow.names import Symbol
from callflow.lint import regions
from callflow.lint.encoding import leaf_key
from callflow.lint.outcomes import MAYBE, NONE, Exact, Num, Outcome, Text, as_number


def linear_form(expr: Expr, constant: Callable[[Expr], Decimal | None]) -> tuple[dict[Expr, Decimal], Decimal] | None:
    """expr as a sum of leaves times constants plus a constant, or None."""
    value = constant(expr)
    if value is not None:
        return {}, value
    if leaf_key(expr) is not None:
        return {expr: Decimal(1)}, Decimal(0)
    if isinstance(expr, Negate):
        inner = linear_form(expr.operand, constant)
        return None if inner is None else ({k: -v for k, v in inner[0].items()}, -inner[1])
    if not isinstance(expr, Arith):
        return None
    left, right = linear_form(expr.left, constant), linear_form(expr.right, constant)
    if left is None or right is None:
        return None
    if expr.op in ("+", "-"):
        sign = 1 if expr.op == "+" else -1
        terms = dict(left[0])
        for k, v in right[0].items():
            terms[k] = terms.get(k, Decimal(0)) + sign * v
        return {k: v for k, v in terms.items() if v != 0}, left[1] + sign * right[1]
    if expr.op == "*" and (not left[0] or not right[0]):
        factor, other = (left[1], right) if not left[0] else (right[1], left)
        return {k: v * factor for k, v in other[0].items() if v * factor != 0}, other[1] * factor
    if expr.op == "/" and not right[0] and right[1] != 0:
        return {k: v / right[1] for k, v in left[0].items()}, left[1] / right[1]
    return None


def scaled(o: Outcome, factor: Decimal) -> Outcome:
    o = as_arith(o)
    return Num(regions.scale(o.interval, factor)) if isinstance(o, Num) else o


def summed(a: Outcome, b: Outcome) -> Outcome:
    return arith("+", a, b) or NONE


def literal_outcome(literal: Literal) -> Outcome:
    value = literal.value
    if isinstance(value, Decimal):
        return Num(regions.point(value))
    return Exact(value)


def fixed_outcome(symbol: Symbol) -> Outcome:
    value = symbol.value
    if isinstance(value, Decimal):
        return Num(regions.point(value))
    if isinstance(value, str):
        return Exact(value)
    return MAYBE


def as_arith(o: Outcome) -> Outcome:
    """An outcome as arithmetic sees it: a number or date, no value, or maybe one."""
    if isinstance(o, Num) or o == NONE:
        return o
    if isinstance(o, Exact):
        if isinstance(o.value, str):
            found = as_number(o, "d")
            return found if found is not None else NONE
        return NONE
    if isinstance(o, Text):
        return MAYBE  # text typed as a date still computes
    return MAYBE


def negated(o: Outcome) -> Outcome:
    o = as_arith(o)
    if isinstance(o, Num):
        return Num(regions.negate(o.interval)) if o.kind == "n" else NONE
    return o


def arith(op: str, a: Outcome, b: Outcome) -> Outcome | None:
    a, b = as_arith(a), as_arith(b)
    if a == NONE or b == NONE:
        return NONE
    if not (isinstance(a, Num) and isinstance(b, Num)):
        return MAYBE
    x, y = a.interval, b.interval
    if a.kind == b.kind == "n":
        if op == "+":
            return Num(regions.add(x, y))
        if op == "-":
            return Num(regions.subtract(x, y))
        if op == "*":
            return Num(regions.multiply(x, y))
        if y.point == 0:
            return None  # a division by zero: the answer is refused, the call goes no further this way
        return Num(regions.divide(x, y))
    if a.kind == b.kind == "d":
        return Num(regions.subtract(x, y)) if op == "-" else NONE
    day, days = (a, b) if a.kind == "d" else (b, a)
    if op not in ("+", "-") or (op == "-" and day is b):
        return NONE
    shift = days.interval.point
    if shift is None:
        return MAYBE  # a date moves only by whole days
    if shift % 1 != 0:
        return NONE
    return Num(regions.add(day.interval, regions.point(shift if op == "+" else -shift)), "d")


def extreme(name: str, a: Outcome, b: Outcome) -> Outcome:
    a, b = as_arith(a), as_arith(b)
    if a == NONE or b == NONE:
        return NONE
    if not (isinstance(a, Num) and isinstance(b, Num)):
        return MAYBE
    if a.kind != b.kind:
        return NONE
    pick = regions.smallest if name == "min" else regions.largest
    return Num(pick(a.interval, b.interval), a.kind)


def unary(name: str, o: Outcome) -> Outcome:
    if isinstance(o, Exact) or o == NONE:
        return NONE
    if not isinstance(o, Num):
        return MAYBE
    if o.kind != "n":
        return NONE
    if name == "abs":
        return Num(regions.absolute(o.interval))
    if name == "hours":
        return Num(regions.scale(o.interval, Decimal(1) / 60))
    return o  # minutes


def rounded(o: Outcome, digits: int) -> Outcome:
    if digits < 0 or isinstance(o, Exact) or o == NONE:
        return NONE
    if not isinstance(o, Num):
        return MAYBE
    return Num(regions.rounded(o.interval, digits)) if o.kind == "n" else NONE
