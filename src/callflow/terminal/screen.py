"""What the director sees: each step as it comes, and the summary at the end.

All flow text goes through `rich.text.Text`, never markup, so a `[bold]` in a
flow file is shown as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from callflow.call.events import (
    Ended,
    Event,
    FollowUp,
    LineAdded,
    NodeEntered,
    Noted,
    Notified,
    PastDueSet,
    PaymentTaken,
    Said,
    TicketSet,
    ToDo,
)
from callflow.flow.money import format_money
from callflow.record.wording import duration_words, money_text, outcome_words


def node_header(event: NodeEntered) -> Rule:
    title = Text()
    title.append(event.node_id, style="bold cyan")
    place = " › ".join(p for p in (event.section, event.title) if p)
    if place:
        title.append(f"  {place}", style="bold")
    if event.role:
        title.append(f"  ·  {event.role}", style="dim")
    return Rule(title, align="left", style="cyan")


def event_renderable(event: Event, currency: str) -> Any:
    """One event as a rich renderable (None for events shown elsewhere)."""
    if isinstance(event, NodeEntered):
        return node_header(event)
    if isinstance(event, Said):
        return say_panel([event.text])
    if isinstance(event, ToDo):
        return Text.assemble(("  ☐ ", "yellow"), (event.text, ""))
    if isinstance(event, Noted):
        return Text.assemble(("  ℹ ", "blue"), (event.text, "italic"))
    if isinstance(event, TicketSet):
        table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
        table.add_column(style="dim")
        table.add_column()
        for value in event.values:
            table.add_row(value.label, value.value or "—")
        return Group(Text("  Ticket fields:", style="magenta"), Panel(table, box=box.SIMPLE, padding=(0, 3)))
    if isinstance(event, LineAdded):
        line = event.line
        qty = f" × {line.quantity}" if line.quantity != 1 else ""
        return Text.assemble(
            ("  + Invoice: ", "magenta"),
            f"{line.code} – {line.name}{qty}  ",
            (format_money(line.amount, currency), "bold"),
        )
    if isinstance(event, PastDueSet):
        return Text.assemble(("  + Past due balance: ", "magenta"), (format_money(event.amount, currency), "bold"))
    if isinstance(event, PaymentTaken):
        text = Text.assemble(("  ✔ Payment recorded: ", "green"), (format_money(event.amount, currency), "bold"))
        if event.method:
            text.append(f" — {event.method}")
        if event.note:
            text.append(f" ({event.note})", style="dim")
        return text
    if isinstance(event, Notified):
        return Text.assemble(("  ✉ Notify ", "yellow"), (event.to, "bold"), f": {event.message}" if event.message else "")
    if isinstance(event, FollowUp):
        return Text.assemble(("  ↻ Follow-up: ", "yellow"), event.text)
    if isinstance(event, Ended):
        return Text.assemble(("\n  ● Call ends: ", "bold green"), (outcome_words(event.outcome), "bold"))
    return None


def say_panel(texts: Sequence[str]) -> Panel:
    """Words said one after another go in one panel, a blank line apart."""
    # A Text title: a str title would be parsed as markup (and load rich's emoji table).
    return Panel(Text("\n\n".join(texts)), title=Text("Say"), title_align="left", border_style="green", box=box.ROUNDED)


def show_events(console: Console, events: Sequence[Event], currency: str, *, again: bool = False) -> None:
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
        renderable = event_renderable(event, currency)
        if renderable is not None:
            console.print(renderable)
    if said:
        console.print(say_panel(said))


def summary_renderable(data: dict[str, Any], saved: Sequence[str] = ()) -> Group:
    """The end-of-call summary for the screen."""
    parts: list[Any] = [Rule(Text("Call summary", style="bold"), style="green")]
    head = Table(box=None, show_header=False, padding=(0, 2))
    head.add_column(style="dim")
    head.add_column()
    head.add_row("Flow", Text(data["flow"]["title"]))
    if data.get("session"):
        head.add_row("Session", Text(str(data["session"])))
    head.add_row("Agent", Text(data.get("agent") or "—"))
    if data.get("duration_seconds") is not None:
        head.add_row("Duration", duration_words(data["duration_seconds"]))
    head.add_row("Outcome", Text(outcome_words(data.get("outcome")), style="bold"))
    head.add_row("Path", Text(" → ".join(data["path"])))
    parts.append(head)

    ticket = data["ticket"]
    if ticket["started"]:
        table = Table(title="Ticket", title_justify="left", box=box.SIMPLE_HEAVY, show_header=False)
        table.add_column(style="dim")
        table.add_column()
        for field in ticket["fields"]:
            table.add_row(Text(field["label"]), Text(field["value"] or "—"))
        parts.append(table)
        if ticket["missing"]:
            parts.append(Text(f"  Missing required ticket fields: {', '.join(ticket['missing'])}", style="bold red"))
    else:
        parts.append(Text("No ticket was created.", style="dim"))

    invoice = data["invoice"]
    if invoice["lines"] or invoice["past_due"] != "0.00":
        table = Table(title=f"Invoice ({invoice['currency']})", title_justify="left", box=box.SIMPLE_HEAVY)
        table.add_column("Code")
        table.add_column("Item")
        table.add_column("Qty", justify="right")
        table.add_column("Price", justify="right")
        table.add_column("Amount", justify="right")
        for line in invoice["lines"]:
            table.add_row(
                Text(line["code"]),
                Text(line["name"]),
                str(line["quantity"]),
                money_text(data, line["unit_price"]),
                money_text(data, line["amount"]),
            )
        if invoice["past_due"] != "0.00":
            table.add_row("", "Past due balance", "", "", money_text(data, invoice["past_due"]))
        table.add_section()
        table.add_row("", Text("Total", style="bold"), "", "", Text(money_text(data, invoice["total"]), style="bold"))
        table.add_row("", "Paid", "", "", money_text(data, invoice["paid"]))
        table.add_row("", "Due", "", "", money_text(data, invoice["due"]))
        parts.append(table)
    else:
        parts.append(Text("Nothing was invoiced.", style="dim"))

    for title, rows in (
        (
            "Payments",
            [
                f"{money_text(data, p['amount'])}"
                + (f" — {p['method']}" if p.get("method") else "")
                + (f" ({p['note']})" if p.get("note") else "")
                for p in data["payments"]
            ],
        ),
        ("Notifications", [n["to"] + (f": {n['message']}" if n.get("message") else "") for n in data["notifications"]]),
        ("Follow-ups", [f["text"] for f in data["follow_ups"]]),
        ("Notes", [f"{n['text']} ({n['node']})" for n in data.get("notes", [])]),
    ):
        if rows:
            parts.append(Text(title, style="bold"))
            parts.extend(Text(f"  • {row}") for row in rows)
    if saved:
        parts.append(Text("Saved: " + ", ".join(saved), style="dim"))
    return Group(*parts)
