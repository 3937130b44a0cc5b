"""`callflow sessions list` and `callflow sessions export ID`: the calls kept
in the sessions folder, and their receipts written again from the journal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callflow.commands._common import user_errors
from callflow.commands._live import MovedFlow, ReceiptsDir, SessionsDir

HELP = """The calls kept in the sessions folder: list them, or write a receipt again.

Every live call keeps a journal in <sessions dir>/journal/. A call is
'in progress' until it ends (`callflow resume` goes on with it), 'ended'
once its receipt is written, and 'receipt missing' when it ended but the
receipt could not be written (`callflow sessions export ID` writes it).
"""

LIST_HELP = """List the sessions, newest first: id, flow, started, last step, answers, status.

The last step is the node (and question) where the call stands, or where it
ended. An unfinished session says why it stopped when it could: saved with
Ctrl-C, terminal closed; 'open now' means a callflow has it open right now.
"""

EXPORT_HELP = """Write a session's receipt (JSON and Markdown) again from its journal.

For an ended call the receipt is the one journalled at its end, exactly; a
call that has not ended is replayed through its flow and its receipt shows
the call so far. The receipt gets a new name (an existing receipt is never
overwritten). Use it when the receipts folder was unwritable or full at the
end of the call.

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


@app.command("list", help=LIST_HELP)
def list_command(
    sessions_dir: SessionsDir = Path("sessions"),
    limit: Annotated[int, typer.Option("--limit", min=0, help="Show at most this many (0: all).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sessions as JSON on stdout.")] = False,
) -> None:
    import json
    import sys

    from callflow.record.sessions import list_sessions

    with user_errors():
        infos, unreadable = list_sessions(sessions_dir, limit=limit or None)
        for problem in unreadable:
            print(f"warning: {problem}", file=sys.stderr)
        if as_json:
            sys.stdout.write(json.dumps([i.to_dict() for i in infos], indent=2, ensure_ascii=False) + "\n")
            return
        if not infos:
            print(f"No sessions in {sessions_dir}.")
            return
        from rich.console import Console

        from callflow.terminal.sessionlist import sessions_table

        Console(highlight=False).print(sessions_table(infos))


@app.command("export", help=EXPORT_HELP)
def export_command(
    session_id: Annotated[str, typer.Argument(help="The session id, or its start or end.", show_default=False)],
    sessions_dir: SessionsDir = Path("sessions"),
    receipts_dir: ReceiptsDir = None,
    flow: MovedFlow = None,
    as_json: Annotated[bool, typer.Option("--json", help="Also print the receipt JSON on stdout.")] = False,
) -> None:
    import json
    import sys

    from callflow.record.export import rebuild
    from callflow.record.journal import Journal, SessionBusy
    from callflow.record.journalread import read_journal
    from callflow.record.markdown import receipt_markdown
    from callflow.record.plaintext import receipt_text
    from callflow.record.receipts import write_receipts
    from callflow.record.sessions import find_session, session_flow

    with user_errors():
        path = find_session(sessions_dir, session_id)
        record = read_journal(path)
        rebuilt = rebuild(record, lambda: session_flow(record, flow))
        for warning in rebuilt.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        folder = receipts_dir if receipts_dir is not None else sessions_dir
        written = write_receipts(folder, rebuilt.data, receipt_markdown(rebuilt.data), receipt_text(rebuilt.data))
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
