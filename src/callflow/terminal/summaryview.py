"""The end-of-call summary on screen, made from the receipt data (so the
screen, the JSON and the Markdown receipt say the same)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from rich import box
from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from callflow.flow.controls import visible
from callflow.record.plaintext import time_words
from callflow.record.wording import (
    ZERO,
    duration_words,
    follow_up_words,
    invoice_totals,
    line_name,
    money_text,
    node_words,
    outcome_words,
    price_words,
    quantity_words,
)
from callflow.terminal.screen import hanging, words


def _head(data: dict[str, Any]) -> Table:
    head = Table(box=None, show_header=False, padding=(0, 2))
    head.add_column(style="dim")
    head.add_column()
    head.add_row("Flow", words(data["flow"]["title"]))
    if data.get("session"):
        head.add_row("Session", words(str(data["session"])))
    head.add_row("Agent", words(data.get("agent") or "—"))
    if data.get("today"):
        head.add_row("Date", words(data["today"]))
    if data.get("duration_seconds") is not None:
        head.add_row("Duration", duration_words(data["duration_seconds"]))
    head.add_row("Outcome", Text(outcome_words(data.get("outcome")), style="bold"))
    head.add_row("Path", words(" → ".join(data["path"])))
    return head


def _ticket(data: dict[str, Any]) -> list[Any]:
    ticket = data["ticket"]
    if not ticket["started"] and not ticket.get("number"):
        return [Text("No ticket was created.", style="dim")]
    table = Table(title="Ticket", title_justify="left", box=box.SIMPLE_HEAVY, show_header=False)
    table.add_column(style="dim")
    table.add_column()
    if ticket.get("number"):
        table.add_row(Text("Ticket number"), words((ticket["number"], "bold")))
    for field in ticket["fields"] if ticket["started"] else []:
        table.add_row(words(field["label"]), words(field["value"] or "—"))
    parts: list[Any] = [table]
    if ticket["missing"]:
        parts.append(words((f"  Missing required ticket fields: {', '.join(ticket['missing'])}", "bold red")))
    return parts


def _invoice(data: dict[str, Any]) -> Any:
    invoice = data["invoice"]
    if not (invoice["lines"] or invoice["past_due"] != ZERO):
        return Text("Nothing was invoiced.", style="dim")
    table = Table(title=f"Invoice ({invoice['currency']})", title_justify="left", box=box.SIMPLE_HEAVY)
    table.add_column("Code")
    table.add_column("Item")
    table.add_column("Qty", justify="right")
    table.add_column("Price", justify="right")
    table.add_column("Amount", justify="right")
    for line in invoice["lines"]:
        unit = line.get("unit")
        credit = line.get("kind") == "credit"
        table.add_row(
            words(line["code"] or ""),
            words((line_name(line), "magenta" if credit else "")),
            quantity_words(line["quantity"], unit),
            price_words(Decimal(line["unit_price"]), unit, invoice["currency"]),
            Text(money_text(data, line["amount"]), style="magenta" if credit else ""),
        )
    if invoice["past_due"] != ZERO:
        table.add_row("", "Past due balance", "", "", money_text(data, invoice["past_due"]))
    table.add_section()
    for label, amount, bold in invoice_totals(invoice):
        style = "bold" if bold else ""
        table.add_row("", Text(label, style=style), "", "", Text(money_text(data, amount), style=style))
    return table


def _money_rows(data: dict[str, Any], rows: Sequence[dict[str, Any]]) -> list[str]:
    return [
        money_text(data, p["amount"])
        + (f" — {visible(p['method'])}" if p.get("method") else "")
        + (f" ({visible(p['note'])})" if p.get("note") else "")
        + f"  at {p['node']}"
        for p in rows
    ]


def _checklist(data: dict[str, Any]) -> list[Text]:
    rows = []
    for item in data.get("checklist", []):
        if item["done"]:
            rows.append(words(("  ☑ ", "green"), item["text"], ("  done", "green")))
        else:
            reason = f": {item['reason']}" if item.get("reason") else ""
            rows.append(words(("  ☒ ", "bold red"), item["text"], (f"  not done{reason}", "bold red")))
    return rows


def saved_words(saved: Sequence[str]) -> str:
    """`sessions/20261123-…-3fc991.json, .md, .txt`: the receipt's files, their one name said once."""
    first = PurePath(saved[0])
    rest = [PurePath(p) for p in saved[1:]]
    if all(p.parent == first.parent and p.stem == first.stem for p in rest):
        return ", ".join([str(first), *(p.suffix for p in rest)])
    return ", ".join(saved)


def summary_renderable(data: dict[str, Any], saved: Sequence[str] = ()) -> Group:
    """The end-of-call summary for the screen."""
    parts: list[Any] = [Rule(Text("Call summary", style="bold"), style="green"), _head(data)]
    parts += _ticket(data)
    parts.append(_invoice(data))
    today = data.get("today")
    checklist = _checklist(data)
    if checklist:
        parts.append(Text("Checklist", style="bold"))
        parts += checklist
    for title, rows in (
        ("Payments", _money_rows(data, data["payments"])),
        ("Refunds", _money_rows(data, data.get("refunds", []))),
        ("Computed values", [f"{v['name']} = {v['display'] or '—'}" for v in data.get("values", [])]),
        ("Notifications", [n["to"] + (f": {n['message']}" if n.get("message") else "") for n in data["notifications"]]),
        ("Follow-ups", [follow_up_words(f, today) for f in data["follow_ups"]]),
        ("Notes", [f"{n['text']} ({node_words(str(n['node']))})" for n in data.get("notes", [])]),
    ):
        if rows:
            parts.append(Text(title, style="bold"))
            parts.extend(hanging(words(f"  • {row}")) for row in rows)
    times = data.get("time_per_node", [])
    if times:
        parts.append(Text("Time per step", style="bold"))
        line = Text("  ")
        for i, entry in enumerate(times):
            if i:
                line.append(" · ", style="dim")
            over = "(expected" in time_words(entry)
            line.append_text(words((f"{entry['node']} ", "cyan"), (time_words(entry), "bold yellow" if over else "")))
        parts.append(hanging(line, 2))
    if saved:
        parts.append(hanging(words(("Saved: " + saved_words(saved), "dim")), 7))
    return Group(*parts)
