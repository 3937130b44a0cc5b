"""What the director sees: each step as it comes.

All flow text and answers go through `rich.text.Text` (never markup, so a
`[bold]` in a flow file is shown as written) and through `visible` (so a
control character shows as a mark such as ␛ and cannot drive the terminal).
Node ids are shown as written (`pay/P-1`, never the expanded `X/pay/P-1`);
the end-of-call summary is in callflow.terminal.summaryview.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from callflow.call.events import (
    Answered,
    Computed,
    Ended,
    Event,
    FollowUp,
    InvoiceLine,
    Limited,
    LineAdded,
    NodeEntered,
    Noted,
    Notified,
    PastDueSet,
    PaymentTaken,
    RefundGiven,
    Said,
    TicketSet,
    ToDo,
)
from callflow.flow.controls import visible
from callflow.flow.dates import calendar_day
from callflow.flow.fields import InputField
from callflow.flow.money import format_money
from callflow.flow.procedures import LEVEL, PART, call_site, shown
from callflow.record.wording import due_words, outcome_words, price_words, quantity_words

if TYPE_CHECKING:
    from callflow.call.actions import Totals
    from callflow.call.engine import Session
    from callflow.flow.index import Question

Part = str | tuple[str, str]
MONEY_EVENTS = (LineAdded, PastDueSet, PaymentTaken, RefundGiven)


def words(*parts: Part) -> Text:
    """A line of text from (text, style) parts, every part made visible."""
    line = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        line.append(visible(text), style=style)
    return line


# -- where the call is -----------------------------------------------------------


def node_header(event: NodeEntered) -> Any:
    """The rule naming the node as written, and where a procedure was called from."""
    title = Text()
    title.append(visible(shown(event.node_id)), style="bold cyan")
    place = " › ".join(p for p in (event.section, event.title) if p)
    if place:
        title.append(f"  {visible(place)}", style="bold")
    if event.role:
        title.append(f"  ·  {visible(event.role)}", style="dim")
    rule = Rule(title, align="left", style="cyan")
    context = node_context(event)
    return rule if context is None else Group(rule, words(("  " + context, "dim cyan")))


def node_context(event: NodeEntered) -> str | None:
    """`↳ called from ESCALATE` inside a procedure; `↩ back in ESCALATE after
    pay` where a node goes on after a procedure it called."""
    node_id = event.node_id
    said: list[str] = []
    last = node_id.rsplit(LEVEL, 1)[-1]
    if PART in last:
        base = node_id.rsplit(PART, 1)[0]
        came = event.via.node_id if event.via is not None else ""
        after = came[len(base) + 1 :].split(LEVEL)[0] if came.startswith(base + LEVEL) else None
        said.append(f"↩ back in {shown(node_id)}" + (f" after {after}" if after else ""))
    site = call_site(node_id)
    if site is not None:
        said.append(f"↳ called from {site}")
    return "  ·  ".join(said) or None


# -- one event ---------------------------------------------------------------------


def invoice_line(line: InvoiceLine, currency: str) -> Text:
    """`+ Invoice: FEE – Restocking fee  2 × $9.00 = $18.00`, a credit with
    `−` and its negative amount, billed time as hours × rate."""
    sign, label, style = {
        "credit": ("  − ", "Credit: ", "bold magenta"),
        "time": ("  + ", "Time: ", "magenta"),
    }.get(line.kind, ("  + ", "Invoice: ", "magenta"))
    name = f"{line.code} – {line.name}" if line.code else line.name
    amount = format_money(line.amount, currency)
    if line.unit == "h" or line.quantity != 1:
        count = quantity_words(line.quantity, line.unit)
        breakdown = f"{count} × {price_words(line.unit_price, line.unit, currency)} = "
    else:
        breakdown = ""
    return words((sign + label, style), name, "  ", breakdown, (amount, "bold"))


def _paid(title: str, style: str, amount: Decimal, method: str | None, note: str | None, currency: str) -> Text:
    text = words((title, style), (format_money(amount, currency), "bold"))
    if method:
        text.append_text(words(f" — {method}"))
    if note:
        text.append_text(words((f" ({note})", "dim")))
    return text


def hanging(line: Text, indent: int = 4) -> Table:
    """A marked line (`  ☐ ...`) whose words wrap under the words, not under the mark."""
    grid = Table.grid()
    grid.add_column(width=indent, no_wrap=True)
    grid.add_column()
    grid.add_row(line[:indent], line[indent:])
    return grid


def event_renderable(event: Event, currency: str, today: str | None = None) -> Any:
    """One event as a rich renderable (None for events shown elsewhere)."""
    shown_as = _renderable(event, currency, today)
    if isinstance(shown_as, Text) and not isinstance(event, Ended):
        return hanging(shown_as, 2 if isinstance(event, Answered) else 4)
    return shown_as


def _renderable(event: Event, currency: str, today: str | None) -> Any:
    if isinstance(event, NodeEntered):
        return node_header(event)
    if isinstance(event, Said):
        return say_panel([event.text])
    if isinstance(event, ToDo):
        return words(("  ☐ ", "yellow"), event.text)
    if isinstance(event, Noted):
        return words(("  ℹ ", "blue"), (event.text, "italic"))
    if isinstance(event, Computed):
        return words((f"  = {event.name}: ", "dim"), (event.display or "—", "dim bold"))
    if isinstance(event, TicketSet):
        table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        table.add_column(style="dim")
        table.add_column()
        for value in event.values:
            table.add_row(words(value.label), words(value.value or "—"))
        return Group(Text("  Ticket fields:", style="magenta"), Panel(table, box=box.SIMPLE, padding=(0, 3)))
    if isinstance(event, LineAdded):
        return invoice_line(event.line, currency)
    if isinstance(event, PastDueSet):
        return words(("  + Past due balance: ", "magenta"), (format_money(event.amount, currency), "bold"))
    if isinstance(event, PaymentTaken):
        return _paid("  ✔ Payment recorded: ", "green", event.amount, event.method, event.note, currency)
    if isinstance(event, RefundGiven):
        return _paid("  ↺ Refund paid back: ", "bold magenta", event.amount, event.method, event.note, currency)
    if isinstance(event, Limited):
        return words((f"  ⟳ {shown(event.node_id)} reached {event.times} times: going to {shown(event.then)}", "bold yellow"))
    if isinstance(event, Notified):
        return words(("  ✉ Notify ", "yellow"), (event.to, "bold"), f": {event.message}" if event.message else "")
    if isinstance(event, FollowUp):
        text = words(("  ↻ Follow-up: ", "yellow"), event.text)
        who = [visible(event.owner)] if event.owner else []
        due = due_words(event.due, today)
        if due:
            who.append(f"due {due}")
        if who:
            text.append_text(words(" — ", (", ".join(who), "bold")))
        return text
    if isinstance(event, Ended):
        return words(("\n  ● Call ends: ", "bold green"), (outcome_words(event.outcome), "bold"))
    if isinstance(event, Answered):
        return answered_line(event.prompt, "[secret]" if event.secret else event.display or "(skipped)")
    return None


SECRET_WORDS = "[secret]"


def answer_words(question: Question | None, answer: Answered, today: date) -> str:
    """An answer as the record keeps it: a card number masked, a secret as
    [secret], a date with its weekday, money and times as callflow reads them."""
    if answer.secret:
        return SECRET_WORDS
    if not answer.display:
        return "(skipped)"
    if isinstance(question, InputField) and question.type == "date" and isinstance(answer.value, str):
        day = calendar_day(answer.value)
        if day is not None:
            when = due_words(answer.value, today.isoformat()) or answer.value
            return f"{day:%a %d %b %Y}" + when[len(answer.value) :]
    return answer.display


def answered_line(prompt: str, answer: str, *, check: bool = False) -> Text:
    """A question as answered: `? Existing member?  Yes` (a checklist item:
    `☐ Log the return — done?  Not done: sheet is locked`)."""
    if check:
        return words(("☐ ", "yellow"), (f"{prompt} — done?", "bold"), "  ", (answer, "bold cyan"))
    return words(("? ", "bold cyan"), (prompt, "bold"), "  ", (answer, "bold cyan"))


def say_panel(texts: Sequence[str]) -> Panel:
    """Words said one after another go in one panel, a blank line apart."""
    # A Text title: a str title would be parsed as markup (and load rich's emoji table).
    return Panel(
        Text(visible("\n\n".join(texts))), title=Text("Say"), title_align="left", border_style="green", box=box.ROUNDED
    )


def amounts_line(totals: Totals, currency: str) -> Text:
    """Where the invoice stands: `Invoice now: total $339.06 · paid $500.00 · due $0.00`."""
    money = [("total", totals.total, True)]
    if totals.paid:
        money.append(("paid", totals.paid, False))
    if totals.refunded:
        money.append(("refunded", totals.refunded, False))
    money.append(("due", totals.due, True))
    if totals.refund_due:
        money.append(("refund due", totals.refund_due, True))
    text = Text("  Invoice now: ", style="dim")
    for i, (name, amount, bold) in enumerate(money):
        if i:
            text.append(" · ", style="dim")
        text.append(f"{name} ", style="dim")
        text.append(format_money(amount, currency), style="bold" if bold else "")
    return text


def show_events(
    console: Console,
    events: Sequence[Event],
    currency: str,
    *,
    again: bool = False,
    totals: Totals | None = None,
    today: str | None = None,
) -> None:
    """Print what an answer brought; with `totals`, where the invoice stands
    after any line, payment or refund among the events."""
    if again:
        console.print(Text("  ↩ Back: the last answer was undone", style="bold yellow"))
    said: list[str] = []
    for event in events:
        if isinstance(event, Said):
            said.append(event.text)
            continue
        if said:
            console.print(say_panel(said))
            said = []
        if isinstance(event, NodeEntered):
            console.print()
        renderable = event_renderable(event, currency, today)
        if renderable is not None:
            console.print(renderable)
    if said:
        console.print(say_panel(said))
    ends = any(isinstance(e, Ended) for e in events)  # the summary follows and says it all
    if totals is not None and not ends and any(isinstance(e, MONEY_EVENTS) for e in events):
        console.print(amounts_line(totals, currency))


def show_session_events(console: Console, session: Session, events: Sequence[Event], *, again: bool = False) -> None:
    """show_events with the session's currency, amounts and date."""
    show_events(console, events, session.flow.currency, again=again, totals=session.totals, today=session.today.isoformat())
