"""The types of flow values as expressions see them: a field type, with
whether a number is whole and whether it was written in the flow itself."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from callflow.flow.expressions import Literal
from callflow.flow.names import Symbol


@dataclass(frozen=True)
class Type:
    kind: str  # number, money, text, yesno, date, duration, choice, any
    whole: bool = False  # a number known to be whole (a count)
    literal: bool = False  # a plain number written in the flow: stands for money next to money
    question: str | None = None  # a choice: the question whose options it holds

    def __str__(self) -> str:
        if self.kind == "number":
            return "a whole number" if self.whole else "a number"
        return {
            "money": "an amount of money",
            "text": "text",
            "yesno": "yes/no",
            "date": "a date",
            "duration": "a duration",
            "choice": f"a choice of '{self.question}'" if self.question else "a choice",
        }.get(self.kind, "a value")


ANY = Type("any")
NUMBER = Type("number")
WHOLE = Type("number", whole=True)
MONEY = Type("money")
TEXT = Type("text")
YESNO = Type("yesno")
DATE = Type("date")
DURATION = Type("duration")


ANY = Type("any")
NUMBER = Type("number")
WHOLE = Type("number", whole=True)
MONEY = Type("money")
TEXT = Type("text")
YESNO = Type("yesno")
DATE = Type("date")
DURATION = Type("duration")


def type_of_symbol(symbol: Symbol) -> Type:
    kind = symbol.type
    if kind == "choice":
        return Type("choice", question=symbol.name)
    if kind == "number":
        return Type("number", whole=symbol.whole or (isinstance(symbol.value, Decimal) and symbol.value % 1 == 0))
    if kind in ("money", "text", "yesno", "date", "duration"):
        return Type(kind)
    return ANY


def literal_type(literal: Literal) -> Type:
    value = literal.value
    if isinstance(value, bool):
        return YESNO
    if isinstance(value, str):
        return TEXT
    if literal.unit == "min":
        return DURATION
    return Type("number", whole=value % 1 == 0, literal=True)
