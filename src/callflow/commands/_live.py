"""What `run` and `resume` share: the live front end, and driving a call to its
end with the journal, the stop signals and the receipt handled the same way."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from callflow.commands._common import TextOrJson, fail
from callflow.flow.errors import CallflowError, ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from callflow.call.driver import FrontEnd
    from callflow.call.engine import Session
    from callflow.record.calls import CallRecorder
    from callflow.terminal.prompter import LivePrompter

RECEIPTS_DIR_ENV = "CALLFLOW_RECEIPTS_DIR"
SESSIONS_DIR_ENV = "CALLFLOW_SESSIONS_DIR"
AGENT_ENV = "CALLFLOW_AGENT"

SessionsDir = Annotated[
    Path,
    typer.Option(
        "--sessions-dir",
        envvar=SESSIONS_DIR_ENV,
        help="Where session journals are kept (a local disk is best).",
        show_default=True,
    ),
]
ReceiptsDir = Annotated[
    Path | None,
    typer.Option(
        "--receipts-dir",
        envvar=RECEIPTS_DIR_ENV,
        help="Where receipts are saved, e.g. the team's shared drive (default: the sessions folder).",
        show_default=False,
    ),
]
Agent = Annotated[str | None, typer.Option("--agent", envvar=AGENT_ENV, help="Your name, said to the caller as {agent}.")]
# A journalled call names its flow file; this finds it after it was moved.
MovedFlow = Annotated[
    Path | None,
    typer.Option("--flow", help="The flow file, if it is no longer where the call started.", show_default=False),
]
AsJson = Annotated[bool, typer.Option("--json", help="The same as --format json.")]
CallFormat = Annotated[
    TextOrJson,
    typer.Option(
        "--format",
        "-f",
        help="text, or json: the receipt on stdout, the call shown on stderr (docs/json-output.md).",
        case_sensitive=False,
    ),
]


def require_terminal(command: str) -> None:
    if not sys.stdin.isatty():
        fail(
            f"callflow {command}: standard input is not a terminal, so there is nobody to prompt. "
            f"To take the answers from a file, use: callflow {command} ... --answers FILE",
            ExitCode.USAGE,
        )


def live_front_end(as_json: bool) -> tuple[Console, LivePrompter]:
    """The console and prompter of a live call. With --json, stdout carries
    only the JSON, so the call is shown on stderr."""
    from rich.console import Console

    from callflow.terminal.prompter import LivePrompter

    ui_stream = sys.stderr if as_json else sys.stdout
    console = Console(file=ui_stream, highlight=False)
    io: dict[str, Any] = {}
    if as_json:
        from prompt_toolkit.output import create_output

        io["output"] = create_output(stdout=sys.stderr)
    return console, LivePrompter(console, **io)


def warn_on(console: Any) -> Any:
    from rich.text import Text

    def warn(message: str) -> None:
        console.print(Text(f"  ⚠ {message}", style="bold yellow"))

    return warn


def saved_message(call: CallRecorder, session: Session) -> str:
    from callflow.record.calls import sessions_dir_option

    journal = call.journal
    if journal is None:
        return "Call stopped; nothing was saved (--no-save)."
    lines = f"Call saved with {len(session.answers())} answer(s) in {journal.path}."
    if journal.unwritten:
        lines += (
            f" The disk still refuses the journal: its last {journal.unwritten} event(s) could not be saved, "
            "so a resume goes on from before them."
        )
    return f"{lines} Resume it with: callflow resume {call.session_id}{sessions_dir_option(call.sessions_dir)}"


def drive_call(
    session: Session,
    front: FrontEnd,
    call: CallRecorder,
    *,
    console: Any,
    save: bool,
    as_json: bool,
    live: bool,
) -> None:
    """Walk the call to its end and finish it; Ctrl-C saves and exits 130, a
    closed terminal or SIGTERM closes the journal and ends quietly."""
    from callflow.call.driver import drive
    from callflow.record.signals import hang_up, stop_handlers, terminal_gone
    from callflow.terminal.callend import finish_call

    stop: tuple[type[BaseException], ...] = (KeyboardInterrupt,)
    if live:
        import gc

        from callflow.terminal.prompter import SaveAndQuit

        stop = (SaveAndQuit, KeyboardInterrupt)
        # What is loaded by now (the flow, the modules) lives as long as the
        # call: out of the collector's way, a full collection no longer lands
        # in the middle of drawing a prompt (it cost 15-20 ms at the first one).
        gc.freeze()
    def farewell(reason: str) -> str:
        why = "the terminal closed" if reason == "SIGHUP" else f"stopped by {reason}"
        if session.ended:
            return f"{why} at the end of the call; {_kept(call)}"
        return f"{why}. {saved_message(call, session)}"

    finishing = False

    def on_stop(reason: str) -> None:
        if finishing:
            call.close()  # the end is being saved: the journal says so already
        else:
            _gone_during_call(call, session, reason, save=save)

    with stop_handlers(on_stop, farewell):
        try:
            drive(session, front, call)
        except stop:
            call.stopped("ctrl-c")
            fail(saved_message(call, session), ExitCode.INTERRUPTED)
        except CallflowError:
            call.stopped("error")  # an answers file that does not fit, a flow defect
            raise
        except BaseException as error:
            if terminal_gone(error):
                hang_up()  # the window closed and no hang-up reached callflow: end as one does
            call.close()
            raise
        finishing = True
        try:
            finish_call(call, session, save=save, as_json=as_json, console=console)
        except OSError as error:
            if not terminal_gone(error):
                raise
            hang_up()


def _gone_during_call(call: CallRecorder, session: Session, reason: str, *, save: bool) -> None:
    """The terminal went while the call was live: a call that had reached its
    end is saved with its receipt, any other is journalled as stopped."""
    if session.ended:
        from callflow.record.calls import save_call

        save_call(call, session, save=save)
    else:
        call.stopped(reason)


def _kept(call: CallRecorder) -> str:
    if call.receipts:
        return "its receipt is " + ", ".join(str(p) for p in call.receipts)
    return f"its journal is {call.journal_path}" if call.journal_path else "nothing was saved (--no-save)"
