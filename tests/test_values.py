"""Turning typed answers into values: yes/no, choice, pattern, number, money, text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from callflow.call.values import InvalidAnswer, display_value, find_option, parse_answer
from callflow.flow.fields import InputField
from callflow.flow.loader import adapter
from callflow.flow.model import Choose


def field(**spec: object) -> InputField:
    return adapter(InputField).validate_python({"prompt": "Question?", **spec})


YESNO = field(type="yesno")
PLAN = field(
    type="choice",
    options=[
        {"label": "Pay As You Go", "value": "pay_as_you_go"},
        {"label": "Help Desk", "value": "help_desk"},
        {"label": "Managed Services"},
    ],
)
EXISTING = adapter(Choose).validate_python(
    {
        "id": "existing_member",
        "prompt": "Existing member?",
        "options": [{"label": "Yes", "value": "yes", "goto": "D-2-5"}, {"label": "No", "value": "no", "goto": "D-2-3"}],
    }
)
CODE = field(pattern=r"[0-9]{6}", pattern_hint="the LogMeIn code is six digits, e.g. 123456")
MONEY = field(type="money")
NUMBER = field(type="number")
TEXT = field()


def refused(question: InputField | Choose, raw: object) -> str:
    with pytest.raises(InvalidAnswer) as caught:
        parse_answer(question, raw)
    return str(caught.value)


# -- yes/no ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["y", "Y", "yes", "YES", " Yes ", "true", "1", "on", True])
def test_yes(raw: object) -> None:
    assert parse_answer(YESNO, raw) is True


@pytest.mark.parametrize("raw", ["n", "No", "false", "0", "off", " NO", False])
def test_no(raw: object) -> None:
    assert parse_answer(YESNO, raw) is False


def test_yesno_refuses_other_words() -> None:
    assert refused(YESNO, "maybe") == "'maybe' is not yes or no"
    assert refused(YESNO, "") == "an answer is required"


# -- choice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("help_desk", "help_desk"),  # the recorded value
        ("Help Desk", "help_desk"),  # the label
        ("help desk", "help_desk"),  # ignoring case
        ("  PAY AS YOU GO ", "pay_as_you_go"),
        ("Managed Services", "Managed Services"),  # no value: the label is recorded
    ],
)
def test_choice_by_value_or_label(raw: str, value: str) -> None:
    assert parse_answer(PLAN, raw) == value


def test_choose_question_answers_with_its_option_values() -> None:
    assert parse_answer(EXISTING, "yes") == "yes"
    assert parse_answer(EXISTING, "No") == "no"


def test_choice_refusal_lists_the_options() -> None:
    assert refused(PLAN, "Gold") == "'Gold' is not one of the options: 'Pay As You Go', 'Help Desk', 'Managed Services'"
    assert refused(EXISTING, "") == "an answer is required"


def test_find_option_prefers_an_exact_match() -> None:
    options = field(type="choice", options=[{"label": "a", "value": "A"}, {"label": "A", "value": "b"}])
    assert find_option(options, "A").key == "A"  # exact value beats the label that differs only in case
    assert find_option(options, "a").key == "A"


# -- pattern -------------------------------------------------------------------------


def test_pattern_must_match_whole() -> None:
    assert parse_answer(CODE, "123456") == "123456"
    assert refused(CODE, "12345") == "'12345' does not fit: the LogMeIn code is six digits, e.g. 123456"
    assert refused(CODE, "1234567") == "'1234567' does not fit: the LogMeIn code is six digits, e.g. 123456"
    assert refused(CODE, "12345a").startswith("'12345a' does not fit")


def test_pattern_without_hint_names_the_pattern() -> None:
    assert refused(field(pattern=r"T\d+"), "X1") == r"'X1' does not fit: it must match T\d+"


# -- money ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("45.5", "45.50"),
        ("45.50", "45.50"),
        ("$45.50", "45.50"),
        ("$1,234.50", "1234.50"),
        ("1,234", "1234.00"),
        ("45.50 USD", "45.50"),
        ("0", "0.00"),
        ("2.345", "2.35"),
        (".5", "0.50"),
    ],
)
def test_money_forms(raw: str, amount: str) -> None:
    value = parse_answer(MONEY, raw)
    assert value == Decimal(amount)
    assert isinstance(value, Decimal) and str(value) == amount


@pytest.mark.parametrize("raw", ["abc", "1,23", "12,34.5", "$", "5.", "4 5", "--5"])
def test_money_refuses_what_is_not_an_amount(raw: str) -> None:
    assert refused(MONEY, raw) == f"'{raw}' is not an amount (type it like 45.50)"


def test_money_is_not_negative_unless_a_minimum_allows_it() -> None:
    assert refused(MONEY, "-5") == "an amount cannot be negative"
    assert parse_answer(field(type="money", min="-100"), "-5") == Decimal("-5.00")


def test_money_range_messages_show_money() -> None:
    capped = field(type="money", min="5", max="1000")
    assert refused(capped, "4.99") == "must be at least $5.00"
    assert refused(capped, "1,000.01") == "must be at most $1,000.00"
    assert parse_answer(capped, "1000") == Decimal("1000.00")


def test_money_in_another_currency() -> None:
    assert parse_answer(MONEY, "€12.30", "EUR") == Decimal("12.30")
    assert display_value(MONEY, Decimal("12.3"), "CHF") == "12.30 CHF"


# -- number ---------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "number"), [("3", "3"), (" 7 ", "7"), ("2.0", "2"), ("1,234", "1234")])
def test_number_forms(raw: str, number: str) -> None:
    assert parse_answer(NUMBER, raw) == Decimal(number)


def test_a_number_is_a_whole_count_unless_the_field_allows_decimals() -> None:
    # Issue 10: "type: number accepts 2.5 bottles".
    assert refused(NUMBER, "2.5") == "'2.5' is not a whole number"
    hours = field(type="number", decimals=2)
    assert parse_answer(hours, "2.5") == Decimal("2.5")
    assert parse_answer(hours, "1.50") == Decimal("1.50")
    assert refused(hours, "1.005") == "'1.005' has more than 2 decimal places"


def test_numbers_and_amounts_are_not_negative_unless_min_says_so() -> None:
    assert refused(NUMBER, "-2") == "must be 0 or more"
    assert refused(MONEY, "-1.00") == "an amount cannot be negative"
    assert parse_answer(field(type="number", min=-10), "-2") == Decimal(-2)
    assert parse_answer(field(type="money", min=-500), "-160.94") == Decimal("-160.94")


@pytest.mark.parametrize("raw", ["99999999999999999999999999", "1e30", "1000000000000"])
def test_an_amount_beyond_what_callflow_carries_is_refused_at_input(raw: str) -> None:
    # Issue 12: a 26-digit amount crashed a live call.
    assert "the largest amount callflow carries" in refused(MONEY, raw) or "not an amount" in refused(MONEY, raw)
    assert "callflow carries" in refused(NUMBER, raw) or "not a number" in refused(NUMBER, raw)


@pytest.mark.parametrize("raw", ["abc", "nan", "Infinity", "1,5", "1,2,3", "12,34"])
def test_number_refuses_what_is_not_a_number(raw: str) -> None:
    # '1,5' is one and a half in much of the world: reading it as 15 would
    # record a wrong value without a word.
    assert refused(NUMBER, raw) == f"'{raw}' is not a number"


def test_number_range() -> None:
    assert refused(field(type="number", min=1, max=5), "6") == "must be at most 5"
    assert refused(field(type="number", min=1, max=5), "0") == "must be at least 1"


# -- text, required and optional ---------------------------------------------------------


def test_text_keeps_what_was_typed_but_the_spaces_around_it() -> None:
    assert parse_answer(TEXT, "  Printer jams ") == "Printer jams"
    assert parse_answer(TEXT, "012") == "012"
    assert parse_answer(CODE, " 123456 ") == "123456"


def test_a_secret_is_kept_exactly_as_typed() -> None:
    assert parse_answer(field(secret=True), " pa ss ") == " pa ss "


@pytest.mark.parametrize("question", [TEXT, MONEY, NUMBER, YESNO, PLAN, CODE])
def test_required_questions_refuse_blank_answers(question: InputField) -> None:
    assert refused(question, "   ") == "an answer is required"
    assert refused(question, None) == "an answer is required"


@pytest.mark.parametrize("spec", [{}, {"type": "money"}, {"type": "yesno"}, {"pattern": r"\d{6}"}])
def test_optional_questions_take_blank_as_nothing(spec: dict[str, object]) -> None:
    assert parse_answer(field(required=False, **spec), "  ") is None


# -- display ------------------------------------------------------------------------------


def test_display_values() -> None:
    assert display_value(YESNO, True) == "Yes"
    assert display_value(YESNO, False) == "No"
    assert display_value(PLAN, "help_desk") == "Help Desk"
    assert display_value(EXISTING, "no") == "No"
    assert display_value(MONEY, Decimal("1234.5")) == "$1,234.50"
    assert display_value(NUMBER, Decimal(3)) == "3"
    assert display_value(TEXT, None) == ""


def test_a_refused_secret_is_not_echoed() -> None:
    pin = field(secret=True, pattern=r"[0-9]{4}", pattern_hint="four digits")
    assert refused(pin, "12a4") == "the answer does not fit: four digits"
    assert refused(field(secret=True, type="money"), " 99x ") == "the answer is not an amount (type it like 45.50)"
    assert refused(field(secret=True, type="yesno"), "sí") == "the answer is not yes or no"
    assert parse_answer(pin, "1234") == "1234"


# -- dates ---------------------------------------------------------------------------

DATE = field(type="date")


def test_a_date_is_written_year_month_day_and_kept_as_that_text() -> None:
    assert parse_answer(DATE, " 2026-11-23 ") == "2026-11-23"
    assert display_value(DATE, "2026-11-23") == "2026-11-23"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-13-45", "'2026-13-45' is not a day of the calendar"),
        ("2026-02-30", "'2026-02-30' is not a day of the calendar"),
        ("23/11/2026", "'23/11/2026' is not a date: write it YYYY-MM-DD, e.g. 2026-11-23"),
        ("20261123", "'20261123' is not a date: write it YYYY-MM-DD, e.g. 2026-11-23"),
    ],
)
def test_a_date_that_is_not_one_is_refused(typed: str, message: str) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        parse_answer(DATE, typed)
    assert str(refused.value) == message
