"""What the path analysis checks at each step, planned from the flow before it runs.

For each step: the recorded values it reads (placeholders in its words,
names in its expressions, a `past_due:` field), whether it takes a payment,
and its hazards: a division whose divisor can be 0 (with the parts of an
`and`/`or` before it that must hold for it to be computed at all), an
amount paid, billed or credited that can be below zero, a refund that can be
more than the invoice owes. Each hazard is an expression (a comparison made
for the check), so the analysis gives its constants regions like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from callflow.flow.expressions import Arith, BoolOp, Call, Compare, Expr, Literal, Name, children, span
from callflow.flow.invoicesteps import PastDueStep, PaymentStep
from callflow.flow.model import Flow, IfRoute
from callflow.flow.names import Symbols
from callflow.flow.templates import Placeholder
from callflow.lint.sites import ExpressionSite, TemplateSite

ZERO = Literal(Decimal(0))
MONEY_SLOTS = {("payment", "amount"), ("refund", "amount"), ("credit", "amount"), ("item", "price"), ("credit", "price"), ("time", "rate")}
COUNT_SLOTS = {("item", "quantity"), ("credit", "quantity")}


class Read(NamedTuple):
    """A step reading a recorded value: a placeholder, a name in an expression, a `past_due:` field."""

    name: str
    loc: tuple[Any, ...]
    text: str | None = None  # the template or the expression
    placeholder: Placeholder | None = None
    how: str = "placeholder"  # "placeholder", "past_due" or an expression's role: value, quantity, amount …
    offset: int = 0  # where the name stands in an expression
    step: str = ""  # the kind of step (payment, refund, credit …)


class Hazard(NamedTuple):
    """A check at a step: where `test` can hold, there is a problem."""

    kind: str  # "division", "negative" or "refund"
    test: Expr  # the problem, as a condition
    context: tuple[tuple[Expr, bool], ...]  # parts of an and/or that must hold (True) or fail (False) first
    loc: tuple[Any, ...]
    text: str
    offset: int
    length: int
    before: bool  # checked before the step's `when:` (it is part of it)
    what: str = ""  # the slot: "the payment", "the price" …


class StepPlan(NamedTuple):
    reads: list[Read]
    pays: bool
    hazards: list[Hazard]


def divisions(expr: Expr, context: tuple[tuple[Expr, bool], ...] = ()) -> Iterator[tuple[Arith, tuple[tuple[Expr, bool], ...]]]:
    """Each division, with what must hold for the engine to compute it (`and`/`or` stop early)."""
    if isinstance(expr, BoolOp):
        seen = context
        for operand in expr.operands:
            yield from divisions(operand, seen)
            seen = (*seen, (operand, expr.op == "and"))
        return
    if isinstance(expr, Arith) and expr.op == "/":
        yield expr, context
    for child in children(expr):
        yield from divisions(child, context)


_MADE: dict[tuple[str, int], tuple[Expr, Expr]] = {}


def made(kind: str, expr: Expr) -> Expr:
    """A check about an expression, made once per expression (so the analysis compiles it once)."""
    key = (kind, id(expr))
    entry = _MADE.get(key)
    if entry is None or entry[0] is not expr:
        if kind == "zero":
            assert isinstance(expr, Arith)
            # The engine divides only when both sides have a value, and refuses a divisor of 0.
            test: Expr = BoolOp("and", (Compare("==", expr.right, ZERO), Call("defined", (expr.left,))))
        elif kind == "negative":
            test = Compare("<", expr, ZERO)
        elif kind == "nonzero":
            test = Compare("!=", expr, ZERO)
        else:
            test = BoolOp("and", (Call("defined", (expr,)), Compare(">", expr, Name("refund_due"))))
        entry = _MADE[key] = (expr, test)
    return entry[1]


def division_hazards(expr: Expr, loc: tuple[Any, ...], text: str, before: bool) -> list[Hazard]:
    if "/" not in text:
        return []
    return [Hazard("division", made("zero", node), context, loc, text, node.offset, 1, before) for node, context in divisions(expr)]


class Planner:
    """The checks of each step of a flow."""

    def __init__(self, flow: Flow, symbols: Symbols, parse: Any) -> None:
        self.flow = flow
        self.symbols = symbols
        self.parse = parse
        self.templates: dict[tuple[str, int], list[TemplateSite]] = {}
        self.expressions: dict[tuple[str, int], list[ExpressionSite]] = {}
        self._routes: dict[str, list[list[Hazard]]] = {}

    def add_sites(self, templates: list[TemplateSite], expressions: list[ExpressionSite]) -> None:
        for site in templates:
            self.templates.setdefault((site.node_id, site.step_index), []).append(site)
        for e in expressions:
            self.expressions.setdefault((e.node_id, e.step_index), []).append(e)

    def _recorded(self, name: str) -> bool:
        symbol = self.symbols.resolve(name)
        return symbol is not None and symbol.recorded

    def step(self, node_id: str, i: int, step: object) -> StepPlan:
        reads: list[Read] = []
        hazards: list[Hazard] = []
        base = ("nodes", node_id, "steps", i)
        for site in self.templates.get((node_id, i), ()):
            for placeholder in site.placeholders:
                if self._recorded(placeholder.name):
                    reads.append(Read(placeholder.name, site.loc, site.text, placeholder))
        if isinstance(step, PastDueStep):
            if step.past_due in self.flow.fields:
                reads.append(Read(step.past_due, (*base, "past_due"), how="past_due"))
            hazards.append(self._negative(Name(step.past_due), (*base, "past_due"), step.past_due, "the past-due balance"))
        when = getattr(step, "when", None)
        if when is not None:
            hazards += division_hazards(self.parse(when), (*base, "when"), when, True)
        for esite in self.expressions.get((node_id, i), ()):
            expr = self.parse(esite.text)
            kind = esite.loc[4]
            for name in _names(expr):
                if self._recorded(name.name):
                    reads.append(Read(name.name, esite.loc, esite.text, None, esite.role, name.offset, kind))
            hazards += division_hazards(expr, esite.loc, esite.text, False)
            if (kind, esite.role) in MONEY_SLOTS or (kind, esite.role) in COUNT_SLOTS:
                hazards.append(self._negative(expr, esite.loc, esite.text, f"the {kind} {esite.role}"))
            if kind == "refund" and esite.text.strip() != "refund_due":
                offset, length = span(expr)
                hazards.append(Hazard("refund", made("refund", expr), (), esite.loc, esite.text, offset, length, False))
        return StepPlan(reads, isinstance(step, PaymentStep), hazards)

    def _negative(self, expr: Expr, loc: tuple[Any, ...], text: str, what: str) -> Hazard:
        offset, length = span(expr)
        return Hazard("negative", made("negative", expr), (), loc, text, offset, length, False, what)

    def routes(self, node_id: str) -> list[list[Hazard]]:
        """The hazards of each route's condition (remembered)."""
        known = self._routes.get(node_id)
        if known is not None:
            return known
        node = self.flow.nodes[node_id]
        found: list[list[Hazard]] = []
        self._routes[node_id] = found
        for i, route in enumerate(node.routes or ()):
            if isinstance(route, IfRoute):
                loc = ("nodes", node_id, "routes", i, "if")
                found.append(division_hazards(self.parse(route.if_), loc, route.if_, True))
            else:
                found.append([])
        return found


def _names(expr: Expr) -> Iterator[Name]:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            yield node
        stack.extend(reversed(children(node)))


def hazard_exprs(hazard: Hazard) -> Iterator[Expr]:
    yield hazard.test
    for expr, _ in hazard.context:
        yield expr
