"""Numbers as the path analysis sees them: intervals, the regions a value is
split into, and arithmetic on intervals.

A number a flow compares (`bottles > 2`, `due == 0`) is known to the
analysis only by which region it is in: the constants it is compared with
cut the line into points and the open stretches between them, clipped to
the field's bounds. On a grid (a count is whole, money is in cents, a
duration in minutes, a date in days) a stretch with no value on the grid is
dropped, so `bottles > 2 and bottles < 3` leaves nothing. Arithmetic
(`bottles * 9`) maps intervals to intervals; open ends are kept where the
result is exact and closed (a little wider) where it is not, so what the
analysis calls certain always is.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import NamedTuple

INF = Decimal("Infinity")
NEG_INF = Decimal("-Infinity")
ZERO = Decimal(0)


class Interval(NamedTuple):
    lo: Decimal
    lo_in: bool
    hi: Decimal
    hi_in: bool

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_in and self.hi_in))

    @property
    def point(self) -> Decimal | None:
        return self.lo if self.lo == self.hi and self.lo_in and self.hi_in else None

    def contains(self, x: Decimal) -> bool:
        above = self.lo < x or (self.lo == x and self.lo_in)
        below = x < self.hi or (x == self.hi and self.hi_in)
        return above and below

    def meets(self, other: Interval) -> bool:
        return not _meet(self, other).empty

    def hull(self, other: Interval) -> Interval:
        lo, lo_in = _lower(self.lo, self.lo_in, other.lo, other.lo_in)
        hi, hi_in = _upper(self.hi, self.hi_in, other.hi, other.hi_in)
        return Interval(lo, lo_in, hi, hi_in)


EVERYTHING = Interval(NEG_INF, False, INF, False)


def point(x: Decimal) -> Interval:
    return Interval(x, True, x, True)


def closed(lo: Decimal, hi: Decimal) -> Interval:
    return Interval(lo, lo.is_finite(), hi, hi.is_finite())


def _lower(a: Decimal, a_in: bool, b: Decimal, b_in: bool) -> tuple[Decimal, bool]:
    if a < b:
        return a, a_in
    if b < a:
        return b, b_in
    return a, a_in or b_in


def _upper(a: Decimal, a_in: bool, b: Decimal, b_in: bool) -> tuple[Decimal, bool]:
    if a > b:
        return a, a_in
    if b > a:
        return b, b_in
    return a, a_in or b_in


def _meet(a: Interval, b: Interval) -> Interval:
    if a.lo > b.lo or (a.lo == b.lo and not a.lo_in):
        lo, lo_in = a.lo, a.lo_in
    else:
        lo, lo_in = b.lo, b.lo_in
    if a.hi < b.hi or (a.hi == b.hi and not a.hi_in):
        hi, hi_in = a.hi, a.hi_in
    else:
        hi, hi_in = b.hi, b.hi_in
    return Interval(lo, lo_in, hi, hi_in)


def on_grid(interval: Interval, step: Decimal) -> Interval:
    """The interval narrowed to the multiples of `step` in it (step 0: as it is)."""
    if not step or interval.empty:
        return interval
    lo, hi = interval.lo, interval.hi
    if lo.is_finite():
        k = (lo / step).to_integral_value(ROUND_CEILING)
        if k * step == lo and not interval.lo_in:
            k += 1
        lo = k * step
    if hi.is_finite():
        k = (hi / step).to_integral_value(ROUND_FLOOR)
        if k * step == hi and not interval.hi_in:
            k -= 1
        hi = k * step
    return Interval(lo, lo.is_finite(), hi, hi.is_finite())


def regions(cuts: list[Decimal], bounds: Interval, step: Decimal) -> list[Interval]:
    """The line cut at each constant, clipped to the bounds, on the grid; empty parts dropped."""
    pieces: list[Interval] = []
    lo, lo_in = NEG_INF, False
    for cut in sorted(set(cuts)):
        pieces.append(Interval(lo, lo_in, cut, False))
        pieces.append(point(cut))
        lo, lo_in = cut, False
    pieces.append(Interval(lo, lo_in, INF, False))
    found = []
    for piece in pieces:
        kept = on_grid(_meet(piece, bounds), step)
        if not kept.empty:
            found.append(kept)
    return found or [on_grid(bounds, step)]


# -- deciding a comparison ----------------------------------------------------------------


def _always_less(a: Interval, b: Interval) -> bool:
    return a.hi < b.lo or (a.hi == b.lo and not (a.hi_in and b.lo_in))


def _never_less(a: Interval, b: Interval) -> bool:
    return a.lo >= b.hi


def decide(op: str, a: Interval, b: Interval) -> bool | None:
    """Whether `x op y` holds for every x in a and y in b (True), for none (False), or it depends (None)."""
    if op == "<":
        return True if _always_less(a, b) else False if _never_less(a, b) else None
    if op == ">":
        return decide("<", b, a)
    if op == "<=":
        inverse = decide("<", b, a)
        return None if inverse is None else not inverse
    if op == ">=":
        return decide("<=", b, a)
    if op == "==":
        if not a.meets(b):
            return False
        pa, pb = a.point, b.point
        return True if pa is not None and pa == pb else None
    if op == "!=":
        same = decide("==", a, b)
        return None if same is None else not same
    return None


# -- arithmetic -----------------------------------------------------------------------------


def _add(x: Decimal, y: Decimal, low: bool) -> Decimal:
    if x.is_infinite() and y.is_infinite() and x != y:
        return NEG_INF if low else INF
    return x + y


def _mul(x: Decimal, y: Decimal) -> Decimal:
    if x == 0 or y == 0:
        return ZERO
    return x * y


def add(a: Interval, b: Interval) -> Interval:
    return Interval(_add(a.lo, b.lo, True), a.lo_in and b.lo_in, _add(a.hi, b.hi, False), a.hi_in and b.hi_in)


def negate(a: Interval) -> Interval:
    return Interval(-a.hi, a.hi_in, -a.lo, a.lo_in)


def subtract(a: Interval, b: Interval) -> Interval:
    return add(a, negate(b))


def multiply(a: Interval, b: Interval) -> Interval:
    products = [_mul(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    pa, pb = a.point, b.point
    if pa is not None or pb is not None:
        # By a constant: exact, open ends stay open.
        factor, other = (pa, b) if pa is not None else (pb, a)
        assert factor is not None
        if factor == 0:
            return point(ZERO)
        scaled = Interval(other.lo * factor, other.lo_in, other.hi * factor, other.hi_in)
        return scaled if factor > 0 else Interval(scaled.hi, scaled.hi_in, scaled.lo, scaled.lo_in)
    return closed(min(products), max(products))


def divide(a: Interval, b: Interval) -> Interval:
    """a / b where b is not 0 (a division by 0 stops the call: it has no value)."""
    if b.contains(ZERO) or (b.lo == 0 and b.hi == 0):
        if b.point == 0:
            return Interval(ZERO, False, ZERO, False)  # empty: never has a value
        return EVERYTHING
    if b.lo == 0 or b.hi == 0:
        return EVERYTHING  # values near 0 make it as large as can be
    inverse = Interval(1 / b.hi if b.hi.is_finite() else ZERO, True, 1 / b.lo if b.lo.is_finite() else ZERO, True)
    return multiply(a, inverse)


def smallest(a: Interval, b: Interval) -> Interval:
    lo, lo_in = _lower(a.lo, a.lo_in, b.lo, b.lo_in)
    hi, hi_in = _lower(a.hi, a.hi_in, b.hi, b.hi_in)
    return Interval(lo, lo_in, hi, hi_in)


def largest(a: Interval, b: Interval) -> Interval:
    lo, lo_in = _upper(a.lo, a.lo_in, b.lo, b.lo_in)
    hi, hi_in = _upper(a.hi, a.hi_in, b.hi, b.hi_in)
    return Interval(lo, lo_in, hi, hi_in)


def absolute(a: Interval) -> Interval:
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return negate(a)
    top = max(-a.lo, a.hi)
    return Interval(ZERO, True, top, top.is_finite())


def rounded(a: Interval, places: int) -> Interval:
    quantum = Decimal(1).scaleb(-places)

    def r(x: Decimal) -> Decimal:
        return x if x.is_infinite() else x.quantize(quantum, rounding=ROUND_HALF_UP)

    return closed(r(a.lo), r(a.hi))


def scale(a: Interval, factor: Decimal) -> Interval:
    return multiply(a, point(factor))
