"""Rehearsing a scenario: replayed on screen as a live call looks, or answered
live by a trainee (quiz) and compared with the scenario.

Both are front ends of the one runner loop (callflow.call.driver.drive), so the
screen is the one `callflow run` shows. The quiz wraps the live prompter: it
asks exactly as a live call does, then says whether the answer matches the
scenario's. The deviation report compares the trainee's call with the
scenario's own walk: where the path parted, which answers and which results
(outcome, ticket, invoice, payments, notifications) differ, and a score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.text import Text

from callflow.call.answers import AnswerSet
from callflow.call.driver import BACK, drive
from callflow.call.engine import Prompt, Session
from callflow.call.events import Event
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import Summary, summarize
from callflow.call.values import InvalidAnswer, Value, display_value, parse_answer
from callflow.flow.errors import AnswersError
from callflow.flow.loadedflow import LoadedFlow
from callflow.record.receipts import receipt_data
from callflow.terminal.prompter import LivePrompter, SaveAndQuit
from callflow.terminal.screen import show_session_events
from callflow.testing.expectations import Mismatch, check_expectations
from callflow.testing.scenario import Expect, LoadedScenario


def reference_walk(scenario: LoadedScenario, flow: LoadedFlow, agent: str | None) -> Session:
    """The scenario's own call: its answers through the engine."""
    session = Session(flow.flow, flow.index, agent=agent)
    drive(session, ScriptedFrontEnd(scenario.answer_set()))
    return session


def _shown(prompt: Prompt, value: Value, currency: str) -> str:
    if value is None:
        return "(skipped)"
    if not prompt.is_choose and getattr(prompt.question, "secret", False):
        return "[secret]"
    return display_value(prompt.question, value, currency)


class ReplayFrontEnd:
    """Shows the scenario's call step by step: the screen, the question, then
    (after `pause`) the scenario's answer."""

    def __init__(self, console: Console, answers: AnswerSet, pause: Callable[[], None]) -> None:
        self.console = console
        self.scripted = ScriptedFrontEnd(answers)
        self.pause = pause

    def show(self, session: Session, events: Sequence[Event], *, again: bool = False) -> None:
        show_session_events(self.console, session, events, again=again)

    def ask(self, session: Session, prompt: Prompt) -> object:
        raw = self.scripted.ask(session, prompt)
        self.console.print(Text.assemble(("  ? ", "bold cyan"), (prompt.question.prompt, "bold")))
        self.pause()
        try:
            value = parse_answer(prompt.question, raw, session.flow.currency)
        except InvalidAnswer:
            return raw  # the engine refuses it and `rejected` reports where
        self.console.print(Text.assemble(("    → ", "cyan"), (_shown(prompt, value, session.flow.currency), "bold green")))
        return raw

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        self.scripted.rejected(session, prompt, message)


@dataclass
class QuizAnswer:
    """One answer of the trainee next to the scenario's."""

    node_id: str
    field_id: str
    prompt: str
    given: str
    expected: str | None  # None: the scenario does not answer this question here
    matches: bool
    counted: bool  # took one of the scenario's answers (so it counts in the score)


class QuizFrontEnd:
    """The live prompter, with a word after each answer on whether it matches."""

    def __init__(self, prompter: LivePrompter, expected: AnswerSet) -> None:
        self.prompter = prompter
        self.console = prompter.console
        self.expected = expected
        self.answers: list[QuizAnswer] = []

    def show(self, session: Session, events: Sequence[Event], *, again: bool = False) -> None:
        self.prompter.show(session, events, again=again)

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        self._undo_last()
        self.prompter.rejected(session, prompt, message)

    def _undo_last(self) -> None:
        if self.answers:
            last = self.answers.pop()
            if last.counted:
                self.expected.give_back(last.field_id)

    def ask(self, session: Session, prompt: Prompt) -> object:
        reply = self.prompter.ask(session, prompt)
        if reply is BACK:
            self._undo_last()
            return reply
        currency = session.flow.currency
        try:
            given_value = parse_answer(prompt.question, reply, currency)
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
        if raw is not None:
            try:
                expected_value = parse_answer(prompt.question, raw, currency)
            except InvalidAnswer:
                expected_value = None
        matches = counted and expected_value == given_value
        expected_text = _shown(prompt, expected_value, currency) if counted else None
        self.answers.append(
            QuizAnswer(
                prompt.node_id,
                prompt.field_id,
                prompt.question.prompt,
                _shown(prompt, given_value, currency),
                expected_text,
                matches,
                counted,
            )
        )
        self._say(matches, counted, expected_text)
        return reply

    def _say(self, matches: bool, counted: bool, expected: str | None) -> None:
        if matches:
            self.console.print(Text("  ✓ matches the scenario", style="bold green"))
        elif not counted:
            self.console.print(Text("  ✗ the scenario does not reach this question", style="bold yellow"))
        else:
            self.console.print(Text(f"  ✗ the scenario answers: {expected}", style="bold red"))


# -- the deviation report -------------------------------------------------------


@dataclass
class Deviation:
    """How the trainee's call differs from the scenario's."""

    scenario_path: str
    scenario_name: str
    expected_path: list[str]
    actual_path: list[str]
    answers: list[QuizAnswer]
    differences: list[Mismatch]
    expected_answers: int  # answers the scenario's own call takes
    ended: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def left_path_at(self) -> int | None:
        """Index of the first node where the trainee's path parts from the scenario's."""
        for i, (want, got) in enumerate(zip(self.expected_path, self.actual_path, strict=False)):
            if want != got:
                return i
        if len(self.expected_path) != len(self.actual_path):
            return min(len(self.expected_path), len(self.actual_path))
        return None

    @property
    def matched(self) -> int:
        return sum(1 for a in self.answers if a.matches)

    @property
    def score(self) -> int:
        """Percent of the scenario's answers given as the scenario gives them."""
        if self.expected_answers == 0:
            return 100
        return round(100 * min(self.matched, self.expected_answers) / self.expected_answers)

    def left_path_words(self) -> str | None:
        at = self.left_path_at
        if at is None:
            return None
        if at == 0:
            return "the call started at another node"
        after = self.actual_path[at - 1]
        expected = self.expected_path[at] if at < len(self.expected_path) else "the end"
        actual = self.actual_path[at] if at < len(self.actual_path) else (
            "the end" if self.ended else "where the rehearsal stopped"
        )
        return f"after {after}: went to {actual}, the scenario goes to {expected}"

    def to_dict(self) -> dict[str, Any]:
        at = self.left_path_at
        return {
            "scenario": {"path": self.scenario_path, "name": self.scenario_name},
            "score": self.score,
            "matched_answers": self.matched,
            "scenario_answers": self.expected_answers,
            "ended": self.ended,
            "left_path": None
            if at is None
            else {
                "after": self.actual_path[at - 1] if at else None,
                "went_to": self.actual_path[at] if at < len(self.actual_path) else None,
                "scenario_goes_to": self.expected_path[at] if at < len(self.expected_path) else None,
                "words": self.left_path_words(),
            },
            "expected_path": self.expected_path,
            "actual_path": self.actual_path,
            "answers": [
                {
                    "node": a.node_id,
                    "field": a.field_id,
                    "prompt": a.prompt,
                    "given": a.given,
                    "expected": a.expected,
                    "matches": a.matches,
                }
                for a in self.answers
            ],
            "differences": [d.to_dict() for d in self.differences],
        }


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def expect_from(summary: Summary) -> Expect:
    """What a call produced, as expectations another call can be checked against."""
    invoice = summary.invoice
    return Expect.model_validate(
        {
            "path": list(summary.path) or None,
            "outcome": summary.outcome,
            "ticket": {f.key: f.value for f in summary.ticket},
            "invoice": {
                "lines": [
                    {"code": line.code, "quantity": line.quantity, "amount": _money(line.amount)}
                    for line in invoice.lines
                ],
                "past_due": _money(invoice.past_due),
                "total": _money(invoice.total),
                "paid": _money(invoice.paid),
                "due": _money(invoice.due),
            },
            "payments": [
                {"amount": _money(p.amount), "method": p.method, "note": p.note, "node": p.node_id}
                for p in summary.payments
            ],
            "notifications": [{"to": n.to, "message": n.message, "node": n.node_id} for n in summary.notifications],
            "follow_ups": [f.text for f in summary.follow_ups],
        }
    )


def deviation(
    scenario: LoadedScenario, reference: Session, trainee: Session, answers: list[QuizAnswer]
) -> Deviation:
    """Compare the trainee's call with the scenario's own."""
    expected = summarize(reference)
    actual = summarize(trainee)
    wanted = expect_from(expected)
    # A ticket field the trainee set and the scenario did not is a difference too.
    extra_keys = {f.key: None for f in actual.ticket if expected.ticket_value(f.key) is None}
    if extra_keys:
        wanted = wanted.model_copy(update={"ticket": {**(wanted.ticket or {}), **extra_keys}})
    differences = [m for m in check_expectations(wanted, actual) if m.what != "path"]
    return Deviation(
        scenario.path,
        scenario.name,
        list(expected.path),
        list(actual.path),
        answers,
        differences,
        len(reference.answers()),
        ended=trainee.ended,
    )


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
    session = Session(flow.flow, flow.index, agent=agent)
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
