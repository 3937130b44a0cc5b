"""`callflow resume [ID]`: go on with a call that stopped before its end."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from callflow.commands._common import TextOrJson, fail, optional_argument, user_errors
from callflow.commands._live import Agent, AsJson, CallFormat, MovedFlow, ReceiptsDir, SessionsDir
from callflow.flow.errors import ExitCode

if TYPE_CHECKING:
    from callflow.call.answers import AnswerSet
    from callflow.call.driver import Moved
    from callflow.call.engine import Prompt, Session
    from callflow.call.events import Event
    from callflow.flow.loadedflow import LoadedFlow
    from callflow.record.journal import Journal
    from callflow.record.journalread import JournalRecord
    from callflow.record.replay import Replay
    from callflow.terminal.prompter import LivePrompter

HELP = """Go on with a call that stopped before its end (Ctrl-C, a closed terminal, a crash).

The session's journal is replayed through the flow: every answer given before
the stop is given again, so the call stands exactly where it stopped, with its
ticket, invoice, payments and notes, and goes on live from there (or, with
--answers FILE, with the file's answers for the questions still to come; a
file holding the whole call is fine: the answers the journal gave are skipped).

Without ID, the newest session that has not ended (and is not open in
another callflow) is resumed. ID may be the whole session id, or its start
or end when only one session matches; `callflow sessions list` shows them.

If the flow file changed since the call started (its SHA-256 differs), you
are told and asked whether to go on; answers the changed flow no longer
takes are listed, and the call goes on from the first of them. A secret is
never saved: one that a step still needs is asked again (with --answers,
taken from the file).

Exit codes: 0 the call ended; 1 not resumed (the flow changed and going on
was declined); 2 no such session, or it has ended; 3 the flow file cannot be
read; 4 the answers file does not fit; 5 the receipt could not be written;
130 stopped again and saved.
"""

NOT_RESUMED = "Not resumed; the journal is unchanged."


def resume(
    session_id: Annotated[
        str | None,
        typer.Argument(
            metavar=optional_argument("SESSION"), help="The session id, or its start or end (default: the newest unfinished).", show_default=False
        ),
    ] = None,
    answers: Annotated[
        Path | None, typer.Option("--answers", help="Take the answers still to come from this YAML file (- : standard input).")
    ] = None,
    sessions_dir: SessionsDir = Path("sessions"),
    receipts_dir: ReceiptsDir = None,
    flow: MovedFlow = None,
    agent: Agent = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Go on without asking when the flow changed or answers no longer fit.")
    ] = False,
    output_format: CallFormat = TextOrJson.text,
    as_json: AsJson = False,
) -> None:
    with user_errors():
        _resume(session_id, answers, sessions_dir, receipts_dir, flow, agent, yes, as_json or output_format == "json")


def _resume(
    wanted: str | None,
    answers_path: Path | None,
    sessions_dir: Path,
    receipts_dir: Path | None,
    flow_override: Path | None,
    agent: str | None,
    yes: bool,
    as_json: bool,
) -> None:
    from callflow.record.journal import Journal
    from callflow.record.journalread import read_journal
    from callflow.record.sessions import find_session, newest_unfinished, session_flow

    if wanted is not None:
        path = find_session(sessions_dir, wanted)
    else:
        newest = newest_unfinished(sessions_dir)
        if newest is None:
            fail(
                f"No unfinished session to resume in {sessions_dir}. `callflow sessions list` shows them all.",
                ExitCode.USAGE,
            )
        path = newest.path
    journal = Journal.reopen(path)  # locked from here on; a torn last line is cut off
    try:
        record = read_journal(path)
        if record.ended:
            fail(
                f"Session {record.session_id} has already ended ({_words((record.end or {}).get('outcome'))}); "
                f"nothing to resume. `callflow sessions export {record.session_id}` writes its receipt again.",
                ExitCode.USAGE,
            )
        loaded = session_flow(record, flow_override)
        answer_set: AnswerSet | None = None
        if answers_path is not None:
            from callflow.commands._stdin import answers_at

            answer_set = answers_at(str(answers_path))
            answer_set.check_known(loaded.flow, loaded.index)
        else:
            from callflow.commands._live import require_terminal

            require_terminal("resume")
        _go_on(record, journal, loaded, answer_set, sessions_dir, receipts_dir, agent, yes, as_json)
    finally:
        journal.close()


def _words(outcome: object) -> str:
    return str(outcome).replace("_", " ") if outcome else "not ended"


def _go_on(
    record: JournalRecord,
    journal: Journal,
    loaded: LoadedFlow,
    answer_set: AnswerSet | None,
    sessions_dir: Path,
    receipts_dir: Path | None,
    agent: str | None,
    yes: bool,
    as_json: bool,
) -> None:
    import sys
    import time

    from rich.console import Console
    from rich.text import Text

    from callflow.commands._live import drive_call, live_front_end, warn_on
    from callflow.record.calls import CallRecorder, flow_digest
    from callflow.record.replay import SecretSource, replay

    live = answer_set is None
    prompter: LivePrompter | None = None
    stops: tuple[type[BaseException], ...] = (KeyboardInterrupt,)
    if live:
        from callflow.terminal.prompter import SaveAndQuit

        console, prompter = live_front_end(as_json)
        stops = (SaveAndQuit, KeyboardInterrupt)
    else:
        # The summary (or its JSON) goes to stdout; what resuming says, to stderr.
        console = Console(file=sys.stderr, highlight=False, soft_wrap=True)
    sha = flow_digest(loaded.text)
    changed = record.flow_sha256 is not None and sha != record.flow_sha256
    console.print(_header(record, loaded))
    if record.torn or journal.cut_bytes:
        console.print(Text("  The journal's last line was cut off when the call stopped; it is ignored.", style="dim"))
    if record.damaged:
        lines = ", ".join(str(n) for n in record.damaged)
        console.print(Text(f"  ⚠ Journal line(s) {lines} could not be read and are skipped.", style="bold yellow"))
    if changed:
        console.print(
            Text(
                f"  ⚠ The flow file {loaded.path} has changed since this call was started "
                f"(SHA-256 {str(record.flow_sha256)[:12]}… then, {sha[:12]}… now).",
                style="bold yellow",
            )
        )
        _confirm(prompter, yes, "Go on with the changed flow?", "Resume with the changed flow")

    source = SecretSource(given=lambda prompt: _from_file(answer_set, prompt, use=True))
    session_agent: str | None
    if prompter is not None:
        source.ask = _secret_asker(prompter)
        source.rejected = prompter.rejected
        session_agent = agent or record.agent or _ask_agent(prompter)
    else:
        session_agent = agent or record.agent or (answer_set.agent if answer_set is not None else None)
    try:
        result = replay(
            record.answers(),
            loaded.flow,
            loaded.index,
            agent=session_agent,
            today=record.today,
            undone=record.undone(),
            secrets=source,
            on_replayed=lambda prompt: _use_up(answer_set, prompt),
        )
    except stops:
        fail(NOT_RESUMED, ExitCode.INTERRUPTED)
    _report(result, console)
    if result.waiting_for_secret is not None:
        from callflow.flow.errors import AnswersError

        where = answer_set.path if answer_set is not None else "the answers file"
        raise AnswersError(
            f"{where}: resuming needs the secret '{result.waiting_for_secret}' again "
            f"(secrets are never saved): add '{result.waiting_for_secret}:' under answers"
        )
    if result.misfits:
        _confirm(
            prompter,
            yes,
            f"Go on from {result.misfits[0].node} without the answers listed above?",
            "Go on from there",
        )
    session = result.session
    call = CallRecorder(
        session_id=record.session_id,
        flow_path=loaded.path,
        sessions_dir=sessions_dir,
        started_at=_started_at(record),
        started_clock=time.monotonic(),
        journal=journal,
        receipts_dir=receipts_dir,
        earlier_seconds=record.active_seconds(),
        notes=[{k: note.get(k) for k in ("node", "field", "text", "at")} for note in record.notes()],
        session=session,
        marks=[record.start, *record.events],
    )
    call.resumed(
        {
            "kept": result.replayed,
            "dropped": [{"node": m.node, "field": m.field, "reason": m.reason} for m in result.misfits],
            "flow_path": loaded.path,
            "flow_sha256": sha,
            "flow_changed": changed,
            "agent": session.agent,
            "secrets_given_again": result.asked_again,
            "secrets_not_needed": result.stand_ins,
        }
    )
    if prompter is not None:
        call.warn = warn_on(console)
        prompter.on_note = call.noted
        prompter.clock = call
        prompter.review = True
        prompter.end_key = True
        front: Any = _Resumed(prompter, call)
        drive_call(session, front, call, console=console, save=True, as_json=as_json, live=True)
    else:
        from callflow.call.scripted import ScriptedFrontEnd

        assert answer_set is not None
        drive_call(session, ScriptedFrontEnd(answer_set), call, console=None, save=True, as_json=as_json, live=False)


def _from_file(answer_set: AnswerSet | None, prompt: Prompt, *, use: bool) -> object | None:
    """The file's next answer to the prompt's question (a secret the replay
    needs), or just mark it used (the journal gave it), so that questions
    asked more than once take the right one of their list."""
    from callflow.flow.errors import AnswersError

    if answer_set is None or prompt.field_id not in answer_set.answers:
        return None
    try:
        value = answer_set.next_for(prompt)[0]
    except AnswersError:
        return None
    return value if use else None


def _use_up(answer_set: AnswerSet | None, prompt: Prompt) -> None:
    _from_file(answer_set, prompt, use=False)


def _started_at(record: JournalRecord) -> str:
    from datetime import datetime

    given = record.start.get("started_at")
    if isinstance(given, str):
        return given
    try:
        return datetime.fromisoformat(record.started_at).replace(microsecond=0).isoformat()
    except ValueError:
        return record.started_at


def _header(record: JournalRecord, loaded: LoadedFlow) -> Any:
    from rich.text import Text

    from callflow.terminal.sessionlist import local_time, stopped_words

    text = Text()
    text.append(f"Resuming session {record.session_id}", style="bold")
    text.append(f"  ·  {loaded.flow.title}  ·  started {local_time(record.started_at)}")
    count = len(record.answers())
    text.append(f"  ·  {count} answer{'s' if count != 1 else ''}")
    if record.stopped:
        text.append(f"  ·  {stopped_words(record.stopped)}", style="dim")
    return text


def _confirm(prompter: LivePrompter | None, yes: bool, question: str, go_on: str) -> None:
    if yes:
        return
    if prompter is None:
        fail(f"{NOT_RESUMED} {question} Add --yes to go on without being asked.", ExitCode.PROBLEMS)
    if not prompter.choose(question, go_on, "Quit: leave the session as it is"):
        fail(NOT_RESUMED, ExitCode.PROBLEMS)


def _ask_agent(prompter: LivePrompter) -> str:
    from callflow.terminal.prompter import SaveAndQuit

    try:
        return prompter.ask_agent()
    except SaveAndQuit:
        fail(NOT_RESUMED, ExitCode.INTERRUPTED)


def _secret_asker(prompter: LivePrompter) -> Any:
    from rich.text import Text

    from callflow.call.driver import BACK

    def ask(session: Session, prompt: Prompt) -> object:
        prompter.console.print(
            Text(
                f"  The call needs the secret '{prompt.question.prompt}' ({prompt.node_id}) again: "
                "secrets are never saved.",
                style="bold",
            )
        )
        while True:
            reply = prompter.ask(session, prompt)
            if reply is not BACK:
                return reply
            prompter.console.print(Text("  This answer is needed to go on (Ctrl-C quits).", style="yellow"))

    return ask


def _report(result: Replay, console: Any) -> None:
    from rich.text import Text

    replayed = result.replayed
    console.print(Text(f"  Replayed {replayed} answer{'s' if replayed != 1 else ''} from the journal.", style="green"))
    if result.stand_ins:
        console.print(
            Text(
                f"  Secret(s) not saved and not needed by any step: {', '.join(result.stand_ins)} "
                "(shown as redacted, as always).",
                style="dim",
            )
        )
    if result.misfits:
        console.print(Text(f"  ✗ {len(result.misfits)} answer(s) no longer fit the changed flow:", style="bold red"))
        for misfit in result.misfits:
            console.print(Text(f"    {misfit.line()}"))


class _Resumed:
    """The live prompter, whose first screen recalls the call so far: the
    answers given, the notes, and the current step from its beginning."""

    def __init__(self, prompter: LivePrompter, call: Any) -> None:
        self.prompter = prompter
        self.call = call
        self._first = True

    def show(
        self, session: Session, events: Sequence[Event], *, again: bool = False, moved: Moved | None = None
    ) -> None:
        if self._first:
            self._first = False
            from callflow.terminal.sessionlist import recap_renderable

            self.prompter.console.print(recap_renderable(session, self.call.notes))
            events = session.node_so_far()
        self.prompter.show(session, events, again=again, moved=moved)

    def ask(self, session: Session, prompt: Prompt) -> object:
        return self.prompter.ask(session, prompt)

    def confirm_end(self, session: Session) -> object:
        return self.prompter.confirm_end(session)

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        self.prompter.rejected(session, prompt, message)
