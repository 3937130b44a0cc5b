"""Conditions evaluated without a call: true, false, or not known until then.

Lint knows some values exactly (constants; a choice or yes/no answer when it
tries each possible value in turn) and of others only their type (a money
answer, the agent's name). `evaluate3` follows the engine's rules
(callflow.flow.evaluate): a value not recorded compares false, values of
different kinds compare false, a bare name is true when it holds something.
Where those rules decide, the answer is True or False; otherwise None.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import NamedTuple

from callflow.flow import evaluate as engine
from callflow.flow import expressions as conditions
from callflow.flow.evaluate import Value
from callflow.flow.expressions import BoolOp, Compare, Expr, Literal, Name, Not
from callflow.flow.names import Symbols

_DIGITS = re.compile(r"\s*[+-]?\d+(?:\.\d+)?\s*")
ORDERING = ("<", "<=", ">", ">=")
MAX_ASSIGNMENTS = 256


class Opaque(NamedTuple):
    """A value whose kind is known but not the value (it may be unrecorded)."""

    kind: str  # "bool", "number", "text", "date" or "any"


Known = Value | Opaque


def kind_of(value: Known) -> str:
    if isinstance(value, Opaque):
        return value.kind
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal):
        return "number"
    return "text"


def kind_of_type(field_type: str) -> str:
    """The kind of value a field type holds."""
    return {"yesno": "bool", "money": "number", "number": "number", "date": "date"}.get(field_type, "text")


def evaluate3(expr: Expr, lookup: Callable[[str], Known]) -> bool | None:
    """True, False, or None when it depends on what is not known."""
    if isinstance(expr, BoolOp):
        results = [evaluate3(e, lookup) for e in expr.operands]
        if expr.op == "and":
            if False in results:
                return False
            return True if all(r is True for r in results) else None
        if True in results:
            return True
        return False if all(r is False for r in results) else None
    if isinstance(expr, Not):
        inner = evaluate3(expr.operand, lookup)
        return None if inner is None else not inner
    if isinstance(expr, Name):
        value = lookup(expr.name)
        return None if isinstance(value, Opaque) else _truthy(value)
    if isinstance(expr, Literal):
        return _truthy(expr.value)
    if not isinstance(expr, Compare):
        return None  # arithmetic and functions: known only during the call
    left = _operand(expr.left, lookup)
    if isinstance(expr.right, tuple):
        results = [compare3("==", left, item.value) for item in expr.right]
        if expr.op == "not in":
            if left is None:
                return False
            results = [None if r is None else not r for r in results]
            if False in results:
                return False
            return True if all(r is True for r in results) else None
        if True in results:
            return True
        return False if all(r is False for r in results) else None
    return compare3(expr.op, left, _operand(expr.right, lookup))


def compare3(op: str, a: Known, b: Known) -> bool | None:
    if a is None or b is None:
        return False
    if isinstance(a, Opaque) or isinstance(b, Opaque):
        return None if comparable(op, a, b) else False
    # The engine's own comparison, remembered: True == Decimal(1) as a key, so types are part of it.
    key = (op, type(a), a, type(b), b)
    found = _COMPARED.get(key)
    if found is None:
        found = _COMPARED[key] = engine.compare(op, a, b)
    return found


_COMPARED: dict[tuple[object, ...], bool] = {}


def comparable(op: str, a: Known, b: Known) -> bool:
    """Whether two values of these kinds can ever compare true (None: unrecorded)."""
    ka, kb = kind_of(a), kind_of(b)
    if "any" in (ka, kb):
        return True
    if ka == "bool" or kb == "bool":
        return ka == kb and op not in ORDERING
    if ka == kb:
        return True
    if "date" in (ka, kb):
        # A date is text written YYYY-MM-DD: never plain digits, so never equal to a number.
        return "text" in (ka, kb)
    # Text compares with a number only when it is plain digits.
    text = a if ka == "text" else b
    return isinstance(text, Opaque) or (isinstance(text, str) and _DIGITS.fullmatch(text) is not None)


def _operand(operand: Expr, lookup: Callable[[str], Known]) -> Known:
    if isinstance(operand, Name):
        return lookup(operand.name)
    if isinstance(operand, Literal):
        return operand.value
    return Opaque("any")


def _truthy(value: Value) -> bool:
    return engine.truthy(value)


def fixed_value(symbols: Symbols, name: str) -> Known:
    """A constant's text or a catalog item's price or name, or the kind of value a name holds."""
    cache = symbols.fixed_values
    found = cache.get(name, _NOT_YET)
    if found is _NOT_YET:
        symbol = symbols.resolve(name)
        if symbol is None:
            found = Opaque("any")
        elif symbol.kind in ("constant", "catalog"):
            found = symbol.value
        else:
            found = Opaque(kind_of_type(symbol.type))
        cache[name] = found
    return found  # type: ignore[return-value]


_NOT_YET = object()


def unique_names(expr: Expr) -> tuple[str, ...]:
    """The names a condition reads, each once, in order (remembered)."""
    # Keyed by identity (hashing a parsed condition walks all of it); the
    # entry keeps the condition alive, so its id cannot be reused.
    entry = _NAMES.get(id(expr))
    if entry is None or entry[0] is not expr:
        entry = _NAMES[id(expr)] = (expr, tuple(dict.fromkeys(name.name for name in conditions.names(expr))))
    return entry[1]


_NAMES: dict[int, tuple[Expr, tuple[str, ...]]] = {}


class Space:
    """What names can hold at one point of the flow, in one or more cases.

    Each case gives, for a tracked name (a choice, `choose` id or yes/no that
    conditions read), its possible values (None stands for "not recorded
    yet"), or None for a name that is not tracked. Values of different cases
    are never combined with each other.
    """

    def __init__(self, symbols: Symbols, cases: Sequence[Callable[[str], frozenset[Value] | None]]) -> None:
        self.symbols = symbols
        self.cases = cases

    def fixed(self, name: str) -> Known:
        """The value of a name that is not enumerated."""
        return fixed_value(self.symbols, name)

    def assignments(self, names: Sequence[str]) -> Iterator[dict[str, Value]] | None:
        """Every combination of the tracked names' values, case by case; None if too many."""
        per_case: list[tuple[list[str], list[list[Value]]]] = []
        total = 0
        for value_sets in self.cases:
            keys: list[str] = []
            columns: list[list[Value]] = []
            count = 1
            for name in names:
                values = value_sets(name)
                if values is not None:
                    keys.append(name)
                    columns.append(sorted(values, key=repr))
                    count *= len(values)
            total += count
            per_case.append((keys, columns))
        if total > MAX_ASSIGNMENTS:
            return None
        return (
            dict(zip(keys, combo, strict=True)) for keys, columns in per_case for combo in itertools.product(*columns)
        )

    def lookup(self, assignment: dict[str, Value]) -> Callable[[str], Known]:
        def find(name: str) -> Known:
            return assignment[name] if name in assignment else self.fixed(name)

        return find

    def outcomes(self, expr: Expr) -> set[bool | None]:
        """The results the condition can have here (empty: no case reaches here)."""
        found = self.assignments(unique_names(expr))
        if found is None:
            return {None}
        return {evaluate3(expr, self.lookup(assignment)) for assignment in found}
