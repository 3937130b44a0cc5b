"""The scalar kinds of the flow format: names, ids, words, conditions, prices.

Each is a plain type with its rule riding along in an `Annotated[...]`
marker (callflow.flow.constraints), so the models, the loader's validation and
the JSON Schema all read the same rule. Also the names every flow has
(`agent`, `total`, `due` …) and the catalog's `catalog.<code>.price|name`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from callflow.flow.constraints import AtLeast, Check, Doc, TextRule
from callflow.flow.expressions import check_condition, check_expression
from callflow.flow.money import cents
from callflow.flow.templates import check_template

# Caps that keep every screen instant and every file name derived from a
# flow short (docs/flow-format.md, "Limits").
MAX_NAME = 64  # ids of flows, nodes, fields, items
MAX_WORDS = 4000  # one step's words: two full screens at 80 x 24

IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
NODE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ITEM_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

Identifier = Annotated[
    str,
    TextRule(pattern=IDENTIFIER_PATTERN, max_length=MAX_NAME),
    Doc("A name: letters, digits and _, not starting with a digit."),
]
NodeId = Annotated[
    str,
    TextRule(pattern=NODE_ID_PATTERN, max_length=MAX_NAME),
    Doc("A node id such as D-2-4: letters, digits, '-', '_' and '.'."),
]
ItemCode = Annotated[str, TextRule(pattern=ITEM_CODE_PATTERN, max_length=MAX_NAME), Doc("A catalog item code, e.g. 310.")]
Text = Annotated[str, TextRule(min_length=1, max_length=MAX_WORDS)]
Template = Annotated[
    str,
    TextRule(min_length=1, max_length=MAX_WORDS),
    Check(check_template),
    Doc("Text with {placeholders}: a field id, a constant, agent, total, due, past_due, catalog.CODE.price."),
]
Condition = Annotated[
    str,
    TextRule(min_length=1),
    Check(check_condition),
    Doc("A condition such as `past_due_amount > 0` or `member_plan == 'help_desk'`."),
]
Expression = Annotated[
    str,
    TextRule(min_length=1),
    Check(check_expression),
    Doc("A computed value such as `bottles * catalog.BTL.price`, `subtotal * 10%` or `today + 14`."),
]
# The largest amount or number callflow carries: every answer, price and
# computed value stays within it, so Decimal arithmetic at cents is exact.
MAX_AMOUNT = Decimal("999999999999.99")


def _within_limit(value: Decimal) -> Decimal:
    if abs(value) > MAX_AMOUNT:
        raise ValueError(f"{value} is beyond the largest amount callflow carries ({MAX_AMOUNT:,})")
    return value


def _price(value: Decimal) -> Decimal:
    return cents(_within_limit(value))


Price = Annotated[Decimal, AtLeast(0), Check(_price), Doc("A price in the flow's currency, e.g. 35.00.")]
Amount = Annotated[Decimal, Check(_price), Doc("An amount in the flow's currency, e.g. 95.00.")]
Number = Annotated[Decimal, Check(_within_limit)]

# Names every flow has; a field or constant may not take one of them.
AMOUNT_NAMES = frozenset({"subtotal", "past_due", "total", "paid", "refunded", "due", "refund_due"})
BUILTIN_NAMES = frozenset({"agent", "today", *AMOUNT_NAMES})
FIELD_TYPES = ("text", "number", "money", "choice", "yesno", "date", "duration")
CATALOG_PARTS = ("price", "name")


def catalog_reference(name: str) -> tuple[str, str] | None:
    """(code, part) of a name `catalog.<code>.price|name`, else None. Item codes
    may hold dots (310.1), so the part is what follows the last dot."""
    if not name.startswith("catalog."):
        return None
    code, _, part = name[len("catalog.") :].rpartition(".")
    return (code, part) if code and part in CATALOG_PARTS else None


# Every model refuses keys it does not know (a misspelt key is an error, not ignored).
STRICT = {"extra": "forbid"}
