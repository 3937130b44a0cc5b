"""CF210 on date fields: a date compares with a date written 'YYYY-MM-DD' in
quotes; anything else is never true and is said so where it stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from callflow.lint import lint_paths

FLOW = """\
id: dates
title: Dates
start: A
fields:
  go_live: {{type: date, prompt: Go-live date}}
nodes:
  A:
    steps:
      - ask: go_live
    routes:
      - if: go_live >= '2026-12-01'
        goto: LATE
      - if: {condition}
        goto: EARLY
      - else: EARLY
  LATE: {{end: late}}
  EARLY: {{end: early}}
"""


def lint_condition(tmp_path: Path, condition: str) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "dates.yaml"
    path.write_text(FLOW.format(condition=condition), encoding="utf-8")
    return [(d.line, d.col, d.code, d.message) for d in lint_paths([str(path)]).diagnostics]


def test_a_date_field_compared_with_dates_in_quotes_is_clean(tmp_path: Path) -> None:
    assert lint_condition(tmp_path, "go_live < '2024-02-29' or go_live == '2026-11-23'") == []


def test_a_date_that_is_not_on_the_calendar_is_never_true(tmp_path: Path) -> None:
    assert lint_condition(tmp_path, "go_live == '2026-02-30'") == [
        (13, 13, "CF210", "'go_live' is a date field and '2026-02-30' is not a date, so this is never true:"
         " write it YYYY-MM-DD, e.g. '2026-12-01'")
    ]


def test_a_date_field_compared_with_a_number_or_yes_no_is_never_true(tmp_path: Path) -> None:
    expected = "'go_live' is a date field: compare it with a date in quotes, e.g. '2026-12-01'"
    assert lint_condition(tmp_path, "go_live > 20261201") == [(13, 13, "CF210", expected)]
    assert lint_condition(tmp_path, "go_live != yes") == [(13, 13, "CF210", expected)]


def test_a_date_without_quotes_is_a_syntax_error_that_says_to_quote_it(tmp_path: Path) -> None:
    [(line, _col, code, message)] = lint_condition(tmp_path, "go_live == 2026-12-01")
    assert (line, code) == (13, "CF010")
    assert message.endswith("a date is written in quotes: write '2026-12-01'")


SLOTS = """\
id: slots
title: Slots
start: A
constants:
  rate: {{money: 95.00}}
catalog:
  "410": {{name: LICENCE, price: 12.00}}
  "500": {{name: ON-SITE WORK, price: 95.00}}
fields:
  seats: {{type: number, prompt: Seats?}}
  onsite: {{type: duration, prompt: Time on site}}
  note: {{prompt: Note}}
nodes:
  A:
    steps:
      - ask: seats
      - ask: onsite
      - ask: note
      - {step}
    end: done
"""


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("item: {code: '410', quantity: seats / 2}", "the quantity must be a whole number, and this can have a fraction: round it"),
        ("item: {code: '410', quantity: onsite}", "the quantity must be a number, not a duration"),
        ("item: {code: '410', price: seats}", "the price must be an amount of money, not a whole number"),
        ("credit: {label: Off, amount: note}", "the amount must be an amount of money, not text"),
        ("time: {code: '500', duration: seats}", "the duration must be a duration, not a whole number: give the unit"),
        ("time: {code: '500', duration: onsite, minimum: 1}", "the minimum must be a duration, not a whole number"),
        ("time: {code: '500', duration: onsite, multiplier: rate}", "the multiplier must be a number, not an amount of money"),
        ("time: {code: '500', duration: onsite, rate: seats}", "the rate must be an amount of money, not a whole number"),
        ("follow_up: {text: Call back, due: seats}", "the due date must be a date, not a whole number"),
        ("set: {x: note + 1}", "'+' needs numbers, amounts, durations or dates, not text"),
    ],
)
def test_every_slot_of_a_step_has_the_kind_it_needs(tmp_path: Path, step: str, message: str) -> None:
    path = tmp_path / "slots.yaml"
    path.write_text(SLOTS.format(step=step), encoding="utf-8")
    found = [d for d in lint_paths([str(path)]).diagnostics if d.code == "CF210"]
    assert [d.line for d in found] == [19]
    assert found[0].message.startswith(message)


def test_a_computed_value_set_to_two_kinds_is_an_error_where_it_differs(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    text = SLOTS.format(step="set: {x: seats * rate}").replace("    end: done", "      - set: {x: note}\n    end: done")
    path.write_text(text, encoding="utf-8")
    found = [d for d in lint_paths([str(path)]).diagnostics if d.code == "CF210"]
    assert [(d.line, d.col) for d in found] == [(20, 15)]
    assert found[0].message == (
        "'x' is set to text here but to an amount of money at line 19: a computed value holds one kind of value;"
        " give the other a name of its own"
    )
