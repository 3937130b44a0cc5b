"""The names a flow defines, for placeholders and expressions.

A name is a constant, a field, a `choose` id, a checklist confirmation, a
computed value (`set:`), `agent`, `today`, an amount (`total`, `due`, ...) or
`catalog.<code>.price` / `catalog.<code>.name`. Each has a kind (where its
value comes from) and a type (what it computes and compares with). Lint and
the engine read the same table, so they agree on what a name is.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from callflow.flow.fields import ChoiceOption, TypedConstant
from callflow.flow.model import Flow, Node, RouteOption
from callflow.flow.scalars import AMOUNT_NAMES, CATALOG_PARTS, catalog_reference
from callflow.flow.steps import DoStep, SetStep


class Symbol(NamedTuple):
    name: str
    kind: str  # "constant", "field", "choose", "check", "computed", "agent", "today", "amount" or "catalog"
    type: str  # "text", "number", "money", "choice", "yesno", "date", "duration" (computed: found by lint)
    options: tuple[ChoiceOption | RouteOption, ...] = ()
    secret: bool = False
    required: bool = True
    value: str | Decimal | None = None  # a constant's value, a catalog item's price or name
    ordered: bool = False  # a choice whose options compare by position
    whole: bool = False  # a number without decimals

    @property
    def recorded(self) -> bool:
        """Its value exists only once it has been asked (or computed)."""
        return self.kind in ("field", "choose", "check", "computed")

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def position(self, value: object) -> int | None:
        """Where an option stands in an ordered choice (for < and >)."""
        for i, option in enumerate(self.options):
            if option.key == value:
                return i
        return None

    def describe(self) -> str:
        """How messages name its type: 'a money field', 'a yes/no field' ..."""
        if self.kind == "choose":
            return "a choose question"
        if self.kind == "constant":
            return "a constant" if self.type == "text" else f"a {self.type} constant"
        if self.kind == "amount":
            return "an amount"
        if self.kind == "check":
            return "a checklist confirmation"
        if self.kind == "computed":
            return f"a computed {self.type} value" if self.type != "any" else "a computed value"
        if self.kind == "today":
            return "today's date"
        if self.kind in ("agent", "catalog"):
            return "text" if self.type == "text" else "an amount"
        return {
            "yesno": "a yes/no field",
            "choice": "a choice field",
            "money": "a money field",
            "date": "a date field",
            "duration": "a duration field",
        }.get(self.type, f"a {self.type} field")


def all_nodes(flow: Flow) -> Iterator[tuple[str | None, str, Node]]:
    """(procedure or None, node id, node) for the flow's nodes, then its procedures'."""
    for node_id, node in flow.nodes.items():
        yield None, node_id, node
    for name, procedure in flow.procedures.items():
        for node_id, node in procedure.nodes.items():
            yield name, node_id, node


class Symbols:
    """Every name of one flow, looked up in O(1)."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        table: dict[str, Symbol] = {}
        for name, constant in flow.constants.items():
            if isinstance(constant, TypedConstant):
                table[name] = Symbol(name, "constant", constant.type, value=constant.value)
            else:
                table[name] = Symbol(name, "constant", "text", value=constant)
        table["agent"] = Symbol("agent", "agent", "text")
        table["today"] = Symbol("today", "today", "date")
        for name in sorted(AMOUNT_NAMES):
            table[name] = Symbol(name, "amount", "money")
        for name, spec in flow.fields.items():
            table[name] = Symbol(
                name,
                "field",
                spec.type,
                tuple(spec.options or ()),
                spec.secret,
                spec.required,
                ordered=spec.ordered,
                whole=spec.whole,
            )
        computed: dict[str, None] = {}
        for _, _, node in all_nodes(flow):
            choose = node.choose
            if choose is not None and choose.id not in table:
                table[choose.id] = Symbol(choose.id, "choose", "choice", tuple(choose.options))
            for step in node.steps:
                if isinstance(step, DoStep) and step.confirm is not None and step.confirm not in table:
                    table[step.confirm] = Symbol(step.confirm, "check", "yesno")
                elif isinstance(step, SetStep):
                    computed.update(dict.fromkeys(step.set))
        for name in computed:
            if name not in table:
                table[name] = Symbol(name, "computed", "any")
        self.table = table
        self.computed = [name for name in computed if table[name].kind == "computed"]
        self.fixed_values: dict[str, object] = {}  # for lint's evaluation, remembered

    def resolve(self, name: str) -> Symbol | None:
        """The symbol a placeholder or expression name stands for, or None."""
        found = self.table.get(name)
        reference = catalog_reference(name) if found is None else None
        if reference is None or reference[0] not in self.flow.catalog:
            return found
        item = self.flow.catalog[reference[0]]
        if reference[1] == "price":
            return Symbol(name, "catalog", "money", value=item.price)
        return Symbol(name, "catalog", "text", value=item.name)

    def set_type(self, name: str, type_name: str) -> None:
        """Record the type found for a computed value."""
        symbol = self.table.get(name)
        if symbol is not None and symbol.kind == "computed":
            self.table[name] = symbol._replace(type=type_name)

    def names(self) -> list[str]:
        catalog = [f"catalog.{code}.{part}" for code in self.flow.catalog for part in CATALOG_PARTS]
        return [*self.table, *catalog]
