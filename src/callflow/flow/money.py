"""Money: `decimal.Decimal`, rounded half-up to cents, with the currency named."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_TYPED_AMOUNT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def cents(value: Decimal | int | str) -> Decimal:
    """Round to cents, half-up (2.345 -> 2.35)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str, currency: str = "USD") -> Decimal:
    """Read an amount as a person types it: `45.5`, `$45.50`, `1,234.00`, `45.50 USD`.

    Raises ValueError with a message a director can act on.
    """
    cleaned = text.strip()
    symbol = _SYMBOLS.get(currency)
    if cleaned.upper().endswith(currency):
        cleaned = cleaned[: -len(currency)].strip()
    if symbol and cleaned.startswith(symbol):
        cleaned = cleaned[len(symbol) :].strip()
    elif symbol and cleaned.startswith("-" + symbol):
        cleaned = "-" + cleaned[len(symbol) + 1 :].strip()
    if not cleaned or not _TYPED_AMOUNT.match(cleaned) or cleaned in ("+", "-", "."):
        raise ValueError(f"'{text}' is not an amount (type it like 45.50)")
    try:
        return cents(Decimal(cleaned.replace(",", "")))
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount (type it like 45.50)") from None


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """`$65.50` for currencies with a symbol, `65.50 CHF` for the others."""
    amount = cents(amount)
    symbol = _SYMBOLS.get(currency)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"
