"""`callflow run FLOW`: walk a call live (or from an answers file) and end with
the ticket and invoice summary, saved as a JSON, a Markdown and a plain-text receipt."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from callflow.commands._common import TextOrJson, complete_path, fail, optional_argument, user_errors
from callflow.commands._live import Agent, AsJson, CallFormat, ReceiptsDir, SessionsDir
from callflow.flow.errors import ExitCode

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow

HELP = """Walk a call script step by step and end with the ticket and invoice summary.

Each step shows where you are (node, section, who performs it), the words to
say with the blanks filled, the checklist for the ticketing system, and the
question whose answer picks the next step; the status line under it shows
the node, the call's clock, the total and what is due. Esc goes back one
answer (and says what it undid); Ctrl-N adds a note to the call; Ctrl-R
changes an earlier answer; Ctrl-C asks whether to save and quit. Every
answer, change and note is written to the session journal
(sessions/journal/) before the next prompt, so a call stopped by Ctrl-C, a
closed terminal or a crash goes on with `callflow resume`.

At the end the end node's words stay on screen until Enter; then the
summary (path, ticket, invoice, payments, notifications, follow-ups, notes,
time per step, duration) is shown and saved as JSON, Markdown and plain text
in the receipts folder (--receipts-dir, by default the sessions folder). With
--answers FILE the same walk takes its answers from a file, which may fix
the call's date with `today: YYYY-MM-DD`. The call's date is journalled, so
a resume on another day computes the same dates.
"""


def run(
    flow: Annotated[
        Path | None,
        typer.Argument(
            metavar=optional_argument("FLOW"),
            help="The flow file (YAML), e.g. flows/anything-computers-intake.yaml; "
            "in a terminal, left out: pick one of ./flows.",
            autocompletion=complete_path,
            show_default=False,
        ),
    ] = None,
    agent: Agent = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="Take the answers from this YAML file (- : standard input) instead of prompting.",
            autocompletion=complete_path,
        ),
    ] = None,
    sessions_dir: SessionsDir = Path("sessions"),
    receipts_dir: ReceiptsDir = None,
    save: Annotated[
        bool | None,
        typer.Option(
            "--save/--no-save",
            help="Keep the journal and save the receipt (default: yes for a live call, no with --answers).",
            show_default=False,
        ),
    ] = None,
    output_format: CallFormat = TextOrJson.text,
    as_json: AsJson = False,
) -> None:
    as_json = as_json or output_format is TextOrJson.json
    if flow is None:
        if answers is not None:
            fail("callflow run: --answers needs the FLOW its answers walk: callflow run FLOW --answers FILE", ExitCode.USAGE)
        from callflow.commands._pick import pick_flow

        flow = pick_flow("run")
    with user_errors():
        if answers is not None:
            _run_scripted(flow, answers, agent, sessions_dir, receipts_dir, bool(save), as_json)
        else:
            _run_live(flow, agent, sessions_dir, receipts_dir, save is not False, as_json)


def _load(flow: Path) -> LoadedFlow:
    from callflow.call.ready import load_for_call

    return load_for_call(str(flow))


def _run_scripted(
    flow: Path,
    answers_path: Path,
    agent: str | None,
    sessions_dir: Path,
    receipts_dir: Path | None,
    save: bool,
    as_json: bool,
) -> None:
    from callflow.call.engine import Session
    from callflow.call.scripted import ScriptedFrontEnd
    from callflow.commands._live import drive_call
    from callflow.commands._stdin import answers_at
    from callflow.record.calls import CallRecorder

    loaded = _load(flow)
    answer_set = answers_at(str(answers_path))
    answer_set.check_known(loaded.flow, loaded.index)
    session = Session(loaded.flow, loaded.index, agent=agent or answer_set.agent, today=answer_set.today)
    call = CallRecorder.start(loaded, session, sessions_dir, journal=save, receipts_dir=receipts_dir)
    drive_call(session, ScriptedFrontEnd(answer_set), call, console=None, save=save, as_json=as_json, live=False)


def _run_live(
    flow: Path, agent: str | None, sessions_dir: Path, receipts_dir: Path | None, save: bool, as_json: bool
) -> None:
    from callflow.commands._live import live_front_end, require_terminal

    # A broken flow is reported first, terminal or not.
    loaded = _load(flow)
    require_terminal("run")

    from callflow.call.engine import Session
    from callflow.commands._live import drive_call, warn_on
    from callflow.record.calls import CallRecorder
    from callflow.terminal.prompter import SaveAndQuit

    console, prompter = live_front_end(as_json)
    try:
        agent = agent or prompter.ask_agent()
    except SaveAndQuit:
        fail("Stopped before the call started; nothing to save.", ExitCode.INTERRUPTED)
    session = Session(loaded.flow, loaded.index, agent=agent)
    call = CallRecorder.start(loaded, session, sessions_dir, journal=save, receipts_dir=receipts_dir)
    call.warn = warn_on(console)
    prompter.on_note = call.noted
    prompter.clock = call
    prompter.review = True
    prompter.end_key = True
    drive_call(session, prompter, call, console=console, save=save, as_json=as_json, live=True)
