"""The rules of types in expressions: what arithmetic gives, which values
compare, and what is wrong with comparing a value with something written in
the flow (`chat_response == 'yes'`, `member_plan == 'Help Desk'`). Read by the
checker in callflow.flow.exprtypes."""

from __future__ import annotations

import re
from decimal import Decimal

from callflow.flow.dates import calendar_day
from callflow.flow.expressions import ORDERING, Expr, Literal, Name
from callflow.flow.names import Symbols
from callflow.flow.suggest import did_you_mean
from callflow.flow.types import DATE, DURATION, MONEY, NUMBER, WHOLE, Type

FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_YES = {"yes", "y", "true", "on"}
_NO = {"no", "n", "false", "off"}


def literal_problem(symbols: Symbols, left: Expr, a: Type, op: str, literal: Literal) -> str | None:
    """What is wrong comparing a value of type `a` with a literal (None: fine)."""
    value = literal.value
    symbol = symbols.resolve(left.name) if isinstance(left, Name) else None
    what = f"'{left.name}' is {symbol.describe()}" if isinstance(left, Name) and symbol else f"{named(left)}this is {a}"
    name = left.name if isinstance(left, Name) else "it"
    if a.kind == "yesno":
        if isinstance(value, bool):
            if op in ORDERING:
                return f"{what} and yes/no has no order: '{name} {op} {_shown(value)}' is never true; use == or !="
            return None
        if isinstance(value, str):
            word = value.strip().casefold()
            hint = "yes" if word in _YES else "no" if word in _NO else None
            fix = f": write {name} == {hint} (or just {name} / not {name})" if hint else ": compare it with yes or no"
            return f"{what}, and '{value}' in quotes is text, so this is never true{fix}"
        return f"{what}: compare it with yes or no, not a number"
    if a.kind in ("money", "number"):
        if isinstance(value, str):
            if _plain_number(value):
                return f"{what}: compare it with a number without quotes ({value.strip()})"
            return f"{what} and never equals the text '{value}': compare it with a number"
        if isinstance(value, bool):
            return f"{what}: compare it with a number, not yes/no"
        if literal.unit == "min":
            return f"{what}, not a duration: compare it with a number"
        return None
    if a.kind == "duration":
        if isinstance(value, Decimal) and literal.unit == "min":
            return None
        if isinstance(value, Decimal) and value == 0:
            return None
        return f"{what}: compare it with a duration such as 30 min or 2 hours"
    if a.kind == "date":
        if isinstance(value, str):
            # Exactly as written: ' 2026-12-01' is not a date.
            if calendar_day(value) is not None:
                return None
            return f"{what} and '{value}' is not a date, so this is {_outcome(op)}: write it YYYY-MM-DD, e.g. '2026-12-01'"
        return f"{what}: compare it with a date in quotes, e.g. '2026-12-01'"
    if a.kind == "choice":
        return _choice_literal(symbols, name, what, a, op, literal)
    if a.kind == "text":
        if isinstance(value, bool):
            return f"{what} and never equals yes/no: write '{'yes' if value else 'no'}' in quotes"
        if op in ORDERING:
            return f"{what}, and text has no order: '{name} {op} …' compares letters, not meaning; use == or in [...]"
    return None

def _choice_literal(symbols: Symbols, name: str, what: str, a: Type, op: str, literal: Literal) -> str | None:
    symbol = symbols.resolve(a.question or "")
    keys = symbol.option_keys if symbol else ()
    listed = ", ".join(f"'{k}'" for k in keys)
    value = literal.value
    if isinstance(value, bool):
        key = "yes" if value else "no"
        if key in keys:
            return f"{what} whose values are text: write '{key}' in quotes"
        return f"{what} whose values are {listed}: yes/no is never one of them"
    text = value if isinstance(value, str) else str(value)
    known = text in keys or (isinstance(value, Decimal) and any(_plain_number(k) and Decimal(k.strip()) == value for k in keys))
    if not known:
        for option in symbol.options if symbol else ():
            if option.label.strip().casefold() == text.strip().casefold():
                return f"'{text}' is the label of an option of '{name}'; conditions compare values: write '{option.key}'"
        return f"'{text}' is not a value of '{name}' (its values: {listed}), so this is {_outcome(op)}{did_you_mean(text, keys)}"
    if op in ORDERING and not (symbol and symbol.ordered):
        return (
            f"{what} whose options have no order: '{name} {op} {_shown(value)}' would compare letters;"
            f" use == or in [...], or mark the field 'ordered: true' to compare by the order of its options"
        )
    return None


def arith_type(op: str, a: Type, b: Type) -> Type | str:
    """The type of `a op b`, or what is wrong with it."""
    ka, kb = a.kind, b.kind
    if ka in ("text", "yesno", "choice") or kb in ("text", "yesno", "choice"):
        bad = a if ka in ("text", "yesno", "choice") else b
        extra = ": words are joined in a template ('{a} {b}'), not added" if bad.kind == "text" and op == "+" else ""
        return f"'{op}' needs numbers, amounts, durations or dates, not {bad}{extra}"
    lit_a = ka == "number" and a.literal
    lit_b = kb == "number" and b.literal
    if op in ("+", "-"):
        if ka == kb == "number":
            return Type("number", whole=a.whole and b.whole, literal=lit_a and lit_b)
        if ka == kb and ka in ("money", "duration"):
            return Type(ka)
        if (ka == "money" and lit_b) or (kb == "money" and lit_a):
            return MONEY
        if ka == "date" and kb == "number":
            return DATE if b.whole else "a date moves by whole days: round the number of days"
        if ka == "number" and kb == "date" and op == "+":
            return DATE if a.whole else "a date moves by whole days: round the number of days"
        if ka == kb == "date" and op == "-":
            return WHOLE
        if ka == kb == "date":
            return "two dates cannot be added: subtract them for the days between"
        if {ka, kb} == {"money", "number"}:
            return (
                f"{a} {op} {b}: add amounts to amounts; to add a number of something, multiply it by its price first"
            )
        if "duration" in (ka, kb) and "number" in (ka, kb):
            return f"{a} {op} {b}: give the number its unit, as in 30 min or 2 hours"
        return f"'{op}' between {a} and {b} means nothing"
    if op == "*":
        if ka == kb == "number":
            return Type("number", whole=a.whole and b.whole, literal=lit_a and lit_b)
        if {ka, kb} == {"money", "number"}:
            return MONEY
        if {ka, kb} == {"duration", "number"}:
            return DURATION
        if ka == kb == "money":
            return "an amount times an amount means nothing: multiply an amount by a number (a quantity, a rate, 10%)"
        if {ka, kb} == {"duration", "money"}:
            return "a duration times an amount: write hours(duration) * rate"
        return f"'*' between {a} and {b} means nothing"
    # division
    if ka == kb == "number":
        return NUMBER
    if ka == "money" and kb == "number":
        return MONEY
    if ka == kb == "money":
        return NUMBER
    if ka == "duration" and kb == "number":
        return DURATION
    if ka == kb == "duration":
        return NUMBER
    return f"'/' of {a} by {b} means nothing"


def compare_problem(op: str, a: Type, b: Type) -> str | None:
    """What is wrong comparing values of two types (None: fine), e.g. ' is money and …'."""
    ka, kb = a.kind, b.kind
    lit_b = kb == "number" and b.literal
    if (ka == "money" and lit_b) or (kb == "money" and ka == "number" and a.literal):
        return None
    if ka == "choice" and kb == "choice":
        if op in ORDERING and a.question != b.question:
            return f"{a} and {b} have no common order"
        if op in ORDERING:
            return None
        return None
    if (ka == "choice" and kb == "text") or (ka == "text" and kb == "choice"):
        return None if op not in ORDERING else "text has no order: use == or in [...]"
    if ka != kb:
        return f"{a} and the other side is {b}: they never compare true"
    if op in ORDERING and ka in ("text", "yesno"):
        return f"{a}, which has no order: use == or !="
    return None


def operand_span(expr: Expr) -> tuple[int, int]:
    if isinstance(expr, Name):
        return expr.offset, len(expr.name)
    from callflow.flow.expressions import span

    return span(expr)


def named(expr: Expr) -> str:
    return f"'{expr.name}' is " if isinstance(expr, Name) else "this is "


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(value)
    return f"'{value}'"


def _outcome(op: str) -> str:
    return "always true once it is answered" if op == "!=" else "never true"


def _plain_number(text: str) -> bool:
    return re.fullmatch(r"\s*[+-]?\d+(?:\.\d+)?\s*", text) is not None
