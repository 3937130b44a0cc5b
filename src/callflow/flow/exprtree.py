"""The tree an expression is parsed into (callflow.flow.expressions), and ways
of reading it: every name it reads, every comparison, the nodes `visits()`
counts, where it stands in its text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

# Offsets say where a part stands in its text, for messages; two expressions
# that read the same are equal wherever their parts stand.


@dataclass(frozen=True)
class Literal:
    """A number, percentage, duration, quoted text or yes/no.

    `unit` says how a number was written: "" plain, "%" a percentage (the
    value is already divided by 100), "min" a duration in minutes, "days".
    """

    value: str | Decimal | bool
    offset: int = field(default=0, compare=False)
    length: int = field(default=0, compare=False)
    unit: str = ""


@dataclass(frozen=True)
class Name:
    """A name the expression reads, and where it stands in the text."""

    name: str
    offset: int = field(default=0, compare=False)

    @property
    def length(self) -> int:
        return len(self.name)


@dataclass(frozen=True)
class Call:
    """`min(a, b)`, `round(x, 2)`, `visits('TRY')` …"""

    function: str
    args: tuple[Expr, ...]
    offset: int = field(default=0, compare=False)
    length: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Negate:
    """Unary minus."""

    operand: Expr
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Arith:
    """`+ - * /` between two values."""

    op: str
    left: Expr
    right: Expr
    offset: int = field(default=0, compare=False)  # where the operator stands


@dataclass(frozen=True)
class Compare:
    """A comparison, or `in` / `not in` with a list of values."""

    op: str  # one of COMPARISONS, "in" or "not in"
    left: Expr
    right: Expr | tuple[Literal, ...]
    offset: int = field(default=0, compare=False)  # where the operator stands


@dataclass(frozen=True)
class Not:
    """`not` before an expression."""

    operand: Expr
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BoolOp:
    """`and` or `or` over two or more expressions."""

    op: str  # "and" | "or"
    operands: tuple[Expr, ...]


Expr = Literal | Name | Call | Negate | Arith | Compare | Not | BoolOp



def children(expr: Expr) -> tuple[Expr, ...]:
    """The expressions directly inside this one."""
    if isinstance(expr, Call):
        return expr.args
    if isinstance(expr, (Negate, Not)):
        return (expr.operand,)
    if isinstance(expr, Arith):
        return (expr.left, expr.right)
    if isinstance(expr, Compare):
        return (expr.left, *expr.right) if isinstance(expr.right, tuple) else (expr.left, expr.right)
    if isinstance(expr, BoolOp):
        return expr.operands
    return ()


def walk(expr: Expr) -> Iterator[Expr]:
    """Every expression in the tree, outermost first, left to right."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def names(expr: Expr) -> Iterator[Name]:
    """Every name an expression reads, in order."""
    for node in walk(expr):
        if isinstance(node, Name):
            yield node


def visited_nodes(expr: Expr) -> Iterator[tuple[str, Literal]]:
    """The node ids `visits('…')` reads, with the literal that names each."""
    for node in walk(expr):
        if isinstance(node, Call) and node.function == "visits":
            arg = node.args[0]
            assert isinstance(arg, Literal) and isinstance(arg.value, str)
            yield arg.value, arg


def comparisons(expr: Expr) -> Iterator[Compare]:
    """Every comparison in an expression."""
    for node in walk(expr):
        if isinstance(node, Compare):
            yield node


def _offset_of(expr: Expr) -> int:
    if isinstance(expr, BoolOp):
        return _offset_of(expr.operands[0])
    if isinstance(expr, (Arith, Compare)):
        return _offset_of(expr.left)
    return expr.offset


def span(expr: Expr) -> tuple[int, int]:
    """(offset, length) of the whole expression in its text."""
    start = _offset_of(expr)
    end = start
    for node in walk(expr):
        if isinstance(node, (Literal, Call)):
            end = max(end, node.offset + node.length)
        elif isinstance(node, Name):
            end = max(end, node.offset + len(node.name))
    return start, max(end - start, 1)
