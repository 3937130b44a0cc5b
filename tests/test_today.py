"""The call's date (`today`): fixed when the call starts and journalled, so a
resume or an export on another day computes the same dates; answers files,
scenarios and walks can set it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sessionkit import cli, journal_of, write

from callflow.record.journalread import read_journal

# Dates from today: a callback within 30 days, a follow-up two days on, and a
# way that depends on how far off the callback is.
CALLBACK = """\
callflow: 1
id: callback
title: Callback
start: C-1
fields:
  caller: {prompt: Caller name}
  callback: {type: date, prompt: Call back when?, min: today, max: today + 30}
  topic: {prompt: What about?}
nodes:
  C-1:
    steps:
      - ask: caller
      - ask: callback
      - follow_up: {text: "Call {caller} back", owner: Sam, due: callback}
      - follow_up: {text: "Check the call went well", due: today + 2}
      - ask: topic
    routes:
      - if: callback > today + 7
        goto: later
      - else: soon
  soon:
    steps:
      - say: "We call you back on {callback}."
    end: soon
  later:
    end: later
"""

ANSWERS = """\
today: 2026-03-01
agent: Dana
answers:
  caller: Robin
  callback: 2026-03-04
  topic: Printer
"""


def _flow(tmp_path: Path) -> Path:
    return write(tmp_path / "flows" / "callback.yaml", CALLBACK)


def test_an_answers_file_fixes_the_calls_date(tmp_path: Path) -> None:
    flow = _flow(tmp_path)
    answers = write(tmp_path / "a.yaml", ANSWERS)
    ran = cli("run", flow, "--answers", answers, "--json")
    assert ran.returncode == 0, ran.stderr
    receipt = json.loads(ran.stdout)
    assert receipt["today"] == "2026-03-01"
    assert receipt["outcome"] == "soon"
    assert [(f["text"], f["owner"], f["due"]) for f in receipt["follow_ups"]] == [
        ("Call Robin back", "Sam", "2026-03-04"),
        ("Check the call went well", None, "2026-03-03"),
    ]


def test_a_date_before_the_calls_date_is_refused_as_on_that_day(tmp_path: Path) -> None:
    flow = _flow(tmp_path)
    answers = write(tmp_path / "a.yaml", ANSWERS.replace("callback: 2026-03-04", "callback: 2026-02-27"))
    ran = cli("run", flow, "--answers", answers)
    assert ran.returncode == 4
    assert "must be 2026-03-01 or later" in ran.stderr


def test_a_today_that_is_not_a_date_is_refused_where_it_is_written(tmp_path: Path) -> None:
    flow = _flow(tmp_path)
    answers = write(tmp_path / "a.yaml", ANSWERS.replace("today: 2026-03-01", "today: 2026-02-30"))
    ran = cli("run", flow, "--answers", answers)
    assert ran.returncode == 3
    assert f"{answers}:1:1: CF010 error: today: '2026-02-30' is not a date: write it YYYY-MM-DD" in ran.stderr


def test_the_journal_keeps_the_calls_date_and_a_resume_computes_with_it(tmp_path: Path) -> None:
    flow = _flow(tmp_path)
    sessions = tmp_path / "s"
    partial = write(tmp_path / "partial.yaml", "\n".join(ANSWERS.splitlines()[:4]) + "\n")
    stopped = cli("run", flow, "--answers", partial, "--save", "--sessions-dir", sessions)
    assert stopped.returncode == 4, stopped.stderr
    record = read_journal(journal_of(sessions))
    assert record.start["today"] == "2026-03-01"
    assert record.today == date(2026, 3, 1)

    # Resumed with a file that does not say the date: the journal's is kept,
    # so the callback three days on is still valid and "soon".
    rest = write(tmp_path / "rest.yaml", "answers:\n  callback: 2026-03-04\n  topic: Printer\n")
    resumed = cli("resume", "--answers", rest, "--sessions-dir", sessions, "--json")
    assert resumed.returncode == 0, resumed.stderr
    receipt = json.loads(resumed.stdout)
    assert receipt["today"] == "2026-03-01"
    assert receipt["outcome"] == "soon"
    assert receipt["follow_ups"][1]["due"] == "2026-03-03"


def test_an_export_replays_a_stopped_call_on_its_own_date(tmp_path: Path) -> None:
    flow = _flow(tmp_path)
    sessions = tmp_path / "s"
    partial = write(tmp_path / "partial.yaml", "\n".join(ANSWERS.splitlines()[:5]) + "\n")
    assert cli("run", flow, "--answers", partial, "--save", "--sessions-dir", sessions).returncode == 4
    record = read_journal(journal_of(sessions))
    exported = cli("sessions", "export", record.session_id, "--sessions-dir", sessions, "--receipts-dir", tmp_path / "r")
    assert exported.returncode == 0, exported.stderr
    [receipt_path] = (tmp_path / "r").rglob("*.json")
    receipt = json.loads(receipt_path.read_text())
    assert receipt["today"] == "2026-03-01"
    assert receipt["follow_ups"][0]["due"] == "2026-03-04"


def test_a_journal_from_before_today_was_journalled_reads_the_date_of_its_start(tmp_path: Path) -> None:
    path = write(
        tmp_path / "j.jsonl",
        json.dumps({"event": "start", "session": "x", "flow_id": "callback", "at": "2026-03-01T10:15:00.000+00:00"})
        + "\n",
    )
    assert read_journal(path).today == date(2026, 3, 1)
    broken = write(tmp_path / "k.jsonl", json.dumps({"event": "start", "today": "soon", "at": "nope"}) + "\n")
    assert read_journal(broken).today is None


def test_a_scenario_sets_the_calls_date(tmp_path: Path) -> None:
    _flow(tmp_path)
    scenario = write(
        tmp_path / "flows" / "callback.scenarios" / "soon.yaml",
        "name: Callback in three days\ntoday: 2026-03-01\n" + ANSWERS.split("\n", 2)[2]
        + "expect:\n  outcome: soon\n  follow_ups: [Call Robin back, Check the call went well]\n",
    )
    ran = cli("test", scenario)
    assert ran.returncode == 0, ran.stdout
    later = scenario.read_text().replace("today: 2026-03-01", "today: 2026-02-20")
    write(scenario, later)
    failed = cli("test", scenario)
    assert failed.returncode == 1
    assert f"{scenario}:8:3: outcome: expected soon, got later" in failed.stdout


def test_a_scenario_today_that_is_not_a_date_is_refused_at_its_line(tmp_path: Path) -> None:
    _flow(tmp_path)
    scenario = write(
        tmp_path / "flows" / "callback.scenarios" / "bad.yaml",
        "name: x\ntoday: next tuesday\nanswers: {}\nexpect: {outcome: soon}\n",
    )
    ran = cli("test", scenario)
    assert ran.returncode == 3
    assert f"{scenario}:2:1: CF010 error: 'next tuesday' is not a date: write it YYYY-MM-DD" in ran.stdout


def test_walks_use_a_fixed_date_or_the_one_given(tmp_path: Path) -> None:
    flow = _flow(tmp_path)
    first = cli("walk", flow, "--random", "--seed", "3", "--count", "5", "--format", "json")
    again = cli("walk", flow, "--random", "--seed", "3", "--count", "5", "--format", "json")
    assert first.returncode == 0, first.stdout
    assert json.loads(first.stdout) == json.loads(again.stdout)
    other = cli("walk", flow, "--random", "--seed", "3", "--count", "5", "--today", "2030-01-31")
    assert other.returncode == 0, other.stdout
    bad = cli("walk", flow, "--today", "31/01/2030")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "--today 31/01/2030: write the date as YYYY-MM-DD, e.g. 2026-11-23"  # the same under every typer


def test_a_secret_date_no_step_needs_is_replayed_with_a_stand_in_valid_on_the_calls_date(tmp_path: Path) -> None:
    from callflow.flow.loadedflow import load_flow
    from callflow.record.replay import replay

    flow = write(
        tmp_path / "flows" / "card.yaml",
        """\
callflow: 1
id: card
title: Card
start: a
fields:
  expiry: {type: date, prompt: Card expiry?, secret: true, min: today}
  name: {prompt: Name on the card?}
nodes:
  a:
    steps:
      - ask: expiry
      - ask: name
    end: done
""",
    )
    loaded = load_flow(str(flow))
    events = [{"event": "answer", "field": "expiry", "secret": True}, {"event": "answer", "field": "name", "value": "Robin"}]
    result = replay(events, loaded.flow, loaded.index, today=date(2031, 5, 1))
    assert result.complete, result.misfits
    assert result.stand_ins == ["expiry"]
