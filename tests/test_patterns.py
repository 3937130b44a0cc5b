"""Field patterns are checked in bounded time, and a pattern callflow cannot
check in bounded time is refused where it is written (issue 12, items 3 and 4)."""

from __future__ import annotations

import textwrap
import time

import pytest

from callflow.call.values import InvalidAnswer, parse_answer
from callflow.flow.errors import FlowLoadError
from callflow.flow.fields import InputField
from callflow.flow.loader import validate_text
from callflow.flow.model import Flow
from callflow.flow.patterns import PatternError, check_pattern, fits

FLOW = """\
id: p
title: P
start: A
fields:
  code: {{prompt: Code?, pattern: '{pattern}'}}
nodes:
  A:
    steps:
      - ask: code
    end: done
"""


def test_a_catastrophic_pattern_matches_in_linear_time() -> None:
    field = InputField(prompt="Code?", pattern="(a+)+")
    started = time.process_time()
    with pytest.raises(InvalidAnswer):
        parse_answer(field, "a" * 30 + "!")
    with pytest.raises(InvalidAnswer):
        parse_answer(field, "a" * 100_000 + "!")
    assert parse_answer(field, "aaaa") == "aaaa"
    # Python's re takes most of a minute on the first; RE2 a fraction of a millisecond.
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("a{4294967296}", "repeats more than 1,000 times"),
        ("a{2,5000}", "repeats more than 1,000 times"),
        (r"(a)\1", "not one callflow can check: invalid escape sequence"),
        ("a(?=b)", "not one callflow can check: invalid perl operator"),
        ("(" * 1200 + "a" + ")" * 1200, "longer than 1,000 characters"),
        ("[", "not one callflow can check: missing ]"),
    ],
)
def test_a_pattern_callflow_cannot_check_is_refused_with_why(pattern: str, why: str) -> None:
    with pytest.raises(PatternError, match=why.replace("(", r"\(").replace("[", r"\[")):
        check_pattern(pattern)


def test_five_hundred_nested_groups_are_fine_and_fast() -> None:
    pattern = "(" * 490 + "a" + ")" * 490
    started = time.process_time()
    assert fits(pattern, "a")
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize("pattern", ["a{4294967296}", r"(a)\1", "a(?=b)"])
def test_lint_and_load_report_a_refused_pattern_at_its_position(pattern: str) -> None:
    with pytest.raises(FlowLoadError) as caught:
        validate_text(Flow, textwrap.dedent(FLOW.format(pattern=pattern)), "p.yaml")
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.code) == (5, "CF010")
    assert problem.message.startswith("pattern: ")


def test_digits_are_ascii_digits() -> None:
    # A LogMeIn code is six ASCII digits; Arabic-Indic digits are no code.
    field = InputField(prompt="Code?", pattern=r"\d{6}")
    assert parse_answer(field, "123456") == "123456"
    with pytest.raises(InvalidAnswer):
        parse_answer(field, "١٢٣٤٥٦")
