"""The expression language of flows: conditions and computed values, no eval.

    past_due_amount > 0
    member_plan in ['help_desk', 'remote_access'] and not wants_session
    bottles * catalog.BTL.price - bottles * restocking_fee
    max(hours(onsite_time), 1) * hourly_rate
    subtotal * 10%
    callback_date < today + 14
    visits('TRY') >= 3

A text is parsed once (and remembered) into a small tree of frozen values;
lint reads the same tree to check names and types (callflow.flow.exprtypes)
and the engine evaluates it (callflow.flow.evaluate), so what lint calls valid
is exactly what a call computes.

Operands: names the flow defines (fields, `choose` ids, constants, computed
values, amounts such as `total`, `today`, `catalog.<code>.price`), numbers
(`3`, `45.50`), percentages (`10%` is 0.10), durations (`2 hours`, `30 min`),
quoted text (`'help_desk'`, `'2026-12-01'`) and yes/no/true/false.
Operators, loosest first: `or`; `and`; `not`; comparisons (`== != < <= > >=`,
`in [...]`, `not in [...]`); `+ -`; `* /`; unary `-`. Functions: `min`, `max`,
`round`, `abs`, `hours`, `minutes`, `visits`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from callflow.flow.exprtree import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    Literal,
    Name,
    Negate,
    Not,
    children,
    comparisons,
    names,
    span,
    visited_nodes,
    walk,
)
from callflow.flow.templates import NAME

__all__ = [  # the tree, re-exported: this module is the face of the language
    "COMPARISONS", "FUNCTIONS", "ORDERING", "Arith", "BoolOp", "Call", "Compare", "Expr", "ExpressionError",
    "Literal", "Name", "Negate", "Not", "check_condition", "check_expression", "children", "comparisons",
    "is_plain_name", "names", "parse_expression", "span", "visited_nodes", "walk",
]

MAX_NESTING = 32
MAX_LENGTH = 4000
# `a + b + c …` nests one level per operator; evaluating recurses per level.
MAX_DEPTH = 100

_BOOLS = {"yes": True, "true": True, "no": False, "false": False}
_WORDS = {"and", "or", "not", "in"}
# Units after a number: a duration in minutes, or days (a plain number of days).
_MINUTES = {"minute": 1, "minutes": 1, "min": 1, "mins": 1, "hour": 60, "hours": 60, "h": 60, "hr": 60, "hrs": 60}
_DAYS = {"day", "days"}
FUNCTIONS = {
    "min": (1, None),
    "max": (1, None),
    "round": (1, 2),
    "abs": (1, 1),
    "hours": (1, 1),
    "minutes": (1, 1),
    "visits": (1, 1),
}
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
ORDERING = ("<", "<=", ">", ">=")


class ExpressionError(ValueError):
    """A text that is not a valid expression; `offset` is where the problem is."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern[str]:
    # Compiled on first use: a call that meets no expression does not pay for it.
    return re.compile(
        r"""\s*(?:
            (?P<number>\d+(?:\.\d+)?)(?![A-Za-z0-9_.])
          | (?P<string>'[^']*'|"[^"]*")
          | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\+|-|\*|/|%)
          | (?P<name>"""
        + NAME
        + r""")
        )""",
        re.VERBOSE,
    )


Token = tuple[str, str, int]  # kind, text, offset


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    end = len(text)
    pattern = _token_pattern()
    while pos < end:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos == end:
            break
        match = pattern.match(text, pos)
        if not match or match.end() == pos:
            if text[pos] == "=":
                raise ExpressionError("'=' is not a comparison: write '=='", pos)
            raise ExpressionError(f"unexpected '{text[pos]}'", pos)
        kind = match.lastgroup or ""
        value = match.group(kind)
        start = match.start(kind)
        if kind == "number" and text.startswith("-", match.end()) and _is_bare_date(text, start):
            from callflow.flow.dates import loose_date_at  # only for this rare mistake

            raise ExpressionError(f"a date is written in quotes: write '{loose_date_at(text, start)}'", start)
        tokens.append((kind, value, start))
        pos = match.end()
    return tokens


def _is_bare_date(text: str, start: int) -> bool:
    """`when_due < 2026-12-01` would read as a subtraction: dates are quoted."""
    from callflow.flow.dates import loose_date_at

    return loose_date_at(text, start) is not None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    # -- tokens ------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token | None:
        k = self.i + ahead
        return self.tokens[k] if k < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ExpressionError("it ends too early", len(self.text))
        self.i += 1
        return token

    def is_word(self, word: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token is not None and token[0] == "name" and token[1] == word

    def is_op(self, *ops: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "op" and token[1] in ops

    def expect(self, op: str, message: str) -> Token:
        token = self.peek()
        if token is None or token[:2] != ("op", op):
            raise ExpressionError(message, token[2] if token else len(self.text))
        return self.take()

    def nest(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExpressionError("the expression is nested too deeply", offset)

    # -- grammar -------------------------------------------------------------------------

    def parse(self) -> Expr:
        if not self.tokens:
            raise ExpressionError("the expression is empty", 0)
        expr = self.parse_or()
        token = self.peek()
        if token is not None and token[:2] == ("op", "%"):
            raise ExpressionError("'%' goes right after a number, as in 10%", token[2])
        if token is not None:
            raise ExpressionError(f"unexpected '{token[1]}' (join conditions with 'and' or 'or')", token[2])
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
            offset = self.take()[2]
            self.nest(offset)
            operand = self.parse_not()
            self.depth -= 1
            return Not(operand, offset)
        return self.parse_compare()

    def parse_compare(self) -> Expr:
        left = self.parse_sum()
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in COMPARISONS:
            self.take()
            return Compare(token[1], left, self.parse_sum(), token[2])
        if self.is_word("in"):
            offset = self.take()[2]
            return Compare("in", left, self.parse_list(), offset)
        if self.is_word("not") and self.is_word("in", 1):
            offset = self.take()[2]
            self.take()
            return Compare("not in", left, self.parse_list(), offset)
        return left

    def parse_sum(self) -> Expr:
        left = self.parse_product()
        while self.is_op("+", "-"):
            token = self.take()
            left = Arith(token[1], left, self.parse_product(), token[2])
        return left

    def parse_product(self) -> Expr:
        left = self.parse_unary()
        while self.is_op("*", "/"):
            token = self.take()
            left = Arith(token[1], left, self.parse_unary(), token[2])
        return left

    def parse_unary(self) -> Expr:
        if self.is_op("-"):
            offset = self.take()[2]
            self.nest(offset)
            operand = self.parse_unary()
            self.depth -= 1
            if isinstance(operand, Literal) and isinstance(operand.value, Decimal):
                return Literal(-operand.value, offset, operand.offset + operand.length - offset, operand.unit)
            return Negate(operand, offset)
        if self.is_op("+"):
            raise ExpressionError("a number needs no '+' sign", self.take()[2])
        return self.parse_primary()

    def parse_primary(self) -> Expr:
        token = self.take()
        kind, value, offset = token
        if kind == "op" and value == "(":
            self.nest(offset)
            inner = self.parse_or()
            self.depth -= 1
            self.expect(")", "'(' is not closed")
            return inner
        if kind == "number":
            return self.number(value, offset)
        if kind == "string":
            return Literal(value[1:-1], offset, len(value))
        if kind == "name":
            if value in _BOOLS:
                return Literal(_BOOLS[value], offset, len(value))
            if value in _WORDS:
                raise ExpressionError(f"'{value}' cannot stand here", offset)
            if self.is_op("("):
                return self.call(value, offset)
            return Name(value, offset)
        if kind == "op" and value == "%":
            raise ExpressionError("'%' goes right after a number, as in 10%", offset)
        raise ExpressionError(f"unexpected '{value}'", offset)

    def number(self, digits: str, offset: int) -> Literal:
        amount = Decimal(digits)
        end = offset + len(digits)
        if self.is_op("%"):
            end = self.take()[2] + 1
            return Literal(amount / 100, offset, end - offset, "%")
        unit = self.peek()
        if unit is not None and unit[0] == "name" and (unit[1] in _MINUTES or unit[1] in _DAYS):
            self.take()
            end = unit[2] + len(unit[1])
            if unit[1] in _DAYS:
                return Literal(amount, offset, end - offset, "days")
            return Literal(amount * _MINUTES[unit[1]], offset, end - offset, "min")
        return Literal(amount, offset, end - offset)

    def call(self, function: str, offset: int) -> Call:
        if function not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"'{function}' is not a function (functions: {known})", offset)
        self.take()  # (
        self.nest(offset)
        args: list[Expr] = []
        if not self.is_op(")"):
            while True:
                args.append(self.parse_or())
                if self.is_op(","):
                    self.take()
                    continue
                break
        closing = self.expect(")", f"'{function}(' is not closed")
        self.depth -= 1
        least, most = FUNCTIONS[function]
        if len(args) < least or (most is not None and len(args) > most):
            wanted = str(least) if least == most else f"{least} or {most}" if most else f"at least {least}"
            raise ExpressionError(f"{function}() takes {wanted} value{'s' if most != 1 else ''}", offset)
        if function == "visits" and not (isinstance(args[0], Literal) and isinstance(args[0].value, str)):
            raise ExpressionError("visits() takes a node id in quotes, as in visits('TRY')", offset)
        return Call(function, tuple(args), offset, closing[2] + 1 - offset)

    def parse_list(self) -> tuple[Literal, ...]:
        self.expect("[", "'in' needs a list such as ['a', 'b']")
        items: list[Literal] = []
        while True:
            operand = self.parse_unary()
            if not isinstance(operand, Literal):
                raise ExpressionError("a list after 'in' holds values, not names", span(operand)[0])
            items.append(operand)
            token = self.take()
            if token[:2] == ("op", "]"):
                return tuple(items)
            if token[:2] != ("op", ","):
                raise ExpressionError("expected ',' or ']' in the list", token[2])


@lru_cache(maxsize=65536)
def parse_expression(text: str) -> Expr:
    """Parse an expression or raise ExpressionError (remembered per text)."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH:,} characters", MAX_LENGTH)
    expr = _Parser(text).parse()
    if _depth(expr) > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)", 0)
    return expr


def _depth(expr: Expr) -> int:
    """How deep the tree goes, found without recursion (evaluation recurses)."""
    deepest = 0
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(node))
    return deepest


def check_expression(text: str) -> str:
    """pydantic validator: an expression must parse."""
    try:
        parse_expression(text)
    except ExpressionError as exc:
        raise ValueError(f"'{text}' is not a valid expression: {exc}") from None
    return text


def check_condition(text: str) -> str:
    """pydantic validator: a condition must parse."""
    try:
        parse_expression(text)
    except ExpressionError as exc:
        raise ValueError(f"condition '{text}' is not valid: {exc}") from None
    return text


def is_plain_name(text: str) -> bool:
    """Whether an expression is just one name (`due`, `payment_amount`)."""
    try:
        return isinstance(parse_expression(text), Name)
    except ExpressionError:
        return False
