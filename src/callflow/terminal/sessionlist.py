"""Sessions on screen: the list of sessions, and the recap shown on resuming."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from callflow.call.summary import REDACTED
from callflow.record.wording import node_words
from callflow.terminal.screen import words

if TYPE_CHECKING:
    from callflow.call.engine import Session
    from callflow.record.sessions import SessionInfo

STOPPED_WORDS = {
    "ctrl-c": "saved with Ctrl-C",
    "SIGHUP": "terminal closed",
    "SIGTERM": "stopped (SIGTERM)",
    "input closed": "input closed",
    "error": "stopped by an error",
}
STATUS_STYLES = {"in progress": "bold yellow", "ended": "green", "receipt missing": "bold red"}


def local_time(iso: str) -> str:
    """A journal time (UTC) as the director's local time, to the minute."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso or "—"


def stopped_words(reason: str | None) -> str:
    if not reason:
        return ""
    return STOPPED_WORDS.get(reason, reason)


def status_text(info: SessionInfo) -> Text:
    text = words((info.status, STATUS_STYLES.get(info.status, "")))
    if info.open:
        detail = "open now"
    elif info.stopped:
        detail = stopped_words(info.stopped)
    elif info.status == "in progress":
        detail = "stopped unexpectedly"
    else:
        detail = (info.outcome or "").replace("_", " ")
    if detail:
        text.append_text(words((f"\n{detail}", "dim")))
    return text


def sessions_table(infos: Sequence[SessionInfo]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Session", no_wrap=True)
    table.add_column("Flow", overflow="fold")
    table.add_column("Started", no_wrap=True)
    table.add_column("Last step")
    table.add_column("Status")
    for info in infos:
        step = words(node_words(info.node) if info.node else "—")
        if info.field:
            step.append_text(words((f" {info.field}", "dim")))
        step.append(f"\n{info.answers} answer{'s' if info.answers != 1 else ''}", style="dim")
        table.add_row(words(info.session), words(info.flow_id), local_time(info.started_at), step, status_text(info))
    return table


def recap_renderable(session: Session, notes: Sequence[dict[str, Any]]) -> Group:
    """The call so far: each answer standing, and the notes taken."""
    parts: list[Any] = [Rule(Text("The call so far", style="bold"), align="left", style="cyan")]
    answers = session.answers()
    if answers:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="cyan", no_wrap=True)
        table.add_column(style="dim")
        table.add_column()
        for answer in answers:
            table.add_row(
                words(node_words(answer.node_id)), words(answer.prompt), words(REDACTED if answer.secret else answer.display)
            )
        parts.append(table)
    else:
        parts.append(Text("  No answers yet.", style="dim"))
    for note in notes:
        parts.append(words(("  ✎ Note ", "blue"), (f"({node_words(str(note.get('node') or ''))}): ", "dim"), str(note.get("text"))))
    return Group(*parts)
