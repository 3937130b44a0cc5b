"""Folders of calls for the report tests and benchmarks: every shipped
flow's scenarios walked through the engine with a fixed clock, each leaving
a journal in a sessions folder and a receipt (JSON and Markdown) in a
receipts folder, exactly as `callflow run` writes them.

Each answer takes a known number of seconds (`seconds_for`), calls are
spread over known days and agents, so a report over them has exact figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from callflow.call.answers import AnswerSet
from callflow.call.driver import BACK
from callflow.call.engine import Session
from callflow.call.revise import change
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import summarize
from callflow.flow.loadedflow import LoadedFlow, load_flow
from callflow.flow.procedures import shown
from callflow.record.calls import expected_times, flow_digest, where_next
from callflow.record.journal import Journal
from callflow.record.journalread import read_journal
from callflow.record.markdown import receipt_markdown
from callflow.record.receipts import receipt_data, write_receipts
from callflow.record.timing import time_per_node
from callflow.testing.scenario import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
AGENTS = ("Dana", "Sam", "Alex")
FIRST_DAY = date(2026, 11, 2)


def scenario_files() -> list[Path]:
    return sorted(FLOWS.glob("*.scenarios/*.yaml"))


def seconds_for(call: int, answer: int) -> int:
    """How long answer number `answer` (0-based) of call `call` takes: 5 to 20 s."""
    return 5 * (1 + (call + answer) % 4)


class Clock:
    """A journal clock that moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def __call__(self) -> str:
        return self.now.isoformat(timespec="milliseconds")


@dataclass
class Made:
    """What `make_calls` wrote, to check a report against."""

    sessions: Path
    receipts: Path
    calls: list[dict[str, Any]] = field(default_factory=list)  # receipt data of each ended call
    stopped: list[str] = field(default_factory=list)  # session ids of calls left unfinished


_flows: dict[str, LoadedFlow] = {}


def flow_of(scenario: LoadedScenario) -> LoadedFlow:
    if scenario.flow_path not in _flows:
        _flows[scenario.flow_path] = load_flow(scenario.flow_path)
    return _flows[scenario.flow_path]


def session_id(number: int, moment: datetime) -> str:
    return f"{moment:%Y%m%d-%H%M%S}-{number:06x}"


def walk(
    scenario: LoadedScenario | None,
    number: int,
    sessions: Path,
    receipts: Path | None,
    *,
    agent: str,
    day: date,
    back_at: int | None = None,
    stop_after: int | None = None,
    stop_reason: str | None = "ctrl-c",
    loaded: LoadedFlow | None = None,
    answers: AnswerSet | None = None,
    seconds: int | None = None,
    times: bool = True,
    change_at: int | None = None,
) -> dict[str, Any] | None:
    """One call of the scenario, journalled with a fixed clock; its receipt
    data (None when it is left unfinished after `stop_after` answers). With
    `back_at`, the director goes back once after that answer and gives it again;
    with `change_at`, that answer (a choose) is changed with Ctrl-R to another
    option and then back to the first (two changes, the same call)."""
    if loaded is None:
        assert scenario is not None
        loaded = flow_of(scenario)
    answer_set = answers if answers is not None else scenario.answer_set() if scenario is not None else None
    assert answer_set is not None
    fixed_day = scenario.today if scenario is not None else None

    def spent(answer: int) -> int:
        return seconds if seconds is not None else seconds_for(number, answer)

    started = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(minutes=7 * number)
    clock = Clock(started)
    sid = session_id(number, started)
    session = Session(loaded.flow, loaded.index, agent=agent, today=fixed_day or day)
    journal = Journal.create(
        sessions,
        sid,
        flow_path=loaded.path,
        flow_id=loaded.flow.id,
        flow_sha256=flow_digest(loaded.text),
        agent=agent,
        clock=clock,
        flow_abspath=str(Path(loaded.path).resolve()),
        started_at=started.isoformat(timespec="seconds"),
        today=session.today.isoformat(),
        **where_next(session),
    )
    front = ScriptedFrontEnd(answer_set)
    answered = 0
    went_back = False
    while not session.ended:
        prompt = session.prompt
        assert prompt is not None
        if stop_after is not None and answered >= stop_after:
            clock.advance(spent(answered))
            if stop_reason is not None:
                journal.write({"event": "stopped", "reason": stop_reason, "answers": answered})
            journal.close()
            return None
        clock.advance(spent(answered))
        value = front.ask(session, prompt)
        session.answer(value)
        journal.answered(session.answers()[-1], **where_next(session))
        answered += 1
        if change_at is not None and answered == change_at and prompt.is_choose and not session.ended:
            position = len(session.answers()) - 1
            first = session.answers()[-1].value
            other = next(o.key for o in prompt.question.options if o.key != first)  # type: ignore[union-attr]
            for value in (other, first):
                clock.advance(4)
                journal.changed(change(session, position, value), **where_next(session))
        if back_at is not None and answered == back_at and not went_back and not session.ended:
            went_back = True
            clock.advance(3)
            undone = session.answers()[-1]
            assert session.back()
            front.answers.give_back(undone.field_id)
            journal.went_back(undone, **where_next(session))
    duration = (clock.now - started).total_seconds()
    journalled = read_journal(journal.path)
    data = receipt_data(
        summarize(session),
        session_id=sid,
        flow_path=loaded.path,
        started_at=started.isoformat(timespec="seconds"),
        ended_at=clock.now.isoformat(timespec="seconds"),
        duration_seconds=duration,
        time_per_node=time_per_node([journalled.start, *journalled.events], expected_times(session), clock.now)
        if times else (),
    )
    if not times:  # a receipt as written before receipts carried the time per node
        del data["time_per_node"]
    journal.ended(data["outcome"], node=shown(session.current_node()), duration_seconds=data["duration_seconds"], receipt=data)
    if receipts is not None:
        paths = write_receipts(receipts, data, receipt_markdown(data))
        journal.receipt([str(p) for p in paths])
    journal.close()
    return data


def make_calls(base: Path, *, rounds: int = 1, extras: bool = True) -> Made:
    """Every shipped scenario walked `rounds` times (agents and days in turn);
    with `extras`, also a call with a back-press, one stopped with Ctrl-C,
    one cut off (killed: no stop record) and one whose receipt is missing."""
    made = Made(base / "sessions", base / "receipts")
    files = scenario_files()
    number = 0
    for _ in range(rounds):
        for path in files:
            scenario = load_scenario(str(path))
            data = walk(scenario, number, made.sessions, made.receipts, agent=AGENTS[number % 3],
                        day=FIRST_DAY + timedelta(days=number % 10))
            assert data is not None
            made.calls.append(data)
            number += 1
    if extras:
        d2 = [load_scenario(str(p)) for p in files if "anything-computers-intake" in p.parent.name]
        data = walk(d2[0], number, made.sessions, made.receipts, agent="Dana", day=FIRST_DAY, back_at=2, change_at=1)
        assert data is not None
        made.calls.append(data)
        number += 1
        for reason in ("ctrl-c", None):
            walk(d2[1], number, made.sessions, made.receipts, agent="Sam", day=FIRST_DAY + timedelta(days=1),
                 stop_after=2, stop_reason=reason)
            made.stopped.append(session_id(number, _start(FIRST_DAY + timedelta(days=1), number)))
            number += 1
        data = walk(d2[2], number, made.sessions, None, agent="Alex", day=FIRST_DAY + timedelta(days=2))
        assert data is not None
        made.calls.append(data)
    return made


def _start(day: date, number: int) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(minutes=7 * number)


def receipts_of(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.glob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


__all__ = ["BACK", "Made", "make_calls", "receipts_of", "scenario_files", "seconds_for", "walk"]
