"""`callflow walk`: seeded random walks that must keep the call invariants, over
every shipped flow; a failing walk printed as a scenario that reproduces it."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from scenariokit import FLOWS, cli, shop, write

from callflow.call.regexgen import PatternNotSupported, generate
from callflow.call.valuegen import Telling, random_answer
from callflow.flow.fields import InputField
from callflow.flow.loadedflow import load_flow
from callflow.testing.randomwalk import random_walk, random_walks

SHIPPED = sorted(FLOWS.glob("*.yaml"))

BLANK_FLOW = """\
callflow: 1
id: nick
title: Nickname
start: a
fields:
  nickname: {prompt: Nickname?, required: false}
nodes:
  a:
    steps:
      - ask: nickname
      - say: "Hi {nickname}!"
    end: done
"""


@pytest.mark.parametrize("flow", SHIPPED, ids=lambda p: p.stem)
def test_seeded_random_walks_keep_every_invariant_on_every_shipped_flow(flow: Path) -> None:
    loaded = load_flow(str(flow))
    walks = random_walks(loaded, seed=20261123, count=150)
    failed = [(w.number, w.problems) for w in walks if not w.ok]
    assert failed == []
    assert all(w.summary.ended for w in walks)


def test_the_same_seed_gives_the_same_walks(tmp_path: Path) -> None:
    loaded = load_flow(str(shop(tmp_path)))
    first = [w.answers for w in random_walks(loaded, 7, 20)]
    again = [w.answers for w in random_walks(loaded, 7, 20)]
    other = [w.answers for w in random_walks(loaded, 8, 20)]
    assert first == again
    assert first != other
    # Walk 5 alone is walk 5 of the run.
    assert random_walk(loaded, 7, 5).answers == first[4]


def test_walks_reach_both_sides_of_a_comparison(tmp_path: Path) -> None:
    result = cli("walk", shop(tmp_path), "--random", "--seed", "3", "--count", "60")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "60 passed, 0 failed; the walks reached 6/6 edges (100 %) and 3/3 ends (100 %)"
    )


def test_a_failing_walk_prints_a_scenario_that_reproduces_it(tmp_path: Path) -> None:
    flow = write(tmp_path, "flows/nick.yaml", BLANK_FLOW)
    result = cli("walk", flow, "--random", "--seed", "1", "--count", "40")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{flow}: 40 random walks, seed 1"
    fails = [line for line in lines if line.startswith("FAIL  walk ")]
    assert fails
    assert all(line.endswith('at a: a blank is shown ({nickname} had no value): "Hi _____!" [blank-shown]') for line in fails)
    assert re.match(r"^\d+ passed, \d+ failed; the walks reached 0/0 edges \(100 %\) and 1/1 ends \(100 %\)$", lines[-1])

    # The printed scenario, saved next to the flow, fails `callflow test` the same way.
    start = lines.index("      A scenario that reproduces it:") + 2
    block = []
    for line in lines[start:]:
        if not line.startswith("        "):
            break
        block.append(line[8:])
    scenario = write(tmp_path, "flows/nick.scenarios/walk.yaml", "\n".join(block) + "\n")
    assert '  nickname: ""' in block
    tested = cli("test", scenario)
    assert tested.exit_code == 1
    assert '[blank-shown]' in tested.output

    fixed = BLANK_FLOW.replace('      - say: "Hi {nickname}!"', '      - say: "Hi {nickname}!"\n        when: nickname')
    flow.write_text(fixed, encoding="utf-8")
    assert cli("test", scenario).exit_code == 0
    assert cli("walk", flow, "--random", "--seed", "1", "--count", "40").exit_code == 0


def test_a_walk_that_never_ends_fails_within_the_bound(tmp_path: Path) -> None:
    flow = write(
        tmp_path,
        "trap.yaml",
        """\
        callflow: 1
        id: trap
        title: Trap
        start: a
        nodes:
          a:
            choose:
              id: again
              prompt: Again?
              options:
                - {label: "Yes", value: "yes", goto: a}
                - {label: "Also yes", value: "also", goto: a}
        """,
    )
    result = cli("walk", flow, "--random", "--seed", "1", "--count", "2", "--max-answers", "30", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["failed"] == 2
    assert data["results"][0]["problems"] == ["the call did not end within 30 answers (still at a)"]
    assert data["results"][0]["rules"] == ["not-ended"]
    assert "again: [" in data["results"][0]["scenario"]


def test_without_random_one_walk_per_route(tmp_path: Path) -> None:
    result = cli("walk", shop(tmp_path))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"{tmp_path}/flows/shop.yaml: 5 walks, one per route",
        "5 passed, 0 failed; the walks reached 6/6 edges (100 %) and 3/3 ends (100 %)",
    ]


def test_made_up_answers_are_valid_and_within_min_and_max() -> None:
    rng = random.Random(1)
    money = InputField(type="money", prompt="Amount", min=Decimal(5), max=Decimal("9.99"))
    number = InputField(type="number", prompt="Count", min=Decimal(1), max=Decimal(3))
    amounts = {Decimal(random_answer("m", money, rng, Telling())) for _ in range(200)}
    assert min(amounts) == Decimal("5.00") and max(amounts) == Decimal("9.99")
    assert all(Decimal(5) <= a <= Decimal("9.99") for a in amounts)
    assert {random_answer("n", number, rng, Telling()) for _ in range(100)} == {"1", "2", "3"}


@pytest.mark.parametrize(
    "pattern",
    [r"\d{6}", r"[0-9]{6}", r"[^@\s]+@[^@\s]+\.[^@\s]+", r"[^,]+, [^,]+", r"[A-Z]{2}-\d+", r"(?:ab|cd)?x{2,3}", r"^T\d{3,}$", r"[\w.-]+"],
)
def test_generated_text_matches_the_pattern(pattern: str) -> None:
    rng = random.Random(pattern)
    for _ in range(50):
        assert re.fullmatch(pattern, generate(pattern, rng))


@pytest.mark.parametrize("pattern", [r"(?=a)b", r"(a)\1", r"\p{L}", r"(?i)abc"])
def test_patterns_beyond_the_subset_are_refused_by_name(pattern: str) -> None:
    with pytest.raises(PatternNotSupported, match="not supported"):
        generate(pattern, random.Random(0))


def _made_up(question: object, count: int = 300, telling: Telling | None = None) -> set[str]:
    rng = random.Random(2)
    return {random_answer("x", question, rng, telling or Telling()) for _ in range(count)}  # type: ignore[arg-type]


def test_made_up_numbers_are_whole_unless_the_field_has_decimals_and_never_below_zero() -> None:
    from callflow.call.values import parse_answer

    count = InputField(type="number", prompt="How many?")
    weight = InputField(type="number", prompt="Kilos?", decimals=1, max=Decimal(3))
    counts = _made_up(count)
    assert all(Decimal(c) == Decimal(c).to_integral_value() and Decimal(c) >= 0 for c in counts)
    weights = {Decimal(w) for w in _made_up(weight)}
    assert any(w != w.to_integral_value() for w in weights)
    assert all(Decimal(0) <= w <= Decimal(3) and w == w.quantize(Decimal("0.1")) for w in weights)
    for text in counts | {str(w) for w in weights}:
        parse_answer(count if "." not in text else weight, text)


def test_made_up_durations_read_as_durations_within_the_bounds() -> None:
    from callflow.flow.durations import parse_duration

    work = InputField(type="duration", prompt="How long?", min="15 min", max="2 h")
    made = _made_up(work)
    minutes = {parse_duration(text) for text in made}
    assert min(minutes) == 15 and max(minutes) == 120
    assert any(" h" in text for text in made) and any(text.endswith(" min") for text in made)


def test_made_up_dates_keep_within_bounds_relative_to_the_calls_date() -> None:
    from datetime import date

    callback = InputField(type="date", prompt="When?", min="today", max="today + 30")
    days = {date.fromisoformat(d) for d in _made_up(callback, telling=Telling(today=date(2026, 3, 1)))}
    assert min(days) >= date(2026, 3, 1) and max(days) <= date(2026, 3, 31)
    assert len(days) > 10


def test_made_up_confirmations_are_done_or_not_done_with_a_reason() -> None:
    from callflow.call.values import check_answer
    from callflow.flow.index import Confirmation

    made = _made_up(Confirmation("logged_out", "Log out"))
    assert "done" in made and any(m.startswith("not done: ") for m in made)
    for text in made:
        done, reason = check_answer(text)
        assert done or reason


def test_conditions_on_values_computed_from_an_answer_are_walked_both_ways(tmp_path: Path) -> None:
    flow = write(
        tmp_path,
        "bottles.yaml",
        """\
        callflow: 1
        id: bottles
        title: Bottles
        start: a
        fields:
          bottles: {type: number, prompt: How many?, min: 1, max: 6}
          when: {type: date, prompt: Call back when?, min: today}
        nodes:
          a:
            steps:
              - ask: bottles
              - set: {refund: "bottles * 80.47"}
              - ask: when
            routes:
              - if: refund > 300
                goto: big
              - if: when > today + 7
                goto: later
              - else: small
          big: {end: big}
          later: {end: later}
          small: {end: small}
        """,
    )
    result = cli("paths", flow, "--format", "json")
    data = json.loads(result.stdout)
    assert [r["outcome"] for r in data["routes"]] == ["big", "later", "small"]
    assert all(r["found"] for r in data["routes"])
    walked = cli("walk", flow, "--random", "--seed", "4", "--count", "60")
    assert walked.exit_code == 0
    assert walked.output.splitlines()[-1].endswith("3/3 edges (100 %) and 3/3 ends (100 %)")


def test_a_failing_walk_of_a_flow_that_reads_today_reproduces_on_that_day(tmp_path: Path) -> None:
    flow = write(
        tmp_path,
        "flows/due.yaml",
        """\
        callflow: 1
        id: due
        title: Due
        start: a
        fields:
          note: {prompt: Anything else?, required: false}
        nodes:
          a:
            steps:
              - ask: note
              - follow_up: {text: "Call back about {note}", due: today + 2}
            end: done
        """,
    )
    result = cli("walk", flow, "--random", "--seed", "1", "--count", "40", "--today", "2026-03-01")
    assert result.exit_code == 1
    assert "Replays random walk" in result.output
    assert "`callflow walk" in result.output and "--today 2026-03-01`" in result.output
    assert "        today: 2026-03-01" in result.output.splitlines()
