"""The variables of the path analysis and how their values are written in bits.

Every value a condition or an expression of the flow reads becomes a
finite-domain variable: a choice or `choose` answer (its options), a yes/no
or checklist confirmation, a text compared with quoted words (those words
and "other"), a number, amount, duration or date (the regions its constants
cut, callflow.lint.regions), a visit count (0, 1, … up to the largest count
compared or the node's `at_most`), `today`, and the amounts. A recorded
value also has a bit that says it is recorded (asked, chosen, confirmed or
computed), and that is all a name read only by placeholders needs.

What the analysis cannot pin down becomes a free variable, forgotten when
what it reads changes: an expression compared with constants (`bottles *
price - fee > 50`, by the regions of those constants), how two expressions
compare (`refund < refund_due`: less, equal or more), whether an expression
is true or has a value at all.

A variable's values are numbered; the number is written in its bits, the
first bit the most significant. Numbers beyond the last value stand for the
last value, so every assignment of the bits is a value.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from callflow.flow.expressions import Call, Compare, Expr, Literal, Name, walk
from callflow.flow.fields import InputField
from callflow.flow.invoicesteps import CreditStep, ItemRef, ItemStep, PastDueStep, PaymentStep, RefundStep, TimeStep
from callflow.flow.model import Flow
from callflow.flow.names import Symbol, Symbols
from callflow.flow.scalars import MAX_AMOUNT
from callflow.lint import regions
from callflow.lint.bdd import BDD, FALSE, TRUE
from callflow.lint.outcomes import NONE, SOME, Exact, Num, Outcome, Text, day_number, plain_number
from callflow.lint.regions import INF, NEG_INF, Interval

CENT = Decimal("0.01")
ONE = Decimal(1)
LESS, EQUAL, MORE = 0, 1, 2  # the values of a comparison between two expressions


class Var:
    """A finite-domain variable: its values (outcomes) and its bits."""

    __slots__ = ("_is", "bits", "key", "mask", "recorded", "values")

    def __init__(self, key: str, values: list[Outcome], bits: list[int], recorded: int | None) -> None:
        self.key = key
        self.values = values
        self.bits = bits  # most significant first
        self.recorded = recorded  # the bit that says it is recorded, if it can be unrecorded
        self.mask = sum(1 << b for b in bits)
        self._is: dict[frozenset[int], int] = {}

    def code(self, index: int) -> tuple[int, int]:
        """(ones, zeros) of the bits that write value `index`."""
        ones = zeros = 0
        width = len(self.bits)
        for k, bit in enumerate(self.bits):
            if index >> (width - 1 - k) & 1:
                ones |= 1 << bit
            else:
                zeros |= 1 << bit
        return ones, zeros

    def is_(self, bdd: BDD, indexes: Iterable[int]) -> int:
        """The function "the value is one of these"."""
        wanted = frozenset(indexes)
        found = self._is.get(wanted)
        if found is not None:
            return found
        last = len(self.values) - 1
        width = len(self.bits)
        found = _codes(bdd, self.bits, 0, 0, last, wanted) if width else TRUE if 0 in wanted else FALSE
        self._is[wanted] = found
        return found


def _codes(bdd: BDD, bits: list[int], level: int, prefix: int, last: int, wanted: frozenset[int]) -> int:
    """The function "the code written in `bits` stands for a value in `wanted`" (codes past the last value stand for it)."""
    if level == len(bits):
        return TRUE if min(prefix, last) in wanted else FALSE
    low = _codes(bdd, bits, level + 1, prefix * 2, last, wanted)
    return bdd.node(bits[level], low, _codes(bdd, bits, level + 1, prefix * 2 + 1, last, wanted))


class Encoding:
    """The variables of one flow, made on first use, with the constants they are compared with."""

    def __init__(self, flow: Flow, symbols: Symbols, bdd: BDD) -> None:
        self.flow = flow
        self.symbols = symbols
        self.bdd = bdd
        self.count = 0  # bits allocated
        self.vars: dict[str, Var | None] = {}
        self.cuts: dict[str, set[Decimal]] = {}
        self.texts: dict[str, set[str]] = {}
        self.exprs: dict[Expr, str] = {}  # expressions with a variable of their own, by key
        self.readers: dict[str, int] = {}  # name key -> bits of the free variables that read it
        self.facts: dict[str, int] = {}
        self.forgettable = 0  # bits liveness may forget (not facts)
        self.valued: set[str] = set()  # names some expression reads the value of

    def bit(self, forgettable: bool = True) -> int:
        bit = self.count
        self.count += 1
        if forgettable:
            self.forgettable |= 1 << bit
        return bit

    def fact(self, name: str) -> int:
        """The bit of a fact (an invoice line exists, a payment was taken, …)."""
        found = self.facts.get(name)
        if found is None:
            found = self.facts[name] = self.bit(forgettable=False)
        return found

    # -- what is compared with what ---------------------------------------------------

    def collect(self, exprs: Iterable[Expr]) -> None:
        """Note the constants each value is compared with, before any variable is made."""
        seen: set[int] = set()
        for expr in exprs:
            if id(expr) in seen:
                continue
            seen.add(id(expr))
            for node in walk(expr):
                if isinstance(node, Compare):
                    self._compared(node)
                key = leaf_key(node)
                if key is not None:
                    self.valued.add(key)

    def _compared(self, node: Compare) -> None:
        left, right = node.left, node.right
        if isinstance(right, tuple):
            for item in right:
                self._cut(left, item)
        elif isinstance(right, Literal):
            self._cut(left, right)
        elif isinstance(left, Literal):
            self._cut(right, left)

    def _cut(self, side: Expr, literal: Literal) -> None:
        key = leaf_key(side) or self.expr_key(side)
        value = literal.value
        if isinstance(value, bool):
            return
        if isinstance(value, Decimal):
            self.cuts.setdefault(key, set()).add(value)
            return
        self.texts.setdefault(key, set()).add(value)
        for number in (plain_number(value), day_number(value)):
            if number is not None:
                self.cuts.setdefault(key, set()).add(number)

    def expr_key(self, expr: Expr) -> str:
        found = self.exprs.get(expr)
        if found is None:
            found = self.exprs[expr] = f"expr:{len(self.exprs)}"
        return found

    # -- the variables ---------------------------------------------------------------

    def var(self, key: str) -> Var | None:
        """The variable of a name or `visits:NODE` (None: a constant, or nothing to track)."""
        found = self.vars.get(key)
        if found is None and key not in self.vars:
            found = self.vars[key] = self._make(key)
        return found

    def _new(self, key: str, values: list[Outcome], recorded: bool) -> Var:
        width = (len(values) - 1).bit_length()
        r = self.bit() if recorded else None
        return Var(key, values, [self.bit() for _ in range(width)], r)

    def _make(self, key: str) -> Var | None:
        if key.startswith("visits:"):
            return self._counter(key)
        symbol = self.symbols.resolve(key)
        if symbol is None or symbol.kind in ("constant", "catalog"):
            return None
        if symbol.kind == "amount":
            low = self._lowest(key)
            return self._new(key, self._numbers(key, Interval(low, True, MAX_AMOUNT, True), CENT), False)
        if symbol.kind == "today":
            return self._new(key, self._numbers(key, regions.EVERYTHING, ONE, "d"), False)
        if symbol.kind == "agent":
            return self._new(key, [*self._texts(key), NONE], False)
        if key not in self.valued:
            return self._new(key, [SOME], True)  # read only by placeholders: recorded or not
        values = self._values(key, symbol)
        optional = symbol.kind == "field" and not symbol.required
        return self._new(key, [*values, NONE] if optional else values, True)

    def _lowest(self, amount: str) -> Decimal:
        """The least an amount can be: due and refund_due never go below 0; the others only
        where the flow credits, charges negative prices or takes negative payments."""
        if amount in ("due", "refund_due"):
            return Decimal(0)

        past_due = Decimal(0)
        lines = payments = False
        for node in self.flow.nodes.values():
            for step in node.steps:
                if isinstance(step, PastDueStep) and step.past_due in self.flow.fields:
                    low = self.flow.fields[step.past_due].bounds()[0]
                    past_due = min(past_due, low if low is not None else Decimal(0))
                elif isinstance(step, CreditStep) or (isinstance(step, ItemStep) and isinstance(step.item, ItemRef) and step.item.price) or (isinstance(step, TimeStep) and (step.time.rate is not None or step.time.multiplier.strip() != "1")):
                    lines = True
                elif isinstance(step, (PaymentStep, RefundStep)):
                    payments = payments or _explicit(step)
        if amount == "past_due":
            return past_due
        if amount in ("paid", "refunded"):
            return -MAX_AMOUNT if payments else Decimal(0)
        if lines:
            return -MAX_AMOUNT
        return past_due

    def _values(self, key: str, symbol: Symbol) -> list[Outcome]:
        kind = symbol.type
        if kind == "yesno":
            return [Exact(True), Exact(False)]
        if kind == "choice":
            if symbol.options:
                return [Exact(o) for o in symbol.option_keys]
            return [*self._texts(key)]
        if kind == "text":
            return self._texts(key)
        if kind in ("number", "money", "duration", "date"):
            spec = self.flow.fields.get(key)
            bounds, step = self._bounds(symbol, spec)
            return self._numbers(key, bounds, step, "d" if kind == "date" else "n")
        return [SOME]

    def _bounds(self, symbol: Symbol, spec: InputField | None) -> tuple[Interval, Decimal]:
        kind = symbol.type
        step = ONE if kind in ("duration", "date") or symbol.whole else CENT if kind == "money" else Decimal(0)
        if spec is None:  # a computed value: unbounded
            return regions.EVERYTHING, step
        if kind == "number" and spec.decimals:
            step = Decimal(1).scaleb(-spec.decimals)
        if kind == "date":
            low_bound, high_bound = spec.date_bounds()
            low = Decimal(low_bound.fixed.toordinal()) if low_bound and low_bound.fixed else NEG_INF
            high = Decimal(high_bound.fixed.toordinal()) if high_bound and high_bound.fixed else INF
            return Interval(low, low.is_finite(), high, high.is_finite()), step
        low_n, high_n = spec.bounds()
        low = low_n if low_n is not None else Decimal(0)
        high = high_n if high_n is not None else MAX_AMOUNT
        return Interval(low, True, high, True), step

    def _numbers(self, key: str, bounds: Interval, step: Decimal, kind: str = "n") -> list[Outcome]:
        cuts = sorted(self.cuts.get(key, set()) | ({Decimal(0)} if kind == "n" else set()))
        return [Num(r, kind) for r in regions.regions(cuts, bounds, step)]

    def _texts(self, key: str) -> list[Outcome]:
        words = sorted(self.texts.get(key, set()))
        return [*(Exact(w) for w in words), Text(frozenset(words))]

    def _counter(self, key: str) -> Var:
        node = self.flow.nodes.get(key[len("visits:") :])
        limit = node.at_most.times if node is not None and node.at_most is not None else 0
        cuts = self.cuts.get(key, set())
        top = max([limit, 1, *(int(c.to_integral_value()) + 1 for c in cuts if c >= 0)])
        values: list[Outcome] = [Num(regions.point(Decimal(i))) for i in range(top)]
        values.append(Num(Interval(Decimal(top), True, INF, False)))
        return self._new(key, values, False)

    # -- free variables ------------------------------------------------------------

    def free(self, key: str, values: list[Outcome], reads: Iterable[str]) -> Var:
        """A variable for what the analysis cannot pin down, forgotten when what it reads changes."""
        existing = self.vars.get(key)
        if existing is None:
            found = self.vars[key] = self._new(key, values, False)
            for name in reads:
                self.readers[name] = self.readers.get(name, 0) | found.mask
            return found
        return existing

    def expr_var(self, expr: Expr, kind: str, reads: Iterable[str]) -> Var:
        """An expression compared with constants, by the regions they cut."""
        key = self.expr_key(expr)
        if key in self.vars:
            found = self.vars[key]
            assert found is not None
            return found
        cuts = sorted(self.cuts.get(key, set()))
        values: list[Outcome] = [Num(r, kind) for r in regions.regions(cuts, regions.EVERYTHING, Decimal(0))]
        return self.free(key, values, reads)

    def relation(self, left: Expr, right: Expr, reads: Iterable[str]) -> Var:
        """How two expressions compare: less, equal or more."""
        key = f"rel:{self.expr_key(left)}:{self.expr_key(right)}"
        return self.free(key, [Exact("<"), Exact("="), Exact(">")], reads)

    def atom(self, what: str, expr: Expr, reads: Iterable[str]) -> Var:
        """A yes/no about an expression: it is true (`truthy`), it has a value (`defined`)."""
        return self.free(f"{what}:{self.expr_key(expr)}", [Exact(True), Exact(False)], reads)

    def changed(self, key: str) -> int:
        """The bits to forget when the value of `key` changes: its own and what reads it."""
        var = self.vars.get(key)
        own = (var.mask | (1 << var.recorded if var.recorded is not None else 0)) if var is not None else 0
        return own | self.readers.get(key, 0)


def _explicit(step: object) -> bool:
    """A payment or refund of an amount other than the default (it may be anything)."""
    amount = getattr(step, "payment", None) or getattr(step, "refund", None)
    return amount is not None and amount.amount.strip() not in ("due", "refund_due", "total", "past_due", "subtotal")


def leaf_key(expr: Expr) -> str | None:
    """The variable key of a name or `visits('X')`; None for anything else."""
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Call) and expr.function == "visits":
        arg = expr.args[0]
        assert isinstance(arg, Literal)
        return f"visits:{arg.value}"
    return None


def reads(expr: Expr) -> frozenset[str]:
    """The variable keys an expression reads (names, visit counts)."""
    found: set[str] = set()
    for node in walk(expr):
        key = leaf_key(node)
        if key is not None:
            found.add(key)
    return frozenset(found)

