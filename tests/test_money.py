"""Money: Decimal, half-up to cents, read as people type it, shown with its currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from callflow.flow.money import ZERO, cents, format_money, parse_amount


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("2.345", "2.35"),
        ("2.344", "2.34"),
        ("2.355", "2.36"),
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("-2.345", "-2.35"),  # half away from zero, as a cashier rounds
        ("45.5", "45.50"),
        ("20", "20.00"),
    ],
)
def test_cents_rounds_half_up(value: str, rounded: str) -> None:
    result = cents(Decimal(value))
    assert str(result) == rounded


def test_cents_takes_int_and_text_and_never_float_noise() -> None:
    assert str(cents(35)) == "35.00"
    assert str(cents("1.005")) == "1.01"  # float 1.005 would round to 1.00
    assert str(ZERO) == "0.00"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("45.5", "45.50"),
        ("45.50", "45.50"),
        ("$45.50", "45.50"),
        ("$1,234.50", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        (" $ 12 ", "12.00"),
        ("45.50 USD", "45.50"),
        ("45.50 usd", "45.50"),
        ("-$5.25", "-5.25"),
        ("-5.25", "-5.25"),
        ("+3", "3.00"),
        (".75", "0.75"),
        ("2.345", "2.35"),
    ],
)
def test_parse_amount_forms(text: str, amount: str) -> None:
    result = parse_amount(text)
    assert isinstance(result, Decimal)
    assert str(result) == amount


@pytest.mark.parametrize("text", ["", " ", "abc", "$", "-", ".", "1,23", "1,2345", "12.3.4", "5.", "€5", "1e3", "nan"])
def test_parse_amount_refuses_with_a_message_to_act_on(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_amount(text)
    assert str(caught.value) == f"'{text}' is not an amount (type it like 45.50)"


def test_parse_amount_uses_the_currency_symbol() -> None:
    assert parse_amount("€5", "EUR") == Decimal("5.00")
    assert parse_amount("£1,000", "GBP") == Decimal("1000.00")
    assert parse_amount("5 CHF", "CHF") == Decimal("5.00")


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("65.5", "USD", "$65.50"),
        ("1234.5", "USD", "$1,234.50"),
        ("-5", "USD", "-$5.00"),
        ("0", "USD", "$0.00"),
        ("2.345", "USD", "$2.35"),
        ("12.3", "EUR", "€12.30"),
        ("12.3", "CHF", "12.30 CHF"),
        ("-1000", "CHF", "-1,000.00 CHF"),
    ],
)
def test_format_money(amount: str, currency: str, shown: str) -> None:
    assert format_money(Decimal(amount), currency) == shown
