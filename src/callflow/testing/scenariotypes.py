"""The small types scenario files are written in: amounts as a person writes
them, node ids (a procedure's as `pay/P-1`), item codes, dates; shared by the
scenario model (callflow.testing.scenario) and its expectations
(callflow.testing.expectmodels)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

from callflow.call.answers import parse_today
from callflow.flow.money import parse_amount
from callflow.flow.scalars import ITEM_CODE_PATTERN

_AMOUNT = re.compile(r"^\s*(?P<sign>[-+]?)\s*[$€£¥]?\s*(?P<number>[-+]?[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)\s*(?:[A-Z]{3})?\s*$")


def _amount(value: Any) -> Any:
    """65.50, "65.50", "$65.50", "65.50 USD" -> Decimal('65.50')."""
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return value
    match = _AMOUNT.match(value)
    if match is None:
        raise ValueError(f"'{value}' is not an amount (write it like 65.50 or $65.50)")
    try:
        amount = parse_amount(match.group("number"))
    except ValueError:
        raise ValueError(f"'{value}' is not an amount (write it like 65.50 or $65.50)") from None
    return -amount if match.group("sign") == "-" else amount


def parse_expected_amount(text: str) -> Decimal | None:
    """An amount as a scenario writes it (65.50, $65.50, -9.00), or None."""
    try:
        found = _amount(text)
    except ValueError:
        return None
    return found if isinstance(found, Decimal) else None


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A node as a person reads it: `D-2-4`, or `pay/P-1` for a node of procedure `pay`.
SHOWN_NODE_PATTERN = r"^(?:[A-Za-z_][A-Za-z0-9_]*/)?[A-Za-z0-9][A-Za-z0-9_.-]*$"
NodeId = Annotated[
    str,
    StringConstraints(pattern=SHOWN_NODE_PATTERN),
    Field(description="A node id such as D-2-4; a procedure's node is procedure/node, e.g. pay/P-1."),
]
ItemCode = Annotated[str, StringConstraints(pattern=ITEM_CODE_PATTERN), Field(description="A catalog item code, e.g. 310.")]
Text = Annotated[str, StringConstraints(min_length=1)]
Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    WithJsonSchema({"type": ["number", "string"], "description": "An amount: 65.50, \"65.50\" or \"$65.50\"."}),
]
SCALAR_SCHEMA = {"type": ["string", "number", "boolean", "null"]}

def _date_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if parse_today(value) is None:
        raise ValueError(f"'{value}' is not a date: write it YYYY-MM-DD, e.g. 2026-11-23")
    return value.strip()


DateText = Annotated[
    str,
    BeforeValidator(_date_text),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "A date, YYYY-MM-DD."}),
]


