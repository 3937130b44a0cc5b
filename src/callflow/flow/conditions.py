"""A small, safe condition language for routes and `when:` (no eval).

    past_due_amount > 0
    member_plan == 'help_desk' or member_plan == 'remote_access'
    member_plan in ['help_desk', 'remote_access'] and not wants_session
    more_than_one_contact == yes

Operands are names the flow defines (answered fields, constants, amounts such
as `total`), numbers, quoted text, and `yes`/`no`/`true`/`false`. Comparing a
value that has not been recorded is false; so is comparing values of different
kinds (text with a number). A bare name is true when it holds a yes, non-empty
text or a non-zero amount.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from callflow.flow.templates import NAME

Value = str | Decimal | bool | None

_KEYWORDS = {"and", "or", "not", "in", "yes", "no", "true", "false"}
_BOOLS = {"yes": True, "true": True, "no": False, "false": False}
MAX_NESTING = 32
_PLAIN_NUMBER = re.compile(r"\s*[+-]?\d+(?:\.\d+)?\s*")


class ConditionError(ValueError):
    """A condition that cannot be parsed; `offset` is where the problem is."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Literal:
    """A number, quoted text or yes/no in a condition."""

    value: Value


@dataclass(frozen=True)
class Name:
    """A name a condition reads, and where it stands in the text."""

    name: str
    offset: int


@dataclass(frozen=True)
class Compare:
    """A comparison, or `in` with a list of values."""

    op: str
    left: Literal | Name
    right: Literal | Name | tuple[Literal, ...]


@dataclass(frozen=True)
class Not:
    """`not` before an expression."""

    operand: Expr


@dataclass(frozen=True)
class BoolOp:
    """`and` or `or` over two or more expressions."""

    op: str  # "and" | "or"
    operands: tuple[Expr, ...]


Expr = Literal | Name | Compare | Not | BoolOp


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern[str]:
    # Compiled on first use: a call that meets no condition does not pay for it.
    return re.compile(
        r"""\s*(?:
            (?P<number>-?\d+(?:\.\d+)?)(?![A-Za-z0-9_.])
          | (?P<string>'[^']*'|"[^"]*")
          | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
          | (?P<name>"""
        + NAME
        + r""")
        )""",
        re.VERBOSE,
    )


def _skip_space(text: str, pos: int) -> int:
    """Where the next non-space character stands at or after `pos`."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    end = len(text)
    while pos < end:
        start = _skip_space(text, pos)
        if start == end:
            break
        match = _token_pattern().match(text, pos)
        if not match or match.end() == pos:
            raise ConditionError(f"unexpected '{text[start]}' in condition", start)
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "number" and text.startswith("-", match.end()):
            _refuse_bare_date(text, match.start(kind))
        tokens.append((kind, value, match.start(kind)))
        pos = match.end()
    return tokens


def _refuse_bare_date(text: str, start: int) -> None:
    """`when_due < 2026-12-01` would read as a subtraction: dates are text."""
    from callflow.flow.dates import loose_date_at  # only for this rare mistake

    written = loose_date_at(text, start)
    if written is not None:
        raise ConditionError(f"a date is compared as text in quotes: write '{written}'", start)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ConditionError("it ends too early", len(self.text))
        self.i += 1
        return token

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "name" and token[1] == word

    def is_op(self, op: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "op" and token[1] == op

    def parse(self) -> Expr:
        if not self.tokens:
            raise ConditionError("the condition is empty", 0)
        expr = self.parse_or()
        token = self.peek()
        if token is not None:
            raise ConditionError(f"unexpected '{token[1]}' (join conditions with 'and' or 'or')", token[2])
        return expr

    def parse_or(self) -> Expr:
        operands = [self.parse_and()]
        while self.is_word("or"):
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def parse_and(self) -> Expr:
        operands = [self.parse_not()]
        while self.is_word("and"):
            self.take()
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def parse_not(self) -> Expr:
        if self.is_word("not"):
            self.take()
            self.nest()
            operand = self.parse_not()
            self.depth -= 1
            return Not(operand)
        return self.parse_compare()

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            token = self.peek()
            raise ConditionError("condition is nested too deeply", token[2] if token else 0)

    def parse_compare(self) -> Expr:
        if self.is_op("("):
            self.take()
            self.nest()
            inner = self.parse_or()
            self.depth -= 1
            closing = self.peek()
            if not self.is_op(")"):
                raise ConditionError("'(' is not closed", closing[2] if closing else len(self.text))
            self.take()
            return inner
        left = self.parse_operand()
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Compare(token[1], left, self.parse_operand())
        if self.is_word("in"):
            self.take()
            return Compare("in", left, self.parse_list())
        return left

    def parse_list(self) -> tuple[Literal, ...]:
        token = self.take()
        if token[:2] != ("op", "["):
            raise ConditionError("'in' needs a list such as ['a', 'b']", token[2])
        items: list[Literal] = []
        while True:
            operand = self.parse_operand()
            if not isinstance(operand, Literal):
                raise ConditionError("a list after 'in' holds values, not names", operand.offset)
            items.append(operand)
            token = self.take()
            if token[:2] == ("op", "]"):
                return tuple(items)
            if token[:2] != ("op", ","):
                raise ConditionError("expected ',' or ']' in the list", token[2])

    def parse_operand(self) -> Literal | Name:
        kind, value, offset = self.take()
        if kind == "number":
            return Literal(Decimal(value))
        if kind == "string":
            return Literal(value[1:-1])
        if kind == "name":
            if value in _BOOLS:
                return Literal(_BOOLS[value])
            if value in _KEYWORDS:
                raise ConditionError(f"'{value}' cannot stand here", offset)
            return Name(value, offset)
        raise ConditionError(f"unexpected '{value}'", offset)


@lru_cache(maxsize=65536)
def parse_condition(text: str) -> Expr:
    """Parse a condition or raise ConditionError."""
    return _Parser(text).parse()


def check_condition(text: str) -> str:
    """pydantic validator: a condition must parse."""
    try:
        parse_condition(text)
    except ConditionError as exc:
        raise ValueError(f"condition '{text}' is not valid: {exc}") from None
    return text


def names(expr: Expr) -> Iterator[Name]:
    """Every name a condition reads, in order."""
    if isinstance(expr, Name):
        yield expr
    elif isinstance(expr, Compare):
        yield from names(expr.left)
        if not isinstance(expr.right, tuple):
            yield from names(expr.right)
    elif isinstance(expr, Not):
        yield from names(expr.operand)
    elif isinstance(expr, BoolOp):
        for operand in expr.operands:
            yield from names(operand)


def comparisons(expr: Expr) -> Iterator[Compare]:
    """Every comparison in a condition (for type checks)."""
    if isinstance(expr, Compare):
        yield expr
    elif isinstance(expr, Not):
        yield from comparisons(expr.operand)
    elif isinstance(expr, BoolOp):
        for operand in expr.operands:
            yield from comparisons(operand)


def _truthy(value: Value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    return value != ""


def _same_kind(a: Value, b: Value) -> tuple[Value, Value] | None:
    """Bring two values to one kind, or None when they cannot be compared."""
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return (a, b) if isinstance(a, bool) and isinstance(b, bool) else None
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a, b
    if isinstance(a, str) and isinstance(b, str):
        return a, b
    # A number typed into a text field ('012') still compares with a number.
    if isinstance(a, Decimal) and isinstance(b, str):
        number = _number_in_text(b)
        return None if number is None else (a, number)
    if isinstance(a, str) and isinstance(b, Decimal):
        number = _number_in_text(a)
        return None if number is None else (number, b)
    return None


def _number_in_text(text: str) -> Decimal | None:
    # Only plain digits: Decimal() also reads 'nan', 'sNaN', 'Infinity', '1e3'
    # and '1_000', and comparing a NaN raises InvalidOperation mid-call.
    return Decimal(text) if _PLAIN_NUMBER.fullmatch(text) else None


def _compare(op: str, a: Value, b: Value) -> bool:
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
    if op == "<":
        return x < y  # type: ignore[operator]
    if op == "<=":
        return x <= y  # type: ignore[operator]
    if op == ">":
        return x > y  # type: ignore[operator]
    return x >= y  # type: ignore[operator]


def evaluate(expr: Expr, lookup: Callable[[str], Value]) -> bool:
    """True or false for the values `lookup` gives (None: not recorded)."""
    if isinstance(expr, BoolOp):
        if expr.op == "and":
            return all(evaluate(e, lookup) for e in expr.operands)
        return any(evaluate(e, lookup) for e in expr.operands)
    if isinstance(expr, Not):
        return not evaluate(expr.operand, lookup)
    if isinstance(expr, Name):
        return _truthy(lookup(expr.name))
    if isinstance(expr, Literal):
        return _truthy(expr.value)
    left = _operand_value(expr.left, lookup)
    if isinstance(expr.right, tuple):
        return any(_compare("==", left, item.value) for item in expr.right)
    return _compare(expr.op, left, _operand_value(expr.right, lookup))


def _operand_value(operand: Literal | Name, lookup: Callable[[str], Value]) -> Value:
    return lookup(operand.name) if isinstance(operand, Name) else operand.value
