"""CF210 on date fields: a date compares with a date written 'YYYY-MM-DD' in
quotes; anything else is never true and is said so where it stands."""

from __future__ import annotations

from pathlib import Path

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
