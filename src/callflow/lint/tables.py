"""Expressions as the path analysis reads them: what each can come to, and when.

`table(expr)` lists the cases of an expression: (guard, outcome) pairs whose
guards, functions over the analysis's variables (callflow.lint.encoding),
never overlap and cover everything. `bottles * 9` has a case per region of
`bottles`; `plan` a case per option and one for "not recorded yet". Tables
of arithmetic are products of their operands' tables (collapsed to "no
value" and "some value in this interval" beyond a few dozen cases).

`truth(expr)` is the function "the condition holds", built from the tables
by the engine's rules (callflow.lint.outcomes.decide). Where the outcomes
do not decide it, a free variable stands in (an expression's region, how two
expressions compare), so the same comparison written twice, or negated, is
the same variable: `x <= 3` and `x > 3` cover everything together.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from callflow.flow.expressions import Arith, BoolOp, Call, Compare, Expr, Literal, Name, Negate, Not
from callflow.flow.names import Symbol, Symbols
from callflow.flow.typerules import FLIPPED
from callflow.lint import regions
from callflow.lint.arithmetic import (
    arith,
    extreme,
    fixed_outcome,
    linear_form,
    literal_outcome,
    negated,
    rounded,
    scaled,
    summed,
    unary,
)
from callflow.lint.bdd import BDD, FALSE, TRUE
from callflow.lint.encoding import EQUAL, LESS, MORE, Encoding, leaf_key, reads
from callflow.lint.outcomes import (
    MAYBE,
    NONE,
    SOME,
    Exact,
    Mark,
    Num,
    Outcome,
    decide,
    reflexive,
    truthy,
)
from callflow.lint.regions import Interval

Case = tuple[int, Outcome]
MAX_CASES = 64  # beyond this a product of tables is collapsed (never wrong, only less sharp)
ORDERING = ("<", "<=", ">", ">=")
_RELATION = {"<": {LESS}, "<=": {LESS, EQUAL}, ">": {MORE}, ">=": {EQUAL, MORE}, "==": {EQUAL}, "!=": {LESS, MORE}}


class Tables:
    """The tables and truths of one flow's expressions (remembered per expression)."""

    def __init__(self, encoding: Encoding, symbols: Symbols, is_money: Callable[[Expr], bool]) -> None:
        self.enc = encoding
        self.bdd: BDD = encoding.bdd
        self.symbols = symbols
        self.is_money = is_money
        # By identity (hashing a tree walks all of it); each entry keeps its expression alive.
        self._tables: dict[int, tuple[Expr, list[Case]]] = {}
        self._truths: dict[int, tuple[Expr, int]] = {}
        self._leaves: dict[str, list[Case]] = {}

    # -- tables ----------------------------------------------------------------------

    def table(self, expr: Expr) -> list[Case]:
        entry = self._tables.get(id(expr))
        if entry is None or entry[0] is not expr:
            entry = self._tables[id(expr)] = (expr, _merge(self.bdd, self._table(expr)))
        return entry[1]

    def _table(self, expr: Expr) -> list[Case]:
        if isinstance(expr, Literal):
            return [(TRUE, literal_outcome(expr))]
        key = leaf_key(expr)
        if key is not None:
            return self._leaf(key)
        if isinstance(expr, (Compare, BoolOp, Not)) or is_defined(expr):
            t = self.truth(expr)
            return [(t, Exact(True)), (self.bdd.not_(t), Exact(False))]
        if isinstance(expr, (Negate, Arith)):
            linear = self._linear(expr)
            if linear is not None:
                return linear
        if isinstance(expr, Negate):
            return [(g, negated(o)) for g, o in self.table(expr.operand)]
        if isinstance(expr, Arith):
            return self._product(self.table(expr.left), self.table(expr.right), lambda a, b: arith(expr.op, a, b))
        assert isinstance(expr, Call)
        tables = [self.table(arg) for arg in expr.args]
        name = expr.function
        if name in ("min", "max"):
            found = tables[0]
            for other in tables[1:]:
                found = self._product(found, other, lambda a, b: extreme(name, a, b))
            return [(g, extreme(name, o, o)) for g, o in found]
        if name == "round":
            places = expr.args[1] if len(expr.args) > 1 else None
            digits = 2 if places is None and self.is_money(expr.args[0]) else 0
            if isinstance(places, Literal) and isinstance(places.value, Decimal):
                digits = int(places.value) if places.value % 1 == 0 and 0 <= places.value <= 6 else -1
            return [(g, rounded(o, digits)) for g, o in tables[0]]
        return [(g, unary(name, o)) for g, o in tables[0]]

    def _linear(self, expr: Expr) -> list[Case] | None:
        """A sum of names times constants (`bottles * 89.47 - bottles * 9`), each name read once:
        exact where interval arithmetic on its parts would not be."""
        found = linear_form(expr, self._constant)
        if found is None or not found[0]:
            return None
        coefficients, constant = found
        cases: list[Case] = [(TRUE, Num(regions.point(constant)))]
        for leaf, factor in coefficients.items():
            leaf_cases = self.table(leaf)
            if any(isinstance(o, Num) and o.kind != "n" for _, o in leaf_cases):
                return None
            terms = [(g, scaled(o, factor)) for g, o in leaf_cases]
            cases = self._product(cases, terms, summed)
        return cases

    def _constant(self, expr: Expr) -> Decimal | None:
        if isinstance(expr, Literal):
            return expr.value if isinstance(expr.value, Decimal) else None
        if isinstance(expr, Name):
            symbol = self.symbols.resolve(expr.name)
            if symbol is not None and symbol.kind in ("constant", "catalog") and isinstance(symbol.value, Decimal):
                return symbol.value
        return None

    def _leaf(self, key: str) -> list[Case]:
        found = self._leaves.get(key)
        if found is None:
            found = self._leaves[key] = self._make_leaf(key)
        return found

    def _make_leaf(self, key: str) -> list[Case]:
        var = self.enc.var(key)
        if var is None:
            symbol = self.symbols.resolve(key)
            return [(TRUE, MAYBE if symbol is None else fixed_outcome(symbol))]
        cases: list[Case] = []
        base = TRUE
        if var.recorded is not None:
            cases.append((self.bdd.literal(var.recorded, False), NONE))
            base = self.bdd.literal(var.recorded)
        by_outcome: dict[Outcome, list[int]] = {}
        for i, outcome in enumerate(var.values):
            by_outcome.setdefault(outcome, []).append(i)
        for outcome, indexes in by_outcome.items():
            cases.append((self.bdd.and_(base, var.is_(self.bdd, indexes)), outcome))
        return cases

    def _product(self, a: list[Case], b: list[Case], combine: Callable[[Outcome, Outcome], Outcome | None]) -> list[Case]:
        if len(a) * len(b) > MAX_CASES:
            a, b = self.collapse(a), self.collapse(b)
        bdd = self.bdd
        found: list[Case] = []
        for ga, oa in a:
            for gb, ob in b:
                g = bdd.and_(ga, gb)
                if g == FALSE:
                    continue
                outcome = combine(oa, ob)
                if outcome is not None:  # None: the call stops here (a division by zero)
                    found.append((g, outcome))
        return _merge(bdd, found)

    def collapse(self, cases: list[Case]) -> list[Case]:
        """Two cases: no value, and some value (in the hull of the intervals)."""
        bdd = self.bdd
        none = bdd.or_all([g for g, o in cases if o == NONE])
        rest = [o for _, o in cases if o != NONE]
        if not rest:
            return [(TRUE, NONE)]
        hull: Outcome = rest[0]
        for o in rest[1:]:
            if isinstance(hull, Num) and isinstance(o, Num) and hull.kind == o.kind:
                hull = Num(hull.interval.hull(o.interval), o.kind)
            elif hull != o:
                hull = MAYBE if MAYBE in (hull, o) else SOME
        if hull == MAYBE:
            return [(TRUE, MAYBE)]
        return [(none, NONE), (bdd.not_(none), hull)] if none != FALSE else [(TRUE, hull)]

    def none(self, expr: Expr) -> int:
        """Where the expression has no value."""
        return self.bdd.or_all([g for g, o in self.table(expr) if o == NONE])

    # -- truth -----------------------------------------------------------------------

    def truth(self, expr: Expr) -> int:
        entry = self._truths.get(id(expr))
        if entry is None or entry[0] is not expr:
            entry = self._truths[id(expr)] = (expr, self._truth(expr))
        return entry[1]

    def _truth(self, expr: Expr) -> int:
        bdd = self.bdd
        if isinstance(expr, BoolOp):
            parts = [self.truth(e) for e in expr.operands]
            return bdd.and_all(parts) if expr.op == "and" else bdd.or_all(parts)
        if isinstance(expr, Not):
            return bdd.not_(self.truth(expr.operand))
        if isinstance(expr, Compare):
            return self._compare(expr)
        found: list[int] = []
        if is_defined(expr):
            assert isinstance(expr, Call)
            arg = expr.args[0]
            for g, o in self.table(arg):
                if o == MAYBE:
                    found.append(bdd.and_(g, self.enc.atom("defined", arg, reads(arg)).is_(bdd, [0])))
                elif o != NONE:
                    found.append(g)
            return bdd.or_all(found)
        for g, o in self.table(expr):
            holds = truthy(o)
            if holds is None:
                holds_bdd = self.enc.atom("truthy", expr, reads(expr)).is_(bdd, [0])
                found.append(bdd.and_(g, holds_bdd))
            elif holds:
                found.append(g)
        return bdd.or_all(found)

    def _compare(self, expr: Compare) -> int:
        bdd = self.bdd
        left, op, right = expr.left, expr.op, expr.right
        if isinstance(right, tuple):
            return self._in(expr, right)
        if isinstance(left, Literal) and not isinstance(right, Literal):
            left, right, op = right, left, FLIPPED[op]
        positions = self._positions(op, left, right)
        if left == right:
            return bdd.or_all(
                [g for g, o in self.table(left) if reflexive(op, o, positions(o, o) if positions else None)]
            )
        found: list[int] = []
        for (g1, o1), (g2, o2) in self._pairs(left, right):
            g = bdd.and_(g1, g2)
            if g == FALSE:
                continue
            holds = decide(op, o1, o2, positions(o1, o2) if positions else None)
            if holds:
                found.append(g)
            elif holds is None:
                found.append(bdd.and_(g, self._unknown(op, left, o1, right, o2)))
        return bdd.or_all(found)

    def _pairs(self, left: Expr, right: Expr) -> list[tuple[Case, Case]]:
        a, b = self.table(left), self.table(right)
        if len(a) * len(b) > MAX_CASES:
            a, b = self.collapse(a), self.collapse(b)
        return [(x, y) for x in a for y in b]

    def _unknown(self, op: str, left: Expr, o1: Outcome, right: Expr, o2: Outcome) -> int:
        """A comparison the outcomes leave open: a free variable stands in."""
        bdd, enc = self.bdd, self.enc
        guard = TRUE
        for side, outcome in ((left, o1), (right, o2)):
            if outcome == MAYBE:
                guard = bdd.and_(guard, enc.atom("defined", side, reads(side)).is_(bdd, [0]))
        if isinstance(right, Literal) and isinstance(o1, (Num, Mark)) and isinstance(o2, Num):
            kind = o1.kind if isinstance(o1, Num) else o2.kind
            var = enc.expr_var(left, kind, reads(left))
            wanted = []
            for i, value in enumerate(var.values):
                assert isinstance(value, Num)
                if isinstance(o1, Num) and not value.interval.meets(o1.interval):
                    continue
                if decide(op, value, o2) is not False:
                    wanted.append(i)
            return bdd.and_(guard, var.is_(bdd, wanted))
        if isinstance(right, Literal):
            atom = enc.atom(f"cmp{op}", Compare(op, left, right), reads(left))
            return bdd.and_(guard, atom.is_(bdd, [0]))
        first, second = (left, right) if enc.expr_key(left) <= enc.expr_key(right) else (right, left)
        wanted_op = op if first is left else FLIPPED[op]
        var = enc.relation(first, second, reads(first) | reads(second))
        return bdd.and_(guard, var.is_(bdd, _RELATION[wanted_op]))

    def _in(self, expr: Compare, items: tuple[Literal, ...]) -> int:
        bdd = self.bdd
        listed = [literal_outcome(item) for item in items]
        found: list[int] = []
        for g, o in self.table(expr.left):
            results = [decide("==", o, item) for item in listed]
            hit: bool | None = True if True in results else False if all(r is False for r in results) else None
            if expr.op == "not in":
                hit = False if o == NONE else None if hit is None else not hit
            if hit:
                found.append(g)
            elif hit is None:
                atom = self.enc.atom("in", Compare("in", expr.left, items), reads(expr.left)).is_(bdd, [0])
                found.append(bdd.and_(g, atom if expr.op == "in" else bdd.not_(atom)))
        return bdd.or_all(found)

    def _positions(self, op: str, left: Expr, right: Expr) -> Callable[[Outcome, Outcome], Callable[[object], int | None] | None] | None:
        """The engine's ordered-choice rule: `<` on an ordered choice compares option positions."""
        if op not in ORDERING:
            return None
        sides = [self._ordered(side) for side in (left, right)]
        if sides == [None, None]:
            return None

        def positions(o1: Outcome, o2: Outcome) -> Callable[[object], int | None] | None:
            for symbol, outcome in zip(sides, (o1, o2), strict=True):
                if symbol is not None and isinstance(outcome, Exact) and symbol.position(outcome.value) is not None:
                    return symbol.position
            return None

        return positions

    def _ordered(self, expr: Expr) -> Symbol | None:
        if not isinstance(expr, Name):
            return None
        symbol = self.symbols.resolve(expr.name)
        return symbol if symbol is not None and symbol.ordered else None


def is_defined(expr: Expr) -> bool:
    """The analysis's own `defined(x)`: x has a value (checks are written with it)."""
    return isinstance(expr, Call) and expr.function == "defined"


def _merge(bdd: BDD, cases: list[Case]) -> list[Case]:
    """Cases with the same outcome joined."""
    by_outcome: dict[Outcome, int] = {}
    for g, o in cases:
        by_outcome[o] = bdd.or_(by_outcome.get(o, FALSE), g)
    return [(g, o) for o, g in by_outcome.items() if g != FALSE]


def interval_of(cases: list[Case]) -> Interval | None:
    """The hull of the numbers an expression can be (None: not only numbers)."""
    found: Interval | None = None
    for _, o in cases:
        if o == NONE:
            continue
        if not isinstance(o, Num):
            return None
        found = o.interval if found is None else found.hull(o.interval)
    return found
