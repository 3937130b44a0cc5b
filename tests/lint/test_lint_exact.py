"""The path rules are exact (issue 10, item 10): no false error because a
choice has many options or conditions combine, and the misses reported.
Each case of the issue, and its neighbours."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from callflow.flow.diagnostics import Diagnostic
from callflow.lint import lint_paths

UNUSED = {"CF212", "CF213", "CF214", "CF215"}  # the flows here define more than each case uses


def lint_text(tmp_path: Path, text: str) -> list[Diagnostic]:
    path = tmp_path / "flow.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return [d for d in lint_paths([str(path)]).diagnostics if d.code not in UNUSED]


def found(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint_text(tmp_path, text)]


def seats(count: int, *, skip: int | None = None) -> str:
    options = "\n".join(f"        - {{label: '{i}', value: '{i}', goto: B}}" for i in range(1, count + 1))
    items = "\n".join(
        f"      - item: {{code: S, quantity: {i}}}\n        when: seats == '{i}'" for i in range(1, count + 1) if i != skip
    )
    return f"""\
id: seats
title: Seats
start: A
catalog:
  S: {{name: SEAT, price: 10.00}}
nodes:
  A:
    choose:
      id: seats
      prompt: How many seats?
      options:
{options}
  B:
    steps:
{items}
      - payment: {{amount: due}}
    end: done
"""


@pytest.mark.parametrize("count", [8, 9, 12, 40])
def test_a_choice_with_many_options_each_adding_an_item_then_a_payment_is_clean(tmp_path: Path, count: int) -> None:
    assert found(tmp_path, seats(count)) == []


def test_one_option_without_its_item_is_still_found(tmp_path: Path) -> None:
    text = seats(12, skip=7)
    problems = lint_text(tmp_path, text)
    assert [d.code for d in problems] == ["CF301"]
    assert "on the way from node 'A'" in problems[0].message


FIELDS = """\
id: f
title: F
start: A
catalog:
  S: {name: SEAT, price: 10.00}
  T: {name: TWO, price: 10.00}
fields:
  x: {type: number, prompt: X}
  y: {type: number, prompt: Y, min: 1}
  bottles: {type: number, prompt: Bottles, max: 6}
  amount: {type: money, prompt: Amount}
nodes:
  A:
    steps:
      - ask: x
      - ask: y
      - ask: bottles
      - ask: amount
"""


def test_x_at_most_3_and_x_above_3_cover_every_case(tmp_path: Path) -> None:
    text = FIELDS + "      - item: S\n        when: x <= 3\n      - item: T\n        when: x > 3\n      - payment: {amount: due}\n    end: done\n"
    assert found(tmp_path, text) == []
    gap = text.replace("x > 3", "x > 4")  # x == 4 now buys nothing
    assert found(tmp_path, gap) == [(23, "CF301")]


def test_a_condition_the_field_min_makes_certain_always_holds(tmp_path: Path) -> None:
    text = FIELDS + "      - item: S\n        when: y >= 1\n      - payment: {amount: due}\n    end: done\n"
    assert found(tmp_path, text) == []
    assert found(tmp_path, text.replace("y >= 1", "y >= 2")) == [(21, "CF301")]


@pytest.mark.parametrize(
    ("condition", "why"),
    [
        ("x > 0 and x < 0", "'x' is a whole number, 0 or more"),
        ("bottles > 100", "'bottles' is a whole number, from 0 to 6"),
        ("bottles > 2 and bottles < 3", "'bottles' is a whole number, from 0 to 6"),
        ("amount < 0", "'amount' is an amount, 0 or more"),
        ("y == 0", "'y' is a whole number, 1 or more"),
    ],
)
def test_a_condition_no_answer_can_make_true_is_never_true(tmp_path: Path, condition: str, why: str) -> None:
    text = FIELDS + f"      - say: Never.\n        when: {condition}\n    end: done\n"
    [problem] = lint_text(tmp_path, text)
    assert (problem.line, problem.code) == (20, "CF211")
    assert problem.message == f"this condition never holds here, so the step never runs (no answer can make it true: {why})"


@pytest.mark.parametrize("condition", ["bottles > 2 and bottles <= 3", "amount > 0.5 and amount < 0.6", "x >= 0"])
def test_conditions_some_answer_makes_true_are_not_reported(tmp_path: Path, condition: str) -> None:
    text = FIELDS + f"      - say: Sometimes.\n        when: {condition}\n    end: done\n"
    assert found(tmp_path, text) == []


def test_decimals_make_a_grid_of_their_own(tmp_path: Path) -> None:
    text = FIELDS.replace("x: {type: number, prompt: X}", "x: {type: number, prompt: X, decimals: 1}")
    assert found(tmp_path, text + "      - say: Yes.\n        when: x > 2 and x < 2.2\n    end: done\n") == []
    assert found(tmp_path, text + "      - say: No.\n        when: x > 2 and x < 2.1\n    end: done\n") == [(20, "CF211")]


def test_an_expression_compared_with_constants_is_one_unknown_with_regions(tmp_path: Path) -> None:
    # `x * y` is not pinned down, but `x * y <= 10` and `x * y > 10` still cover every case.
    text = FIELDS + (
        "      - item: S\n        when: x * y <= 10\n      - item: T\n        when: x * y > 10\n"
        "      - payment: {amount: due}\n    end: done\n"
    )
    assert found(tmp_path, text) == []
    both = FIELDS + "      - say: Never.\n        when: x * y > 10 and x * y < 5\n    end: done\n"
    assert found(tmp_path, both) == [(20, "CF211")]


def test_two_values_compared_both_ways_cover_every_case(tmp_path: Path) -> None:
    text = FIELDS + (
        "      - item: S\n        when: x < y\n      - item: T\n        when: y <= x\n"
        "      - payment: {amount: due}\n    end: done\n"
    )
    assert found(tmp_path, text) == []


def test_arithmetic_of_one_value_is_followed_region_by_region(tmp_path: Path) -> None:
    text = FIELDS + "      - set: {fee: bottles * 9}\n      - say: Never.\n        when: fee > 54\n    end: done\n"
    assert found(tmp_path, text) == [(21, "CF211")]
    assert found(tmp_path, text.replace("fee > 54", "fee >= 54")) == []


def test_branches_that_meet_and_branch_again_on_the_same_answer_are_kept_apart(tmp_path: Path) -> None:
    text = """\
    id: f
    title: F
    start: A
    catalog:
      S: {name: SEAT, price: 10.00}
    fields:
      name: {prompt: Name}
    nodes:
      A:
        choose:
          id: member
          prompt: Member?
          options:
            - {label: "Yes", value: "yes", goto: B}
            - {label: "No", value: "no", goto: C}
      B:
        steps:
          - ask: name
          - item: S
        next: D
      C:
        next: D
      D:
        routes:
          - if: member == 'yes'
            goto: E
          - else: F
      E:
        steps:
          - say: "Thanks {name}."
          - payment: {amount: due}
        end: done
      F:
        end: done
    """
    assert found(tmp_path, text) == []


def test_a_visit_count_decides_a_route_exactly(tmp_path: Path) -> None:
    text = """\
    id: f
    title: F
    start: TRY
    fields:
      worked: {type: yesno, prompt: Worked?}
    nodes:
      TRY:
        steps:
          - ask: worked
          - say: Third try.
            when: visits('TRY') == 3
          - say: Never a fourth.
            when: visits('TRY') > 3
        at_most: {times: 3, then: ESCALATE}
        routes:
          - if: worked
            goto: DONE
          - else: TRY
      DONE:
        end: done
      ESCALATE:
        end: escalated
    """
    assert found(tmp_path, text) == [(13, "CF211")]


def test_a_date_bounded_by_today_is_compared_with_today_exactly(tmp_path: Path) -> None:
    text = """\
    id: t
    title: T
    start: A
    fields:
      callback: {type: date, prompt: Callback date, min: today}
      due_by: {type: date, prompt: Due by, max: today - 1}
    nodes:
      A:
        steps:
          - ask: callback
          - ask: due_by
          - say: Late.
            when: callback < today
          - say: Today or later.
            when: callback >= today
          - say: Never.
            when: due_by >= today
          - say: Before today.
            when: due_by < today
        end: done
    """
    problems = lint_text(tmp_path, text)
    assert [(d.line, d.code) for d in problems] == [(13, "CF211"), (17, "CF211")]
    assert problems[0].message.endswith("('callback' is a date, today or later)")
