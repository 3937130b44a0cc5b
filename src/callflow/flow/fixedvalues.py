"""The values a flow fixes before any answer: its constants, today, and the
catalog's prices and names (`catalog.320.price`). The engine, the made-up
answers of a walk and the scenario suggestions read them the same way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from callflow.flow.fields import TypedConstant
from callflow.flow.scalars import catalog_reference

if TYPE_CHECKING:
    from callflow.flow.model import Flow


def fixed_value(flow: Flow, name: str, today: date) -> str | Decimal | bool | None:
    """A constant, today (ISO date) or catalog price/name; None for any other name."""
    constant = flow.constants.get(name)
    if constant is not None:
        return constant.value if isinstance(constant, TypedConstant) else constant
    if name == "today":
        return today.isoformat()
    reference = catalog_reference(name)
    if reference is not None and (item := flow.catalog.get(reference[0])) is not None:
        return item.price if reference[1] == "price" else item.name
    return None
