"""The type of every expression, and what is wrong with the types of one.

Types are the field types: `number` (whole or not), `money`, `text`,
`yesno`, `date`, `duration`, `choice` (of one question), and `any` where a
name is unknown (lint reports that name on its own). The rules a flow
author meets:

- money ± money, money × number, money ÷ number = money; money ÷ money is a
  number; money × money and money + text are errors;
- a plain number written in the flow (`0`, `100`) stands for an amount next
  to money, so `past_due_amount > 0` and `max(refund - 9, 0)` read as meant;
- date ± a whole number of days is a date; date − date is a number of days;
- duration ± duration, duration × number; `hours(d)` and `minutes(d)` are numbers;
- `<` and `>` need numbers, money, durations, dates, or an ordered choice
  (compared by the options' order); text and yes/no have no order.

`infer` returns the type and the problems found, each at an offset in the
text, so lint reports them where they stand. The engine reads the same types
(to round money to cents, to show a computed value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from callflow.flow.expressions import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    Literal,
    Name,
    Negate,
    Not,
)
from callflow.flow.names import Symbols
from callflow.flow.suggest import did_you_mean
from callflow.flow.typerules import FLIPPED, arith_type, compare_problem, literal_problem, named, operand_span
from callflow.flow.types import ANY, MONEY, NUMBER, WHOLE, YESNO, Type, literal_type, type_of_symbol


@dataclass(frozen=True)
class Problem:
    """A type problem at `offset` (length `length`) of the expression's text."""

    offset: int
    length: int
    message: str
    expected: bool = False  # the value is not of the kind its place needs (Checker.check)


@dataclass
class Inference:
    type: Type
    problems: list[Problem] = field(default_factory=list)




class Checker:
    """Types the expressions of one flow against its names."""

    def __init__(self, symbols: Symbols, node_ids: set[str] | None = None) -> None:
        self.symbols = symbols
        self.node_ids = node_ids

    def infer(self, expr: Expr) -> Inference:
        problems: list[Problem] = []
        found = self._type(expr, problems)
        return Inference(found, problems)

    def check(self, expr: Expr, expected: str, what: str) -> Inference:
        """Infer, and say so when the result is not of the `expected` kind."""
        result = self.infer(expr)
        got = result.type
        if got.kind == "any" or got.kind == expected:
            return result
        if expected == "money" and got.kind == "number" and got.literal:
            return result
        if expected == "yesno":
            return result  # any value reads as a condition (true when it holds something)
        from callflow.flow.expressions import span

        offset, length = span(expr)
        words = {"money": "an amount of money", "number": "a number", "date": "a date", "duration": "a duration"}
        hint = ""
        if expected == "money" and got.kind == "number":
            hint = ": multiply it by an amount (a price, a rate, a money constant)"
        if expected == "duration" and got.kind == "number":
            hint = ": give the unit, as in 30 min or 2 hours"
        result.problems.append(
            Problem(offset, length, f"{what} must be {words.get(expected, expected)}, not {got}{hint}", expected=True)
        )
        return result

    # -- one node of the tree --------------------------------------------------------

    def _type(self, expr: Expr, problems: list[Problem]) -> Type:
        if isinstance(expr, Literal):
            return literal_type(expr)
        if isinstance(expr, Name):
            symbol = self.symbols.resolve(expr.name)
            return ANY if symbol is None else type_of_symbol(symbol)
        if isinstance(expr, (Not, BoolOp)):
            for part in (expr.operand,) if isinstance(expr, Not) else expr.operands:
                self._type(part, problems)
            return YESNO
        if isinstance(expr, Negate):
            inner = self._type(expr.operand, problems)
            if inner.kind not in ("number", "money", "duration", "any"):
                problems.append(Problem(expr.offset, 1, f"'-' needs a number, an amount or a duration, not {inner}"))
                return ANY
            return inner
        if isinstance(expr, Arith):
            return self._arith(expr, problems)
        if isinstance(expr, Call):
            return self._call(expr, problems)
        assert isinstance(expr, Compare)
        self._compare(expr, problems)
        return YESNO

    def _arith(self, expr: Arith, problems: list[Problem]) -> Type:
        a = self._type(expr.left, problems)
        b = self._type(expr.right, problems)
        if a.kind == "any" or b.kind == "any":
            return ANY
        found = arith_type(expr.op, a, b)
        if isinstance(found, str):
            problems.append(Problem(expr.offset, 1, found))
            return ANY
        return found

    def _call(self, expr: Call, problems: list[Problem]) -> Type:
        name = expr.function
        if name == "visits":
            arg = expr.args[0]
            assert isinstance(arg, Literal)
            node = str(arg.value)
            if self.node_ids is not None and node not in self.node_ids:
                problems.append(
                    Problem(arg.offset, arg.length, f"visits('{node}'): there is no node '{node}'{did_you_mean(node, self.node_ids)}")
                )
            return WHOLE
        types = [self._type(arg, problems) for arg in expr.args]
        if any(t.kind == "any" for t in types):
            return ANY if name not in ("hours", "minutes") else NUMBER
        if name in ("hours", "minutes"):
            if types[0].kind != "duration":
                problems.append(Problem(expr.offset, expr.length, f"{name}() takes a duration, not {types[0]}"))
                return ANY
            return NUMBER if name == "hours" else WHOLE
        if name == "round":
            base = types[0]
            if base.kind not in ("number", "money"):
                problems.append(Problem(expr.offset, expr.length, f"round() takes a number or an amount, not {base}"))
                return ANY
            if len(expr.args) == 2:
                places = expr.args[1]
                if not (isinstance(places, Literal) and isinstance(places.value, Decimal) and places.value % 1 == 0 and 0 <= places.value <= 6):
                    problems.append(Problem(expr.offset, expr.length, "round(x, places): places is a whole number from 0 to 6"))
                return Type(base.kind, whole=places_are_zero(expr))
            return MONEY if base.kind == "money" else WHOLE
        if name == "abs":
            base = types[0]
            if base.kind not in ("number", "money", "duration"):
                problems.append(Problem(expr.offset, expr.length, f"abs() takes a number, an amount or a duration, not {base}"))
                return ANY
            return base
        # min, max: one kind; a plain number stands for money next to money.
        kinds = {t.kind for t in types if not (t.kind == "number" and t.literal)}
        if not kinds:
            return Type("number", whole=all(t.whole for t in types), literal=True)
        if len(kinds) > 1 or kinds & {"text", "yesno", "choice"}:
            shown = ", ".join(str(t) for t in types)
            problems.append(Problem(expr.offset, expr.length, f"{name}() compares values of one kind, not {shown}"))
            return ANY
        kind = kinds.pop()
        if kind in ("money", "date", "duration"):
            stray = [t for t in types if t.kind == "number" and t.literal]
            if stray and kind != "money":
                problems.append(Problem(expr.offset, expr.length, f"{name}(): give the numbers as {'durations (30 min)' if kind == 'duration' else 'dates'}"))
            return Type(kind)
        return Type("number", whole=all(t.whole for t in types))

    # -- comparisons -----------------------------------------------------------------

    def _compare(self, expr: Compare, problems: list[Problem]) -> None:
        left_type = self._type(expr.left, problems)
        if isinstance(expr.right, tuple):
            for item in expr.right:
                self._pair(expr, expr.left, left_type, item, literal_type(item), "==", problems)
            return
        right_type = self._type(expr.right, problems)
        self._pair(expr, expr.left, left_type, expr.right, right_type, expr.op, problems)

    def _pair(
        self,
        compare: Compare,
        left: Expr,
        a: Type,
        right: Expr,
        b: Type,
        op: str,
        problems: list[Problem],
    ) -> None:
        if isinstance(left, Literal) and not isinstance(right, Literal):
            left, right, a, b, op = right, left, b, a, FLIPPED[op]
        if a.kind == "any" or b.kind == "any":
            return
        where = operand_span(left)
        if isinstance(right, Literal):
            message = literal_problem(self.symbols, left, a, op, right)
            if message is not None:
                problems.append(Problem(*where, message))
            return
        message = compare_problem(op, a, b)
        if message is None:
            return
        if isinstance(left, Name) and isinstance(right, Name):
            first, second = self.symbols.resolve(left.name), self.symbols.resolve(right.name)
            if first is not None and second is not None:
                message = (
                    f"'{left.name}' is {first.describe()} and '{right.name}' is {second.describe()}:"
                    f" '{left.name} {op} {right.name}' is never true"
                )
                problems.append(Problem(*where, message))
                return
        problems.append(Problem(*where, f"{named(left)}{message}"))



def settle_computed_types(symbols: Symbols) -> dict[str, list[tuple[str, int, str, Type]]]:
    """Give each computed value (`set:`) the type of its expressions.

    Returns, per computed name, every place it is set: (node id, step index,
    expression text, type), so lint can report a name set to two kinds of
    value. Values set from other computed values settle in a few rounds.
    """
    from callflow.flow.expressions import ExpressionError, parse_expression
    from callflow.flow.names import all_nodes
    from callflow.flow.steps import SetStep

    checker = Checker(symbols)
    sites: dict[str, list[tuple[str, int, str]]] = {}
    for _, node_id, node in all_nodes(symbols.flow):
        for i, step in enumerate(node.steps):
            if isinstance(step, SetStep):
                for name, text in step.set.items():
                    sites.setdefault(name, []).append((node_id, i, text))
    found: dict[str, list[tuple[str, int, str, Type]]] = {}
    for _ in range(len(sites) + 1):
        changed = False
        for name, places in sites.items():
            if name not in symbols.computed:
                continue
            typed = []
            for node_id, i, text in places:
                try:
                    kind = checker.infer(parse_expression(text)).type
                except ExpressionError:
                    kind = ANY
                typed.append((node_id, i, text, kind))
            found[name] = typed
            kinds = {t.kind for *_, t in typed if t.kind != "any"}
            settled = kinds.pop() if len(kinds) == 1 else "any"
            if settled == "number" and all(t.whole for *_, t in typed if t.kind == "number"):
                settled_whole = True
            else:
                settled_whole = False
            symbol = symbols.table[name]
            if symbol.type != settled or symbol.whole != settled_whole:
                symbols.table[name] = symbol._replace(type=settled, whole=settled_whole)
                changed = True
        if not changed:
            break
    return found


def places_are_zero(expr: Call) -> bool:
    places = expr.args[1] if len(expr.args) > 1 else None
    return places is None or (isinstance(places, Literal) and places.value == 0)
