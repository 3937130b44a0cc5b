"""`callflow run FLOW`: walk a call live (or from an answers file) and end with
the ticket and invoice summary, saved as a JSON and a Markdown receipt."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from callflow.commands._common import fail, user_errors
from callflow.errors import ExitCode

HELP = """Walk a call script step by step and end with the ticket and invoice summary.

Each step shows where you are (node, section, who performs it), the words to
say with the blanks filled, the checklist for the ticketing system, and the
question whose answer picks the next step. Esc goes back one answer; Ctrl-C
asks whether to save and quit. Every answer is written to the session journal
before the next prompt.

At the end the summary (path, ticket, invoice, payments, notifications,
follow-ups, duration) is shown and saved as JSON and Markdown in the sessions
folder. With --answers FILE the same walk takes its answers from a file.
"""

SESSIONS_DIR_ENV = "CALLFLOW_SESSIONS_DIR"
AGENT_ENV = "CALLFLOW_AGENT"


def run(
    flow: Path = typer.Argument(..., help="The flow file (YAML), e.g. flows/anything-computers-intake.yaml."),
    agent: Optional[str] = typer.Option(
        None, "--agent", envvar=AGENT_ENV, help="Your name, said to the caller as {agent}."
    ),
    answers: Optional[Path] = typer.Option(
        None, "--answers", help="Take the answers from this YAML file instead of prompting."
    ),
    sessions_dir: Path = typer.Option(
        Path("sessions"),
        "--sessions-dir",
        envvar=SESSIONS_DIR_ENV,
        help="Where journals and receipts are kept.",
        show_default=True,
    ),
    save: Optional[bool] = typer.Option(
        None,
        "--save/--no-save",
        help="Save the receipt (default: yes for a live call, no with --answers).",
        show_default=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    with user_errors():
        if answers is not None:
            _run_scripted(flow, answers, agent, sessions_dir, bool(save), as_json)
        else:
            _run_live(flow, agent, sessions_dir, save is not False, as_json)


def _load(flow: Path):  # type: ignore[no-untyped-def]
    from callflow.loader import load_flow

    return load_flow(str(flow))


def _run_scripted(flow: Path, answers_path: Path, agent: str | None, sessions_dir: Path, save: bool, as_json: bool) -> None:
    from callflow.answers import load_answers
    from callflow.calls import CallRecorder, finish_call
    from callflow.engine import Session
    from callflow.runner import drive
    from callflow.scripted import ScriptedFrontEnd

    loaded = _load(flow)
    answer_set = load_answers(str(answers_path))
    answer_set.check_known(loaded.flow, loaded.index)
    session = Session(loaded.flow, loaded.index, agent=agent or answer_set.agent)
    call = CallRecorder.start(loaded, session, sessions_dir, journal=save)
    try:
        drive(session, ScriptedFrontEnd(answer_set), call)
    except BaseException:
        call.close()
        raise
    finish_call(call, session, save=save, as_json=as_json, console=None)


def _run_live(flow: Path, agent: str | None, sessions_dir: Path, save: bool, as_json: bool) -> None:
    if not sys.stdin.isatty():
        fail(
            "callflow run: standard input is not a terminal, so there is nobody to prompt. "
            "To take the answers from a file, use: callflow run FLOW --answers FILE",
            ExitCode.USAGE,
        )
    loaded = _load(flow)

    from rich.console import Console

    from callflow.calls import CallRecorder, finish_call
    from callflow.engine import Session
    from callflow.prompting import LivePrompter, SaveAndQuit
    from callflow.runner import drive

    # With --json, stdout carries only the JSON; the call is shown on stderr.
    ui_stream = sys.stderr if as_json else sys.stdout
    console = Console(file=ui_stream, highlight=False)
    io: dict[str, object] = {}
    if as_json:
        from prompt_toolkit.output import create_output

        io["output"] = create_output(stdout=sys.stderr)
    prompter = LivePrompter(console, **io)
    try:
        agent = agent or prompter.ask_agent()
    except SaveAndQuit:
        fail("Stopped before the call started; nothing to save.", ExitCode.INTERRUPTED)
    session = Session(loaded.flow, loaded.index, agent=agent)
    call = CallRecorder.start(loaded, session, sessions_dir, journal=save)
    try:
        drive(session, prompter, call)
    except SaveAndQuit:
        call.close()
        where = f" in {call.journal_path}" if call.journal_path else ""
        fail(
            f"Call saved with {len(session.answers())} answer(s){where}. "
            f"Resume it with: callflow resume {call.session_id}",
            ExitCode.INTERRUPTED,
        )
    except BaseException:
        call.close()
        raise
    finish_call(call, session, save=save, as_json=as_json, console=console)
