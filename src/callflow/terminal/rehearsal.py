"""Rehearsing a scenario: replayed on screen as a live call looks, or answered
live by a trainee (quiz) and compared with the scenario.

Both are front ends of the one runner loop (callflow.call.driver.drive), so the
screen is the one `callflow run` shows. The quiz wraps the live prompter: it
asks exactly as a live call does, then says whether the answer matches the
scenario's. The deviation report (callflow.terminal.deviation) compares the
trainee's call with the scenario's own walk. Both calls and the replay run on
the scenario's date when it sets one (else on one date fixed at the start),
and a checklist confirmation counts as matching when done / not done agrees
(its reason is free words, shown but not compared).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Console
from rich.text import Text

from callflow.call.answers import AnswerSet
from callflow.call.driver import BACK, Moved, drive
from callflow.call.engine import Prompt, Session
from callflow.call.events import Event
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import summarize
from callflow.call.values import InvalidAnswer, Value, check_answer, display_value, parse_answer
from callflow.flow.errors import AnswersError
from callflow.flow.index import Confirmation
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.procedures import shown
from callflow.record.receipts import receipt_data
from callflow.terminal.deviation import Deviation, QuizAnswer, deviation
from callflow.terminal.prompter import LivePrompter, SaveAndQuit
from callflow.terminal.screen import show_session_events, words
from callflow.testing.scenario import LoadedScenario


def reference_walk(scenario: LoadedScenario, flow: LoadedFlow, agent: str | None, today: date | None = None) -> Session:
    """The scenario's own call: its answers through the engine."""
    session = Session(flow.flow, flow.index, agent=agent, today=today or scenario.today)
    drive(session, ScriptedFrontEnd(scenario.answer_set()))
    return session


def read_answer(prompt: Prompt, raw: object, session: Session) -> tuple[Value, str]:
    """An answer as the engine reads it, and as it reads on screen ("Not done:
    sheet is locked" for a checklist item, "[secret]" for a secret).
    Raises InvalidAnswer."""
    question = prompt.question
    currency = session.flow.currency
    if isinstance(question, Confirmation):
        done, reason = check_answer(raw)
        return done, display_value(question, done, currency, reason)
    value = parse_answer(question, raw, currency, session.today)
    if value is None:
        return None, "(skipped)"
    if not prompt.is_choose and getattr(question, "secret", False):
        return value, "[secret]"
    return value, display_value(question, value, currency)


class ReplayFrontEnd:
    """Shows the scenario's call step by step: the screen, the question, then
    (after `pause`) the scenario's answer."""

    def __init__(self, console: Console, answers: AnswerSet, pause: Callable[[], None]) -> None:
        self.console = console
        self.scripted = ScriptedFrontEnd(answers)
        self.pause = pause

    def show(
        self, session: Session, events: Sequence[Event], *, again: bool = False, moved: Moved | None = None
    ) -> None:
        show_session_events(self.console, session, events, again=again)

    def ask(self, session: Session, prompt: Prompt) -> object:
        raw = self.scripted.ask(session, prompt)
        question = prompt.question
        asked = f"☐ {question.prompt} — done?" if isinstance(question, Confirmation) else question.prompt
        self.console.print(words(("  ? ", "bold cyan"), (asked, "bold")))
        self.pause()
        try:
            _, said = read_answer(prompt, raw, session)
        except InvalidAnswer:
            return raw  # the engine refuses it and `rejected` reports where
        self.console.print(words(("    → ", "cyan"), (said, "bold green")))
        return raw

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        self.scripted.rejected(session, prompt, message)


class QuizFrontEnd:
    """The live prompter, with a word after each answer on whether it matches."""

    def __init__(self, prompter: LivePrompter, expected: AnswerSet) -> None:
        self.prompter = prompter
        self.console = prompter.console
        self.expected = expected
        self.answers: list[QuizAnswer] = []
        self._counted_last = False  # the last reply was recorded in `answers`
        self._verdict: Text | None = None  # said once the engine takes the answer

    def show(
        self, session: Session, events: Sequence[Event], *, again: bool = False, moved: Moved | None = None
    ) -> None:
        verdict, self._verdict = self._verdict, None
        if verdict is not None and not again:
            self.prompter.read_back(session)
            self.console.print(verdict)
        self.prompter.show(session, events, again=again, moved=moved)

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        if self._counted_last:
            self._undo_last()
        self._counted_last = False
        self._verdict = None  # the answer was not taken: nothing to compare
        self.prompter.rejected(session, prompt, message)

    def _undo_last(self) -> None:
        if self.answers:
            last = self.answers.pop()
            if last.counted:
                self.expected.give_back(last.field_id)

    def ask(self, session: Session, prompt: Prompt) -> object:
        self._counted_last = False
        reply = self.prompter.ask(session, prompt)
        if reply is BACK:
            self._undo_last()
            return reply
        try:
            given_value, given_text = read_answer(prompt, reply, session)
        except InvalidAnswer:
            return reply  # the engine refuses it; `rejected` tells the trainee
        try:
            raw, _ = self.expected.next_for(prompt)
        except AnswersError:
            raw = None
            counted = False
        else:
            counted = True
        expected_value: Value = None
        expected_text = "(skipped)"
        if raw is not None:
            try:
                expected_value, expected_text = read_answer(prompt, raw, session)
            except InvalidAnswer:
                expected_value, expected_text = None, str(raw)
        matches = counted and expected_value == given_value
        self.answers.append(
            QuizAnswer(
                shown(prompt.node_id),
                prompt.field_id,
                prompt.question.prompt,
                given_text,
                expected_text if counted else None,
                matches,
                counted,
            )
        )
        self._counted_last = True
        self._say(matches, counted, expected_text if counted else None)
        return reply

    def _say(self, matches: bool, counted: bool, expected: str | None) -> None:
        if matches:
            self._verdict = Text("  ✓ matches the scenario", style="bold green")
        elif not counted:
            self._verdict = Text("  ✗ the scenario does not reach this question", style="bold yellow")
        else:
            self._verdict = words((f"  ✗ the scenario answers: {expected}", "bold red"))


@dataclass
class QuizRun:
    session: Session  # the trainee's call
    answers: list[QuizAnswer]
    report: Deviation
    stopped: bool  # the trainee chose "save and quit" before the end


def run_quiz(scenario: LoadedScenario, flow: LoadedFlow, prompter: LivePrompter, agent: str | None) -> QuizRun:
    """The trainee answers the scenario's call live; the answers are compared
    one by one and the whole call with the scenario's own at the end (also
    when the trainee stops early with Ctrl-C, "save and quit")."""
    reference = reference_walk(scenario, flow, agent)
    session = Session(flow.flow, flow.index, agent=agent, today=reference.today)
    quiz = QuizFrontEnd(prompter, scenario.answer_set())
    stopped = False
    try:
        drive(session, quiz)
    except SaveAndQuit:
        stopped = True
    report = deviation(scenario, reference, session, quiz.answers)
    return QuizRun(session, quiz.answers, report, stopped)


def rehearsal_data(
    report: Deviation,
    session: Session,
    *,
    session_id: str,
    flow_path: str,
    started_at: str,
    ended_at: str,
    duration_seconds: float,
) -> dict[str, Any]:
    """The trainee's call as receipt data, with the report under `rehearsal`."""
    data = receipt_data(
        summarize(session),
        session_id=session_id,
        flow_path=flow_path,
        started_at=started_at,
        ended_at=ended_at,
        duration_seconds=duration_seconds,
    )
    data["rehearsal"] = {"mode": "quiz", **report.to_dict()}
    return data
