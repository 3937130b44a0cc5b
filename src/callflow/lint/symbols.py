"""The names a flow defines, for placeholders and conditions.

A name is a constant, a field, a `choose` id, `agent`, an amount (`total`,
`due`, ...) or `catalog.<code>.price` / `catalog.<code>.name`. Each has a kind
(where its value comes from) and a type (what it compares with).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from callflow.flow.model import ChoiceOption, Flow, RouteOption
from callflow.flow.scalars import AMOUNT_NAMES, CATALOG_PARTS, catalog_reference


class Symbol(NamedTuple):
    name: str
    kind: str  # "constant", "field", "choose", "agent", "amount" or "catalog"
    type: str  # "text", "number", "money", "choice", "yesno" or "date"
    options: tuple[ChoiceOption | RouteOption, ...] = ()
    secret: bool = False
    required: bool = True
    value: str | Decimal | None = None  # a constant's text, a catalog item's price or name

    @property
    def recorded(self) -> bool:
        """Its value exists only once it has been asked."""
        return self.kind in ("field", "choose")

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def describe(self) -> str:
        """How messages name its type: 'a money field', 'a yes/no field' ..."""
        if self.kind == "choose":
            return "a choose question"
        if self.kind == "constant":
            return "a constant"
        if self.kind == "amount":
            return "an amount"
        if self.kind in ("agent", "catalog"):
            return "text" if self.type == "text" else "an amount"
        return {"yesno": "a yes/no field", "choice": "a choice field", "money": "a money field", "date": "a date field"}.get(
            self.type, f"a {self.type} field"
        )


class Symbols:
    """Every name of one flow, looked up in O(1)."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        table: dict[str, Symbol] = {}
        for name, text in flow.constants.items():
            table[name] = Symbol(name, "constant", "text", value=text)
        table["agent"] = Symbol("agent", "agent", "text")
        for name in AMOUNT_NAMES:
            table[name] = Symbol(name, "amount", "money")
        for name, spec in flow.fields.items():
            table[name] = Symbol(
                name, "field", spec.type, tuple(spec.options or ()), spec.secret, spec.required
            )
        for node in flow.nodes.values():
            choose = node.choose
            if choose is not None and choose.id not in table:
                table[choose.id] = Symbol(choose.id, "choose", "choice", tuple(choose.options))
        self.table = table
        self.fixed_values: dict[str, object] = {}  # for callflow.lint.evaluation

    def resolve(self, name: str) -> Symbol | None:
        """The symbol a placeholder or condition name stands for, or None."""
        found = self.table.get(name)
        reference = catalog_reference(name) if found is None else None
        if reference is None or reference[0] not in self.flow.catalog:
            return found
        item = self.flow.catalog[reference[0]]
        if reference[1] == "price":
            return Symbol(name, "catalog", "money", value=item.price)
        return Symbol(name, "catalog", "text", value=item.name)

    def names(self) -> list[str]:
        catalog = [f"catalog.{code}.{part}" for code in self.flow.catalog for part in CATALOG_PARTS]
        return [*self.table, *catalog]

