"""`callflow rehearse SCENARIO`: replay a scenario as a live call looks, or quiz
a trainee on it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from callflow.commands._common import complete_path, fail, user_errors
from callflow.flow.errors import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from callflow.flow.loadedflow import LoadedFlow
    from callflow.terminal.rehearsal import QuizRun
    from callflow.testing.scenario import LoadedScenario

HELP = """Replay a scenario in the terminal as a live call looks, step by step.

Each step shows the screen `callflow run` shows (node, words to say with the
blanks filled, checklist), the question, and then the scenario's answer:
press a key to go on (q to stop), or give --speed SECONDS per step (--speed 0:
no pause). At the end: the call summary, and whether it meets the scenario's
expectations.

--quiz: the trainee answers live instead (Esc goes back, as on a call); after
each answer callflow says whether it matches the scenario (a checklist item
matches when done / not done agrees; its reason is shown, not compared). At
the end a deviation report shows where the trainee left the scenario's path,
which answers and which results (ticket, invoice lines and amounts, payments,
refunds, notifications, follow-ups, checklist, computed values) differ, and a
score. The report is saved as JSON and Markdown in <sessions-dir>/rehearsals/.

Both calls run on the scenario's date (its `today:`) where it sets one.

Exit codes: 0 done; 1 the replayed call does not meet its expectations; 3 the
scenario or its flow cannot be loaded; 4 its answers do not walk the flow;
130 stopped.
"""

REHEARSALS = "rehearsals"


class _Stop(Exception):
    """The trainer pressed q."""


def rehearse(
    scenario: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="The scenario file (YAML).", autocompletion=complete_path, show_default=False)
    ],
    quiz: Annotated[bool, typer.Option("--quiz", help="The trainee answers; compare with the scenario.")] = False,
    speed: Annotated[
        float | None,
        typer.Option("--speed", min=0, metavar="SECONDS", help="Seconds per step instead of a key (0: no pause)."),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option("--agent", help="The name said as {agent} (default: the scenario's; the quiz asks)."),
    ] = None,
    sessions_dir: Annotated[
        Path,
        typer.Option("--sessions-dir", envvar="CALLFLOW_SESSIONS_DIR", help="Where quiz reports are saved (in rehearsals/)."),
    ] = Path("sessions"),
    save: Annotated[bool, typer.Option("--save/--no-save", help="Save the quiz report.")] = True,
) -> None:
    with user_errors():
        from rich.console import Console

        loaded_scenario, flow = _load(scenario)
        name = agent or loaded_scenario.scenario.agent
        console = Console(highlight=False)
        if quiz:
            _quiz(console, loaded_scenario, flow, name, sessions_dir if save else None)
        else:
            _replay(console, loaded_scenario, flow, name, speed)


def _load(path: Path) -> tuple[LoadedScenario, LoadedFlow]:
    from callflow.call.ready import load_for_call
    from callflow.flow.errors import FlowLoadError
    from callflow.testing.scenario import load_scenario
    from callflow.testing.scenariocheck import check_against_flow

    scenario = load_scenario(str(path))
    flow = load_for_call(scenario.flow_path)
    check_against_flow(scenario, flow)
    if scenario.todos:
        from callflow.flow.diagnostics import Diagnostic, Severity
        from callflow.flow.loader import INVALID_VALUE

        message = "answers.{} is still TODO: write the answer first"
        raise FlowLoadError(
            [
                Diagnostic(scenario.path, t.line, t.col, INVALID_VALUE, Severity.ERROR, message.format(t.field_id))
                for t in scenario.todos
            ]
        )
    return scenario, flow


def _pause(speed: float | None) -> Callable[[], None]:
    if speed is not None:
        return (lambda: time.sleep(speed)) if speed > 0 else (lambda: None)
    if not sys.stdin.isatty():
        fail(
            "callflow rehearse: standard input is not a terminal, so no key can advance the steps. "
            "Use --speed SECONDS (--speed 0 for no pause).",
            ExitCode.USAGE,
        )

    def wait() -> None:
        from callflow.terminal.keys import wait_for_key

        if wait_for_key("  (any key: next step · q: stop)") in ("q", "Q", "c-c"):
            raise _Stop()

    return wait


def _replay(console: Console, scenario: LoadedScenario, flow: LoadedFlow, agent: str | None, speed: float | None) -> None:
    from rich.rule import Rule
    from rich.text import Text

    from callflow.call.driver import drive
    from callflow.call.engine import Session
    from callflow.call.summary import summarize
    from callflow.terminal.rehearsal import ReplayFrontEnd
    from callflow.terminal.summaryview import summary_renderable
    from callflow.testing.expectations import check_expectations
    from callflow.testing.invariants import check_invariants

    pause = _pause(speed)
    console.print(Rule(Text(f"Rehearsal: {scenario.name}", style="bold"), style="magenta"))
    if scenario.scenario.description:
        console.print(Text(scenario.scenario.description, style="italic"))
    session = Session(flow.flow, flow.index, agent=agent, today=scenario.today)
    try:
        drive(session, ReplayFrontEnd(console, scenario.answer_set(), pause))
    except _Stop:
        fail("Rehearsal stopped.", ExitCode.INTERRUPTED)
    summary = summarize(session)
    console.print()
    console.print(summary_renderable(summary.to_dict()))
    problems = [f"{m.what}: {m.message}" for m in check_expectations(scenario.scenario.expect, summary)]
    problems += [str(v) for v in check_invariants(session, summary)]
    if problems:
        console.print(Text("The call does not meet the scenario's expectations:", style="bold red"))
        for problem in problems:
            console.print(Text(f"  • {problem}"))
        raise typer.Exit(int(ExitCode.PROBLEMS))
    console.print(Text("✓ The call meets the scenario's expectations.", style="bold green"))


def _quiz(
    console: Console, scenario: LoadedScenario, flow: LoadedFlow, agent: str | None, sessions_dir: Path | None
) -> None:
    if not sys.stdin.isatty():
        fail("callflow rehearse --quiz: standard input is not a terminal, so nobody can answer.", ExitCode.USAGE)
    from rich.rule import Rule
    from rich.text import Text

    from callflow.terminal.prompter import LivePrompter, SaveAndQuit
    from callflow.terminal.rehearsal import run_quiz

    prompter = LivePrompter(console)
    console.print(Rule(Text(f"Quiz: {scenario.name}", style="bold"), style="magenta"))
    try:
        name = agent or prompter.ask_agent()
    except SaveAndQuit:
        fail("Stopped before the quiz started; nothing to save.", ExitCode.INTERRUPTED)
    started = datetime.now(UTC)
    clock = time.monotonic()
    run = run_quiz(scenario, flow, prompter, name)
    saved = report_quiz(console, run, flow, started, time.monotonic() - clock, sessions_dir)
    if run.stopped:
        fail(f"Quiz stopped{' and saved in ' + saved if saved else ''}.", ExitCode.INTERRUPTED)


def report_quiz(
    console: Console, run: QuizRun, flow: LoadedFlow, started: datetime, seconds: float, sessions_dir: Path | None
) -> str | None:
    """Show the call and the deviation report; save them. Returns where."""
    from callflow.flow.errors import ReceiptError
    from callflow.record.calls import new_session_id
    from callflow.record.markdown import receipt_markdown
    from callflow.record.receipts import write_receipts
    from callflow.terminal.quizreport import deviation_markdown, deviation_renderable
    from callflow.terminal.rehearsal import rehearsal_data
    from callflow.terminal.summaryview import summary_renderable

    data = rehearsal_data(
        run.report,
        run.session,
        session_id=new_session_id(started),
        flow_path=flow.path,
        started_at=started.isoformat(timespec="seconds"),
        ended_at=datetime.now(UTC).isoformat(timespec="seconds"),
        duration_seconds=seconds,
    )
    saved: list[str] = []
    problem: ReceiptError | None = None
    if sessions_dir is not None:
        markdown = deviation_markdown(run.report) + "\n" + receipt_markdown(data)
        try:
            saved = [str(p) for p in write_receipts(sessions_dir / REHEARSALS, data, markdown)]
        except ReceiptError as exc:
            problem = exc  # shown after the report, which the trainee still sees
    console.print()
    console.print(summary_renderable(data))
    console.print()
    console.print(deviation_renderable(run.report))
    if saved:
        from rich.text import Text

        console.print(Text("Saved: " + ", ".join(saved), style="dim"))
    if problem is not None:
        raise problem
    return saved[0] if saved else None
