"""How a call's names read while it is walked: the values expressions compute
with (answers, constants, amounts, today, catalog prices) and the words a
placeholder shows. The engine's Session is a `Names`; nothing here changes
the call."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from callflow.call.values import Value, display_value
from callflow.flow.durations import format_duration
from callflow.flow.evaluate import Environment, evaluate, holds
from callflow.flow.evaluate import Value as ExprValue
from callflow.flow.expressions import Expr
from callflow.flow.fixedvalues import fixed_value
from callflow.flow.money import cents, format_money
from callflow.flow.scalars import AMOUNT_NAMES

if TYPE_CHECKING:
    from datetime import date

    from callflow.call.actions import Totals, Walk
    from callflow.flow.index import FlowIndex
    from callflow.flow.model import Flow

SECRET_SHOWN = "[secret]"


class Names(Environment):
    """The names of a call in progress (the engine's Session fills these in)."""

    flow: Flow
    index: FlowIndex
    agent: str | None
    today: date
    _values: dict[str, Value]
    _visits: dict[str, int]
    _walk: Walk | None

    @property
    def totals(self) -> Totals:
        raise NotImplementedError


    def value(self, name: str) -> Value:
        """A recorded value, constant, amount, today or catalog price/name; None if not known yet."""
        if name in self._values:
            return self._values[name]
        if name in AMOUNT_NAMES:
            totals = self._walk.totals if self._walk is not None else self.totals
            return cents(getattr(totals, name))
        if name == "agent":
            return self.agent
        return fixed_value(self.flow, name, self.today)

    def visits(self, node_id: str) -> int:
        return self._visits.get(node_id, 0)

    def is_money(self, expr: Expr) -> bool:
        return self.index.type_of(expr).kind == "money"

    def position(self, name: str, value: object) -> int | None:
        symbol = self.index.symbols.resolve(name)
        if symbol is None or not symbol.ordered:
            return None
        return symbol.position(value)

    def compute(self, text: str) -> ExprValue:
        """The value of one of the flow's expressions now."""
        return evaluate(self.index.expr(text), self)

    def holds(self, condition: str) -> bool:
        return holds(self.index.expr(condition), self)

    def text(self, name: str) -> str | None:
        """How a name reads inside words to say; None shows as a blank."""
        if name in self._values:
            question = self.index.questions.get(name)
            value = self._values[name]
            if value is None:
                return None
            if question is None:
                return self._shown(name, value)
            if getattr(question, "secret", False):
                return SECRET_SHOWN
            return display_value(question, value, self.flow.currency)
        value = self.value(name)
        if value is None:
            return None
        return self._shown(name, value)

    def _shown(self, name: str, value: Value) -> str:
        """A computed value, constant or amount as words: $9.00, 1 h 30 min, 2."""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, Decimal):
            if name in AMOUNT_NAMES:
                return format_money(value, self.flow.currency)
            symbol = self.index.symbols.resolve(name)
            kind = symbol.type if symbol is not None else ""
            if kind == "money":
                return format_money(value, self.flow.currency)
            if kind == "duration":
                return format_duration(value)
            return _number_text(value)
        return str(value)


def _number_text(value: Decimal) -> str:
    """2, 2.5, 0.25: a number as a person writes it."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    return f"{value.normalize():f}"
