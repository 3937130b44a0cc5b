"""`callflow sessions list` and `callflow sessions export ID`: the calls kept
in the sessions folder, and their receipts written again from the journal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from callflow.commands._common import FormatOption, JsonAlias, TextOrJson, user_errors
from callflow.commands._live import MovedFlow, ReceiptsDir, SessionsDir

SessionArgument = Annotated[
    str, typer.Argument(metavar="SESSION", help="The session id, or its start or end.", show_default=False)
]

HELP = """The calls kept in the sessions folder: list them, show a receipt, or write it again.

Every live call keeps a journal in <sessions dir>/journal/. A call is
'in progress' until it ends (`callflow resume` goes on with it), 'ended'
once its receipt is written, and 'receipt missing' when it ended but the
receipt could not be written (`callflow sessions export ID` writes it).
"""

LIST_HELP = """List the sessions, newest first, two lines each (fits 80 columns):
the end of the id (what `callflow resume` and `sessions show` take), when it
started, the agent, the flow; then the node where the call stands or ended,
its outcome (or why an unfinished call stopped: saved with Ctrl-C, terminal
closed, open now), the ticket number and the invoice total.

A call stopped before anything was recorded (no answer, no note) is left out
unless --all. --agent, --flow, --since and --status keep only the calls that
match; --format json prints them for other programs (docs/sessions.md).

Exit codes: 0; 2 usage (an unknown status or a --since that is not a date).
"""

SHOW_HELP = """Print a session's receipt as plain text (aligned `Label: value` lines),
ready to copy into a ticketing system that shows text as it is.

For an ended call it is the receipt journalled at its end; a call that has
not ended is replayed through its flow and shows the call so far (a note on
stderr says so). Nothing is written.

Exit codes: 0; 2 no such session; 3 the flow file cannot be read (only for a
call that has not ended).
"""

EXPORT_HELP = """Write a session's receipt (JSON, Markdown and plain text) again from its journal.

For an ended call the receipt is the one journalled at its end, exactly; a
call that has not ended is replayed through its flow and its receipt shows
the call so far. The same call's receipt already in the folder, whole or in
part, is rewritten under its own name (one call, one receipt); another
session's receipt is never overwritten. Use it when the receipts folder was
unwritable or full at the end of the call.

Exit codes: 0 written; 2 no such session; 3 the flow file cannot be read
(only for a call that has not ended); 5 the receipt could not be written.
"""

app = typer.Typer(
    name="sessions",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


STATUS_CHOICES = {"in-progress": "in progress", "ended": "ended", "receipt-missing": "receipt missing"}


@app.command("list", help=LIST_HELP)
def list_command(
    sessions_dir: SessionsDir = Path("sessions"),
    limit: Annotated[int, typer.Option("--limit", min=0, help="Show at most this many (0: all).")] = 20,
    agent: Annotated[str | None, typer.Option("--agent", help="Only the calls of this agent (any case).")] = None,
    flow: Annotated[
        str | None, typer.Option("--flow", help="Only the calls of this flow (its id, or its file's name).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only the calls started since: YYYY-MM-DD, YYYY-MM-DDTHH:MM, today, yesterday or 7d."),
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Only the calls in progress, ended or with their receipt missing.")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Also the calls stopped before anything was recorded.")
    ] = False,
    output_format: FormatOption = TextOrJson.text,
    as_json: JsonAlias = False,
) -> None:
    import json
    import sys

    from callflow.commands._common import fail
    from callflow.flow.errors import ExitCode
    from callflow.record.sessions import LIST_FORMAT, Wanted, list_sessions

    with user_errors():
        if status is not None and status not in STATUS_CHOICES:
            fail(f"--status {status}: use {', '.join(STATUS_CHOICES)}", ExitCode.USAGE)
        wanted = Wanted(
            agent=agent,
            flow=flow,
            since=_since(since) if since is not None else None,
            status=STATUS_CHOICES[status] if status is not None else None,
            everything=everything,
        )
        infos, unreadable = list_sessions(sessions_dir, limit=limit or None, wanted=wanted)
        for problem in unreadable:
            print(f"warning: {problem}", file=sys.stderr)
        if as_json or output_format is TextOrJson.json:
            data = {"format": "callflow-sessions", "format_version": LIST_FORMAT, "sessions": [i.to_dict() for i in infos]}
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            return
        if not infos:
            print(f"No sessions in {sessions_dir}." if wanted == Wanted() or everything else f"No sessions in {sessions_dir} match.")
            return
        from rich.console import Console

        from callflow.terminal.sessionlist import sessions_lines

        console = Console(highlight=False)
        for line in sessions_lines(infos, console.width):
            console.print(line, no_wrap=True, overflow="ignore", crop=False)


def _since(text: str) -> datetime:
    """The moment --since names, in local time."""
    import re
    from datetime import timedelta

    from callflow.commands._common import fail
    from callflow.flow.errors import ExitCode

    word = text.strip().casefold()
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    if word == "today":
        return midnight
    if word == "yesterday":
        return midnight - timedelta(days=1)
    days = re.fullmatch(r"(\d{1,4})\s*d(?:ays?)?", word)
    if days:
        return midnight - timedelta(days=int(days[1]))
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"--since {text}: write a date such as 2026-11-23 (or 2026-11-23T14:00, today, yesterday, 7d)", ExitCode.USAGE)
    return moment if moment.tzinfo is not None else moment.astimezone()


@app.command("show", help=SHOW_HELP)
def show_command(
    session_id: SessionArgument,
    sessions_dir: SessionsDir = Path("sessions"),
    flow: MovedFlow = None,
) -> None:
    import sys

    from callflow.record.plaintext import receipt_text

    with user_errors():
        _, _, rebuilt = _rebuilt(sessions_dir, session_id, flow, "note")
        sys.stdout.write(receipt_text(rebuilt.data))


def _rebuilt(sessions_dir: Path, session_id: str, flow: Path | None, label: str) -> tuple[Path, Any, Any]:
    """The session's journal, read, and its receipt rebuilt from it (the
    rebuild's warnings printed on stderr under `label`)."""
    import sys

    from callflow.record.export import rebuild
    from callflow.record.journalread import read_journal
    from callflow.record.sessions import find_session, session_flow

    path = find_session(sessions_dir, session_id)
    record = read_journal(path)
    rebuilt = rebuild(record, lambda: session_flow(record, flow))
    for warning in rebuilt.warnings:
        print(f"{label}: {warning}", file=sys.stderr)
    return path, record, rebuilt


@app.command("export", help=EXPORT_HELP)
def export_command(
    session_id: SessionArgument,
    sessions_dir: SessionsDir = Path("sessions"),
    receipts_dir: ReceiptsDir = None,
    flow: MovedFlow = None,
    output_format: Annotated[
        TextOrJson,
        typer.Option("--format", "-f", help="text, or json: also the receipt on stdout (docs/json-output.md).", case_sensitive=False),
    ] = TextOrJson.text,
    as_json: JsonAlias = False,
) -> None:
    as_json = as_json or output_format is TextOrJson.json
    import json
    import sys

    from callflow.record.journal import Journal, SessionBusy
    from callflow.record.markdown import receipt_markdown
    from callflow.record.plaintext import receipt_text
    from callflow.record.receipts import write_receipts

    with user_errors():
        path, record, rebuilt = _rebuilt(sessions_dir, session_id, flow, "warning")
        folder = receipts_dir if receipts_dir is not None else sessions_dir
        written = write_receipts(
            folder, rebuilt.data, receipt_markdown(rebuilt.data), receipt_text(rebuilt.data), rewrite=True
        )
        if rebuilt.ended:
            try:
                journal = Journal.reopen(path)
            except SessionBusy:
                journal = None
            if journal is not None:
                journal.receipt([str(p) for p in written], exported=True)
                journal.close()
        shown = f"Receipt of session {record.session_id} written: {', '.join(str(p) for p in written)}"
        if as_json:
            print(shown, file=sys.stderr)
            sys.stdout.write(json.dumps(rebuilt.data, indent=2, ensure_ascii=False) + "\n")
        else:
            print(shown)
