"""Date fields end to end: what a date is, how conditions compare dates, what
lint says about them, and the answers that walks and scaffolds make up."""

from __future__ import annotations

from pathlib import Path

import pytest

from callflow.call.valuegen import Telling, candidate_answers
from callflow.flow.dates import calendar_day, loose_date_at
from callflow.flow.loadedflow import load_flow
from callflow.lint import lint_paths
from callflow.testing.randomwalk import random_walks

FLOW = """\
id: dates
title: Dates
start: A
catalog:
  "310": {{name: ONE-TIME REMOTE SESSION, price: 35.00}}
fields:
  when_due: {{type: date, prompt: Due date}}
  amount: {{type: money, prompt: Amount}}
nodes:
  A:
    steps:
      - ask: when_due
      - ask: amount
      - item: "310"
    routes:
      - if: {condition}
        goto: LATE
      - else: EARLY
  LATE: {{end: late}}
  EARLY: {{end: early}}
"""


def write(tmp_path: Path, condition: str) -> Path:
    path = tmp_path / "dates.yaml"
    path.write_text(FLOW.format(condition=condition), encoding="utf-8")
    return path


def problems(tmp_path: Path, condition: str) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in lint_paths([str(write(tmp_path, condition))]).diagnostics]


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-11-23", (2026, 11, 23)), ("2028-02-29", (2028, 2, 29)), ("0001-01-01", (1, 1, 1))],
)
def test_a_calendar_day_is_exactly_year_month_day(text: str, day: tuple[int, int, int]) -> None:
    found = calendar_day(text)
    assert found is not None and (found.year, found.month, found.day) == day


@pytest.mark.parametrize(
    "text", ["2026-02-29", "2026-13-01", " 2026-11-23", "2026-11-23 ", "20261123", "2026-W48-1", "２０２６-11-23"]
)
def test_anything_else_is_not_a_calendar_day(text: str) -> None:
    assert calendar_day(text) is None


@pytest.mark.parametrize(
    ("text", "written"),
    [("2026-12-01", "2026-12-01"), ("2026-1-5 and x", "2026-01-05"), ("5-3", None), ("２０２６-1-5", None)],
)
def test_a_date_typed_without_quotes_is_found_and_written_properly(text: str, written: str | None) -> None:
    assert loose_date_at(text, 0) == written


def test_an_unpadded_date_without_quotes_is_told_how_to_write_it(tmp_path: Path) -> None:
    [(code, message)] = problems(tmp_path, "when_due < 2026-1-5")
    assert code == "CF010"
    assert message.endswith("a date is written in quotes: write '2026-01-05'")


def test_a_date_with_spaces_inside_the_quotes_is_not_a_date(tmp_path: Path) -> None:
    # The engine compares the text as written: ' 2026-12-01' sorts before every date.
    [(code, message)] = problems(tmp_path, "when_due >= ' 2026-12-01'")
    assert code == "CF210"
    assert "' 2026-12-01' is not a date, so this is never true" in message


def test_not_equal_to_something_that_is_no_date_is_always_true(tmp_path: Path) -> None:
    [(code, message)] = problems(tmp_path, "when_due != 'soon'")
    assert code == "CF210"
    assert "'soon' is not a date, so this is always true once it is answered" in message


@pytest.mark.parametrize("other", ["amount", "catalog.310.price"])
def test_a_date_compared_with_an_amount_is_never_true(tmp_path: Path, other: str) -> None:
    [(code, message)] = problems(tmp_path, f"when_due > {other}")
    assert code == "CF210"
    assert message.startswith(f"'when_due' is a date field and '{other}' is ")
    assert message.endswith(f"'when_due > {other}' is never true")


def test_a_catalog_price_is_a_known_value_to_lint(tmp_path: Path) -> None:
    # 35.00 < 30 can never hold: the step never runs, as with a constant.
    path = tmp_path / "price.yaml"
    path.write_text(
        'id: p\ntitle: P\nstart: A\ncatalog:\n  "310": {name: ONE, price: 35.00}\nnodes:\n  A:\n'
        '    steps:\n      - item: "310"\n      - say: Cheap today.\n        when: catalog.310.price < 30\n'
        "    end: done\n",
        encoding="utf-8",
    )
    found = lint_paths([str(path)]).diagnostics
    assert [(d.line, d.code) for d in found] == [(11, "CF211")]
    assert found[0].message == "this condition never holds here, so the step never runs"


def test_dates_around_the_calendar_edges_make_valid_candidates(tmp_path: Path) -> None:
    for edge in ("9999-12-31", "0001-01-01"):
        loaded = load_flow(str(write(tmp_path, f"when_due >= '{edge}'")), cache=False)
        question = loaded.index.questions["when_due"]
        made = candidate_answers("when_due", question, Telling.of(loaded.flow))
        assert edge in made and all(calendar_day(answer) is not None for answer in made)
        walks = random_walks(loaded, seed=1, count=20)
        assert all(walk.ok for walk in walks)
