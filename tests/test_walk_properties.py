"""Properties of made-up answers and walks (hypothesis).

- Whatever a field allows (number with or without decimals, money, duration,
  date relative to any day, with any bounds), every answer made up for it is
  one a call takes.
- Random walks of the refund desk (two payments, a credit, a refund, billed
  time, a confirmation, a procedure and a limit) keep every rule, and the
  journal of such a call, resumed on another day, replays to the same summary.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from deskkit import desk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callflow.call.valuegen import Telling, candidate_answers, example_answer, random_answer
from callflow.call.values import parse_answer
from callflow.flow.fields import InputField
from callflow.flow.loadedflow import load_flow
from callflow.testing.randomwalk import random_walk

WORK = Path(tempfile.mkdtemp(prefix="callflow-walk-properties-"))
DESK = load_flow(str(desk(WORK)), cache=False)

amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def fields(draw: st.DrawFn) -> InputField:
    kind = draw(st.sampled_from(["number", "money", "duration", "date"]))
    if kind == "date":
        low = draw(st.integers(-60, 60))
        high = low + draw(st.integers(0, 400))
        bounds = draw(st.sampled_from(["none", "low", "high", "both"]))
        return InputField(
            type="date",
            prompt="When?",
            min=f"today {'+' if low >= 0 else '-'} {abs(low)}" if bounds in ("low", "both") else None,
            max=f"today + {high}" if bounds in ("high", "both") and high >= 0 else None,
        )
    low = draw(st.one_of(st.none(), amounts))
    high = draw(st.one_of(st.none(), amounts))
    if low is not None and high is not None and low > high:
        low, high = high, low
    if kind == "duration":
        return InputField(
            type="duration",
            prompt="How long?",
            min=f"{int(low)} min" if low is not None else None,
            max=f"{int(high)} min" if high is not None else None,
        )
    decimals = draw(st.one_of(st.none(), st.integers(0, 3))) if kind == "number" else None
    if low is not None and high is not None:
        scale = Decimal(10) ** (2 if kind == "money" else decimals or 0)
        if (low * scale).to_integral_value(rounding="ROUND_CEILING") > (high * scale).to_integral_value(rounding="ROUND_FLOOR"):
            high = None  # no answer fits (a whole number between 2.5 and 2.7): not a field to answer
    return InputField(type=kind, prompt="How much?", min=low, max=high, decimals=decimals)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(fields(), st.integers(0, 10_000), st.integers(-2000, 2000))
def test_every_answer_made_up_for_a_field_is_one_a_call_takes(question: InputField, seed: int, shift: int) -> None:
    today = date(2026, 11, 23) + timedelta(days=shift)
    telling = Telling(literals={"x": {Decimal(50)}}, today=today)
    rng = random.Random(seed)
    made = [random_answer("x", question, rng, telling) for _ in range(20)]
    made += candidate_answers("x", question, telling)
    made.append(example_answer("x", question, today=today))
    for text in made:
        parse_answer(question, text, "USD", today)  # raises InvalidAnswer if not


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 1_000_000), st.integers(-400, 400))
def test_random_walks_of_the_refund_desk_keep_every_rule(seed: int, shift: int) -> None:
    walk = random_walk(DESK, seed, 1, today=date(2026, 11, 23) + timedelta(days=shift))
    assert walk.problems == []
    assert walk.summary.ended
    invoice = walk.summary.invoice
    assert invoice.paid - invoice.refunded - invoice.total == invoice.refund_due - invoice.due


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(0, 1_000_000), st.integers(-400, 400))
def test_a_journalled_desk_call_replays_to_the_same_summary_on_another_day(seed: int, shift: int) -> None:
    from callflow.call.answers import AnswerSet
    from callflow.call.driver import drive
    from callflow.call.engine import Session
    from callflow.call.scripted import ScriptedFrontEnd
    from callflow.call.summary import summarize
    from callflow.record.calls import CallRecorder
    from callflow.record.journalread import read_journal
    from callflow.record.replay import replay

    day = date(2026, 11, 23) + timedelta(days=shift)
    walk = random_walk(DESK, seed, 1, today=day)
    answers: dict[str, list[str]] = {}
    for field_id, text in walk.answers:
        answers.setdefault(field_id, []).append(text)
    session = Session(DESK.flow, DESK.index, agent="Dana", today=day)
    sessions = Path(tempfile.mkdtemp(dir=WORK))
    call = CallRecorder.start(DESK, session, sessions, journal=True)
    drive(session, ScriptedFrontEnd(AnswerSet.from_mapping(answers)), call)
    call.close()
    record = read_journal(next((sessions / "journal").glob("*.jsonl")))
    assert record.today == day
    again = replay(record.answers(), DESK.flow, DESK.index, agent="Dana", today=record.today)
    assert again.complete
    assert summarize(again.session) == summarize(session)
