"""What the screen says when the call moves back: a back (Esc) or a change
of an earlier answer (Ctrl-R).

It names what was undone or changed (`↩ Undid D-2-8 payment method =
Online: …; removed: payment $65.50`) and then shows the node as it now
stands, from its header, so that nothing undone above looks current.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.console import Console
from rich.text import Text

from callflow.call.driver import Moved, Undo
from callflow.call.engine import Session
from callflow.call.events import (
    Answered,
    Computed,
    Event,
    FollowUp,
    LineAdded,
    Notified,
    PastDueSet,
    PaymentTaken,
    RefundGiven,
    TicketSet,
)
from callflow.call.revise import Change
from callflow.flow.money import format_money
from callflow.flow.procedures import shown
from callflow.terminal.screen import MONEY_EVENTS, SECRET_WORDS, amounts_line, answer_words, hanging, show_events, words


def field_words(field_id: str) -> str:
    return field_id.replace("_", " ")


def removed_words(events: Sequence[Event], currency: str) -> list[str]:
    """What an undone answer had brought: invoice lines, payments, ticket fields..."""
    def money(amount: Decimal) -> str:
        return format_money(amount, currency)

    parts: list[str] = []
    for event in events:
        if isinstance(event, LineAdded):
            line = event.line
            parts.append(f"{line.code or line.name} {money(line.amount)}")
        elif isinstance(event, PastDueSet):
            parts.append(f"past due {money(event.amount)}")
        elif isinstance(event, PaymentTaken):
            parts.append(f"payment {money(event.amount)}")
        elif isinstance(event, RefundGiven):
            parts.append(f"refund {money(event.amount)}")
        elif isinstance(event, TicketSet):
            parts.append("ticket " + ", ".join(v.label for v in event.values))
        elif isinstance(event, Notified):
            parts.append(f"notify {event.to}")
        elif isinstance(event, FollowUp):
            parts.append("a follow-up")
        elif isinstance(event, Computed):
            parts.append(event.name)
    return parts


def _what(session: Session, answer: Answered) -> str:
    question = session.index.questions.get(answer.field_id)
    return f"{shown(answer.node_id)} {field_words(answer.field_id)} = {answer_words(question, answer, session.today)}"


def undone_text(session: Session, undo: Undo) -> Text:
    frame = undo.frame
    if frame is None or frame.answer is None:
        return Text("  ↩ Nothing to undo: this is the first question.", style="bold yellow")
    text = f"  ↩ Undid {_what(session, frame.answer)}"
    removed = removed_words(frame.events, session.flow.currency)
    if removed:
        text += f"; removed: {', '.join(removed)}"
    return words((text, "bold yellow"))


def changed_text(session: Session, change: Change) -> Text:
    question = session.index.questions.get(change.new.field_id)
    old = SECRET_WORDS if change.old.secret else answer_words(question, change.old, session.today)
    new = answer_words(question, change.new, session.today)
    text = f"  ✎ Changed {shown(change.new.node_id)} {field_words(change.new.field_id)}: {old} → {new}"
    if change.unchanged:
        text = f"  ✎ Kept {_what(session, change.new)} as it was"
    later = len(change.kept) + len(change.offered)
    if later:
        text += f"; {len(change.kept)} of the {later} later answers given again"
        if change.offered:
            text += f", the other {len(change.offered)} offered when their questions come"
    return words((text, "bold yellow"))


def show_move(console: Console, session: Session, moved: Moved | None) -> None:
    """The node as it now stands, then (just above the prompt, where it is
    read) the line naming the move."""
    if isinstance(moved, Undo) and moved.frame is None:
        console.print(undone_text(session, moved))
        return
    events = session.node_so_far()
    show_events(console, events, session.flow.currency, totals=session.totals, today=session.today.isoformat())
    if isinstance(moved, Change):
        said, removed_money = changed_text(session, moved), True
    elif isinstance(moved, Undo):
        said = undone_text(session, moved)
        removed_money = moved.frame is not None and any(isinstance(e, MONEY_EVENTS) for e in moved.frame.events)
    else:
        said, removed_money = Text("  ↩ Back: the last answer was undone", style="bold yellow"), False
    if removed_money and not session.ended and not any(isinstance(e, MONEY_EVENTS) for e in events):
        console.print(amounts_line(session.totals, session.flow.currency))
    console.print(hanging(said))
