"""`callflow rehearse`: a scenario replayed as a live call looks, and the quiz
driven key by key through prompt_toolkit's pipe input."""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pexpect
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console
from scenariokit import D2_SCENARIOS, REPAIR_PAID, cli, shop

from callflow.call.driver import drive
from callflow.call.engine import Prompt, Session
from callflow.commands.rehearse import report_quiz
from callflow.flow.loadedflow import load_flow
from callflow.terminal.keys import wait_for_key
from callflow.terminal.prompter import LivePrompter
from callflow.terminal.rehearsal import ReplayFrontEnd, run_quiz
from callflow.testing.scenario import load_scenario

ENTER = "\r"
DOWN = "\x1b[B"
ESC = "\x1b"
PAYG = D2_SCENARIOS / "payg-past-due-pays-addon-and-balance.yaml"


@pytest.fixture()
def pipe() -> Iterator[Any]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


class KeyedPrompter(LivePrompter):
    """Types the next keys just before each prompt opens, as a trainee would."""

    def __init__(self, console: Console, pipe: Any, keys: list[str]) -> None:
        super().__init__(console, input=pipe, output=DummyOutput())
        self.pipe = pipe
        self.keys = list(keys)

    def _question(self, session: Session, prompt: Prompt, typed: str, instruction: str | None = None) -> Any:
        question = super()._question(session, prompt, typed, instruction)
        if not self.keys:
            raise AssertionError("asked more questions than the test typed answers for")
        self.pipe.send_text(self.keys.pop(0))
        return question


def screen() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120, color_system=None), out


# -- replay ------------------------------------------------------------------------


def test_replay_shows_each_step_the_question_and_the_scenarios_answer() -> None:
    result = cli("rehearse", PAYG, "--speed", "0")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Rehearsal: Pay As You Go member owing $45.50 pays the add-on and the balance" in out
    assert "D-2-1  Leads  ·  Team Director" in out
    assert "Thank you for calling Anything Computers.org. This is Dana." in out
    assert "  ? Existing member?\n    → Yes" in out
    assert "  ? Amount of invoices 30 days past due (0 if none)\n    → $45.50" in out
    assert "Your total is $65.50." in out
    assert "Call summary" in out
    assert out.rstrip().endswith("✓ The call meets the scenario's expectations.")


def test_replay_pauses_once_per_answer() -> None:
    scenario = load_scenario(str(PAYG))
    flow = load_flow(scenario.flow_path)
    console, out = screen()
    pauses: list[str] = []
    session = Session(flow.flow, flow.index, agent="Dana")
    drive(session, ReplayFrontEnd(console, scenario.answer_set(), lambda: pauses.append(out.getvalue().splitlines()[-1])))
    assert len(pauses) == 8 == len(session.answers())
    assert pauses[0] == "  ? Existing member?"  # the question is on screen, its answer not yet


def test_replay_of_a_scenario_that_fails_says_what_differs(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID.replace("total: 50.00", "total: 60.00")))
    result = cli("rehearse", tmp_path / "flows/shop.scenarios/a.yaml", "--speed", "0")
    assert result.exit_code == 1
    assert "The call does not meet the scenario's expectations:" in result.output
    assert "  • invoice.total: expected $60.00, got $50.00" in result.output


def test_replay_without_a_terminal_needs_speed() -> None:
    result = cli("rehearse", PAYG)
    assert result.exit_code == 2
    assert "Use --speed SECONDS (--speed 0 for no pause)" in result.stderr


def test_a_scenario_still_marked_todo_cannot_be_rehearsed(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID.replace('owed: "0"', "owed: TODO")))
    result = cli("rehearse", tmp_path / "flows/shop.scenarios/a.yaml", "--speed", "0")
    assert result.exit_code == 3
    assert "a.yaml:5:9: CF010 error: answers.owed is still TODO: write the answer first" in result.stderr


def test_a_key_advances_and_q_is_told_apart(pipe: Any) -> None:
    pipe.send_text(" ")
    assert wait_for_key("next?", input=pipe, output=DummyOutput()) == " "
    pipe.send_text("q")
    assert wait_for_key("next?", input=pipe, output=DummyOutput()) == "q"
    pipe.send_text(ENTER)
    assert wait_for_key("next?", input=pipe, output=DummyOutput()) == "enter"


# -- quiz ----------------------------------------------------------------------------

PERFECT = [
    ENTER,  # existing member: Yes
    ENTER,  # plan: Pay As You Go
    ENTER,  # more than one contact: No (the default)
    "45.50" + ENTER,
    ENTER,  # pays add-on and balance: Yes
    "Sam Rivera" + ENTER,
    DOWN + DOWN + ENTER,  # by phone
    "T1001" + ENTER,
]


LEAVES_THE_PATH = [
    ENTER,  # existing member: Yes
    DOWN + ENTER,  # plan: Help Desk (the scenario: Pay As You Go)
    ENTER,  # more than one contact: No, the default (not in the scenario)
    "45.50" + ENTER,
    ENTER,  # responds in the chat: Yes (not in the scenario)
    DOWN + DOWN + ENTER,  # by phone
    "Sam Rivera" + ENTER,
    "T1002" + ENTER,  # the scenario says T1001
]


def quiz(pipe: Any, keys: list[str]) -> tuple[Any, str]:
    scenario = load_scenario(str(PAYG))
    flow = load_flow(scenario.flow_path)
    console, out = screen()
    run = run_quiz(scenario, flow, KeyedPrompter(console, pipe, keys), "Dana")
    return run, out.getvalue()


def test_a_trainee_who_answers_as_the_scenario_scores_100(pipe: Any) -> None:
    run, shown = quiz(pipe, PERFECT)
    assert not run.stopped
    assert [a.matches for a in run.answers] == [True] * 8
    assert shown.count("✓ matches the scenario") == 8
    report = run.report
    assert (report.score, report.matched, report.expected_answers) == (100, 8, 8)
    assert report.left_path_at is None
    assert report.differences == []


def test_a_trainee_who_leaves_the_path_gets_where_what_and_a_score(pipe: Any) -> None:
    run, shown = quiz(pipe, LEAVES_THE_PATH)
    assert [(a.field_id, a.given, a.expected, a.matches) for a in run.answers] == [
        ("existing_member", "Yes", "Yes", True),
        ("member_plan", "Help Desk", "Pay As You Go", False),
        ("hd_more_than_one_contact", "No", None, False),
        ("past_due_amount", "$45.50", "$45.50", True),
        ("chat_response", "Yes", None, False),
        ("payment_method", "By phone: 888.615.HELP", "By phone: 888.615.HELP", True),
        ("remote_agent", "Sam Rivera", "Sam Rivera", True),
        ("ticket_number", "T1002", "T1001", False),
    ]
    assert "✗ the scenario answers: Pay As You Go" in shown
    assert "✗ the scenario does not reach this question" in shown
    report = run.report
    assert (report.matched, report.expected_answers, report.score) == (4, 8, 50)
    assert report.left_path_words() == "after D-2-5: went to D-2-20, the scenario goes to D-2-13"
    assert [d.message for d in report.differences if d.what == "invoice.total"] == ["expected $65.50, got $45.50"]
    assert [d.message for d in report.differences if d.what == "ticket.issue_type"] == [
        "expected 'Pay As You Go Plan – Remote Session Included', got '2 – Help Desk Plan'"
    ]
    assert [d.message for d in report.differences if d.what == "notifications[1].message"] == [
        "expected 'Ticket #T1001', got 'Ticket #T1002'"
    ]


def test_back_in_the_quiz_takes_the_answer_back(pipe: Any) -> None:
    keys = [
        ENTER,  # existing member: Yes
        DOWN + ENTER,  # Help Desk: wrong
        ESC,  # back to the plan question
        ESC,  # back to "existing member?"
        ENTER,  # Yes again
        ENTER,  # Pay As You Go
        *PERFECT[2:],
    ]
    run, shown = quiz(pipe, keys)
    assert "✗ the scenario answers: Pay As You Go" in shown
    assert [a.field_id for a in run.answers] == [
        "existing_member",
        "member_plan",
        "payg_more_than_one_contact",
        "past_due_amount",
        "pays_addon_and_balance",
        "remote_agent",
        "payment_method",
        "ticket_number",
    ]
    assert run.report.score == 100


def test_the_quiz_report_is_saved_like_a_call(pipe: Any, tmp_path: Path) -> None:
    run, _ = quiz(pipe, LEAVES_THE_PATH)
    console, out = screen()
    scenario = load_scenario(str(PAYG))
    started = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    saved = report_quiz(console, run, load_flow(scenario.flow_path), started, 42.0, tmp_path)
    assert saved is not None
    files = sorted((tmp_path / "rehearsals").iterdir())
    assert [f.suffix for f in files] == [".json", ".md"]
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert data["rehearsal"]["mode"] == "quiz"
    assert (data["rehearsal"]["score"], data["rehearsal"]["matched_answers"]) == (50, 4)
    assert data["rehearsal"]["left_path"]["went_to"] == "D-2-20"
    assert data["rehearsal"]["scenario"]["name"] == scenario.name
    assert data["path"] == run.report.actual_path
    markdown = files[1].read_text(encoding="utf-8")
    assert markdown.startswith(f"# Rehearsal report: {scenario.name}\n")
    assert "A quiz of the scenario, not a real call." in markdown
    assert "| Score | 50 % (4 of 8 answers as the scenario) |" in markdown
    assert "| D-2-5 | Which plan is the member on? | Help Desk | Pay As You Go | ✗ |" in markdown
    assert "# Call receipt:" in markdown
    assert "Rehearsal report" in out.getvalue() and "Saved: " in out.getvalue()


# -- the real command in a terminal ------------------------------------------------

CALLFLOW = Path(sys.executable).parent / "callflow"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r")


@pytest.mark.skipif(not CALLFLOW.exists(), reason="callflow is not installed next to this Python")
def test_in_a_terminal_a_key_advances_each_step_and_q_stops(tmp_path: Path) -> None:
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    child = pexpect.spawn(
        str(CALLFLOW),
        ["rehearse", str(PAYG)],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=20,
    )
    child.expect_exact("any key: next step · q: stop")
    child.send(" ")
    child.expect_exact("Which plan is the member on?")
    child.expect_exact("any key: next step · q: stop")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    after_q = ANSI.sub("", child.before or "")
    assert "Rehearsal stopped." in after_q
    assert "→" not in after_q  # q stops before the plan's answer is shown
    assert child.exitstatus == 130


# -- the flow language of issue 10 in rehearsals ---------------------------------------

DESK_SCENARIO = """\
name: Three tries, an expedited visit, two bottles back
agent: Dana
answers:
  caller: Robin
  fixed: ["no", "no", "no"]
  visit_time: "2:30"
  expedited: "yes"
  method: card
  bottles: "2"
  refund_amount: "160.94"
  stock_logged: "not done: sheet is locked"
  callback: "{callback}"
expect:
  outcome: resolved
  path_includes: [TRY, ESCALATE, RETURN]
  invoice: {{total: 339.06, paid: 500.00, due: 0.00}}
"""


def desk_scenario(tmp_path: Path) -> Path:
    """The desk flow with a scenario next to it; the callback is two days from
    the day the test runs, inside the field's bounds (today + 1 to today + 14)."""
    from datetime import date, timedelta

    from languagekit import DESK

    flows = tmp_path / "flows"
    (flows / "desk.scenarios").mkdir(parents=True)
    (flows / "desk.yaml").write_text(DESK.read_text(encoding="utf-8"), encoding="utf-8")
    path = flows / "desk.scenarios" / "expedited-return.yaml"
    path.write_text(DESK_SCENARIO.format(callback=date.today() + timedelta(days=2)), encoding="utf-8")
    return path


def test_replay_of_a_call_with_a_loop_a_procedure_a_refund_and_a_confirmation(tmp_path: Path) -> None:
    result = cli("rehearse", desk_scenario(tmp_path), "--speed", "0")
    out = result.output
    assert "⟳ TRY reached 3 times: going to ESCALATE" in out
    assert "  ? How long was the on-site visit?\n    → 2 h 30 min" in out
    assert "+ Time: ONSITE – On-site work (expedited)  2.5 h × $190.00/h = $475.00" in out
    assert "pay/P-1  Payment › Take payment" in out and "↳ called from ESCALATE" in out
    assert "↩ back in ESCALATE after pay" in out
    assert "− Credit: BTL – Ink bottle  2 × -$89.47 = -$178.94" in out
    assert "= refund: $160.94" in out
    assert "↺ Refund paid back: $160.94 — to the card used" in out
    assert "  ? ☐ Log the return of 2 bottles in the stock sheet — done?\n    → Not done: sheet is locked" in out
    assert "☒ Log the return of 2 bottles in the stock sheet  not done: sheet is locked" in out


def test_replay_of_the_desk_call_meets_its_expectations(tmp_path: Path) -> None:
    result = cli("rehearse", desk_scenario(tmp_path), "--speed", "0")
    assert result.output.rstrip().endswith("✓ The call meets the scenario's expectations.")
    assert result.exit_code == 0, result.output


def desk_quiz(pipe: Any, tmp_path: Path, keys: list[str]) -> tuple[Any, str]:
    scenario = load_scenario(str(desk_scenario(tmp_path)))
    flow = load_flow(scenario.flow_path)
    console, out = screen()
    run = run_quiz(scenario, flow, KeyedPrompter(console, pipe, keys), "Dana")
    return run, out.getvalue()


def desk_keys(*, bottles: str = "2", refund: str = "160.94", checklist: list[str] | None = None) -> list[str]:
    from datetime import date, timedelta

    return [
        "Robin" + ENTER,
        DOWN + ENTER,
        DOWN + ENTER,
        DOWN + ENTER,
        "2:30" + ENTER,
        ENTER,  # expedited
        ENTER,  # card
        bottles + ENTER,
        refund + ENTER,
        *(checklist or [DOWN + ENTER, "sheet is locked" + ENTER]),
        (date.today() + timedelta(days=2)).isoformat() + ENTER,
    ]


def test_a_quiz_answered_as_the_scenario_scores_100_with_a_different_reason(pipe: Any, tmp_path: Path) -> None:
    run, _ = desk_quiz(pipe, tmp_path, desk_keys(checklist=[DOWN + ENTER, "stock sheet was locked" + ENTER]))
    report = run.report
    assert (report.score, report.matched, report.expected_answers) == (100, 11, 11)
    assert report.differences == []
    confirmation = next(a for a in run.answers if a.field_id == "stock_logged")
    assert (confirmation.given, confirmation.expected) == (
        "Not done: stock sheet was locked",
        "Not done: sheet is locked",
    )
    assert [a.node_id for a in run.answers if a.field_id == "method"] == ["pay/P-1"]


def test_a_quiz_that_returns_one_bottle_and_ticks_the_item_says_what_differs(pipe: Any, tmp_path: Path) -> None:
    run, _ = desk_quiz(pipe, tmp_path, desk_keys(bottles="1", refund="80.47", checklist=[ENTER]))
    report = run.report
    assert [(a.field_id, a.given, a.expected, a.matches) for a in run.answers][7:10] == [
        ("bottles", "1", "2", False),
        ("refund_amount", "$80.47", "$160.94", False),
        ("stock_logged", "Done", "Not done: sheet is locked", False),
    ]
    assert (report.matched, report.score) == (8, 73)
    messages = {d.what: d.message for d in report.differences}
    assert messages["invoice.lines[3].quantity"] == "expected 2, got 1"
    assert messages["invoice.lines[3].amount"] == "expected -$178.94, got -$89.47"
    assert messages["refunds[1].amount"] == "expected $160.94, got $80.47"
    assert messages["checklist.stock_logged"] == "expected not done (sheet is locked), got done"
    assert messages["values.refund"] == "expected '$160.94', got '$80.47'"
    assert messages["invoice.total"] == "expected $339.06, got $419.53"


def test_the_desk_quiz_report_names_nodes_as_written(pipe: Any, tmp_path: Path) -> None:
    run, _ = desk_quiz(pipe, tmp_path, desk_keys(bottles="1", refund="80.47", checklist=[ENTER]))
    console, _ = screen()
    scenario = load_scenario(str(desk_scenario(tmp_path / "again")))
    saved = report_quiz(console, run, load_flow(scenario.flow_path), datetime(2026, 11, 23, tzinfo=UTC), 9.0, tmp_path)
    assert saved is not None
    markdown = sorted((tmp_path / "rehearsals").glob("*.md"))[0].read_text(encoding="utf-8")
    assert "| pay/P-1 | How is it paid? | Card | Card | ✓ |" in markdown
    assert "- checklist.stock_logged: expected not done (sheet is locked), got done" in markdown
    assert "- [x] Log the return of 1 bottles in the stock sheet — done (RETURN)" in markdown
    data = json.loads(sorted((tmp_path / "rehearsals").glob("*.json"))[0].read_text(encoding="utf-8"))
    assert [a["node"] for a in data["rehearsal"]["answers"]][6] == "pay/P-1"


def test_an_answer_the_engine_refuses_in_a_quiz_is_not_scored(pipe: Any, tmp_path: Path) -> None:
    keys = desk_keys(refund="500")
    keys.insert(9, "\x7f" * 3 + "160.94" + ENTER)  # the prompt comes back holding 500
    run, shown = desk_quiz(pipe, tmp_path, keys)
    assert "✗ that answer cannot be taken: the refund would be $500.00" in shown
    assert "the scenario answers: $160.94" not in shown
    assert (run.report.matched, run.report.score) == (11, 100)
    assert [a.given for a in run.answers if a.field_id == "refund_amount"] == ["$160.94"]
