"""Sessions on screen: the list of sessions (within the terminal's width), and the recap shown on resuming."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from callflow.call.summary import REDACTED
from callflow.flow.controls import visible
from callflow.flow.money import format_money
from callflow.record.sessions import ENDED, RECEIPT_MISSING
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


def outcome_text(info: SessionInfo) -> tuple[str, str]:
    """The Outcome column: how an ended call ended, or where an unfinished one stands; and its style."""
    if info.status == ENDED:
        return (info.outcome or "").replace("_", " ") or "ended", "green"
    if info.status == RECEIPT_MISSING:
        outcome = (info.outcome or "").replace("_", " ")
        return "receipt missing" + (f" ({outcome})" if outcome else ""), "bold red"
    if info.open:
        detail = "open now"
    elif info.stopped:
        detail = stopped_words(info.stopped)
    else:
        detail = "stopped unexpectedly"
    return f"in progress · {detail}", "bold yellow"


def total_text(info: SessionInfo) -> str:
    if info.total is None:
        return "—"
    try:
        return format_money(Decimal(info.total), info.currency or "USD")
    except (InvalidOperation, ValueError):
        return visible(info.total)


def _cut(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    while text and cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, width: int) -> list[str]:
    """Text in a column of `width`: whole words where they fit, cut where one is longer."""
    lines: list[str] = []
    for line in textwrap.wrap(text, width=max(1, width), break_long_words=True, break_on_hyphens=False) or [""]:
        lines.append(line)
    return lines


INDENT = 8  # the second line of an entry starts under Started


def sessions_lines(infos: Sequence[SessionInfo], width: int) -> list[Text]:
    """`callflow sessions list` in two lines per call, within `width` columns:

        Session  Started           Agent  Flow
                 Last node  Outcome                         Ticket   Total
        3fc991   2026-11-23 14:05  Dana   anything-computers-intake
                 D-2-9      transferred to remote agent     T-2001   $65.50

    The flow id is never cut (it goes on as wide as the line allows and
    folds only beyond it); an agent's name longer than 12 is shortened."""
    width = max(width, 40)
    started = [local_time(i.started_at) for i in infos]
    agents = [_cut(visible(i.agent or "—"), 12) for i in infos]
    nodes = [_cut(visible(node_words(i.node) if i.node else "—"), 16) for i in infos]
    tickets = [_cut(visible(i.ticket_number or "—"), 14) for i in infos]
    totals = [total_text(i) for i in infos]
    outcomes = [outcome_text(i) for i in infos]
    w_start = max([len("Started"), *(cell_len(t) for t in started)])
    w_agent = max([len("Agent"), *(cell_len(a) for a in agents)])
    w_node = max([len("Last node"), *(cell_len(n) for n in nodes)])
    w_ticket = max([len("Ticket"), *(cell_len(t) for t in tickets)])
    w_total = max([len("Total"), *(cell_len(t) for t in totals)])
    w_flow = max(10, width - INDENT - w_start - 2 - w_agent - 2)
    w_outcome = max(10, width - INDENT - w_node - 2 - 2 - w_ticket - 2 - w_total)
    w_outcome = min(w_outcome, max([len("Outcome"), *(cell_len(o) for o, _ in outcomes)]))

    def row(first: list[tuple[str, int, str]], indent: str = "") -> Text:
        line = Text(indent)
        for i, (text, column, style) in enumerate(first):
            if i:
                line.append("  ")
            right = column < 0
            column = abs(column)
            shown = text.rjust(column) if right else (text.ljust(column) if i < len(first) - 1 else text)
            line.append(shown, style=style)
        line.rstrip()
        return line

    lines = [
        row([("Session", INDENT - 2, "bold"), ("Started", w_start, "bold"), ("Agent", w_agent, "bold"), ("Flow", 0, "bold")]),
        row(
            [("Last node", w_node, "bold"), ("Outcome", w_outcome, "bold"), ("Ticket", w_ticket, "bold"), ("Total", -w_total, "bold")],
            " " * INDENT,
        ),
    ]
    for k, info in enumerate(infos):
        flow = _wrap(visible(info.flow_id), w_flow) if cell_len(info.flow_id) > w_flow else [visible(info.flow_id)]
        lines.append(
            row([(info.short, INDENT - 2, "bold cyan"), (started[k], w_start, ""), (agents[k], w_agent, ""), (flow[0], 0, "")])
        )
        lines += [row([(more, 0, "")], " " * (width - w_flow)) for more in flow[1:]]
        said, style = outcomes[k]
        wrapped = _wrap(said, w_outcome)
        lines.append(
            row(
                [(nodes[k], w_node, ""), (wrapped[0], w_outcome, style), (tickets[k], w_ticket, ""), (totals[k], -w_total, "")],
                " " * INDENT,
            )
        )
        lines += [row([(more, 0, style)], " " * (INDENT + w_node + 2)) for more in wrapped[1:]]
    return lines


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
