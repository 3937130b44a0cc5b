"""One difference between what a scenario expects and what the call gave,
and the small helpers the expectation checks share to word it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from callflow.flow.money import format_money

ARROW = " → "


@dataclass(frozen=True)
class Mismatch:
    """One expectation the call did not meet."""

    loc: tuple[Any, ...]  # where the expectation is in the scenario file
    what: str  # e.g. "invoice.total", "path"
    message: str
    expected: str | None = None
    actual: str | None = None
    detail: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.what,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "detail": list(self.detail),
        }


def quote(text: str | None) -> str:
    return "nothing" if text is None else f"'{text}'"


def route_text(nodes: Sequence[str]) -> str:
    return ARROW.join(nodes) if nodes else "(nothing)"


class Money:
    """Amounts as the flow's currency writes them; None as 'nothing'."""

    def __init__(self, currency: str) -> None:
        self.currency = currency

    def __call__(self, amount: Decimal | None) -> str:
        return "nothing" if amount is None else format_money(amount, self.currency)


Pair = tuple[str, object, object, str, str]  # key, expected, actual, expected as text, actual as text


def field_mismatches(loc: tuple[Any, ...], what: str, pairs: Sequence[Pair]) -> list[Mismatch]:
    """A mismatch for each written expectation (not None) that differs."""
    return [
        Mismatch((*loc, key), f"{what}.{key}", f"expected {want_text}, got {got_text}", want_text, got_text)
        for key, want, got, want_text, got_text in pairs
        if want is not None and want != got
    ]


def count_mismatch(
    loc: tuple[Any, ...], what: str, expected: int, actual: Sequence[Any], words: str, shown: Callable[[Any], str]
) -> Mismatch:
    """`expected 2 payment(s), got 1` with what the call actually gave."""
    return Mismatch(
        loc,
        what,
        f"expected {expected} {words}(s), got {len(actual)}",
        str(expected),
        str(len(actual)),
        tuple(f"actual:   {shown(item)}" for item in actual) or (f"actual:   no {words}s",),
    )
