"""The Markdown receipt, made from the receipt data (so JSON and Markdown agree)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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


def _cell(text: object) -> str:
    return visible(text if text is not None else "").replace("|", "\\|").replace("\n", "<br>")


def _line(text: object) -> str:
    """One list item: on one line, with nothing taken for Markdown table syntax."""
    return visible(text).replace("\n", " ")


def _invoice(data: dict[str, Any]) -> list[str]:
    invoice = data["invoice"]
    if not (invoice["lines"] or invoice["past_due"] != ZERO):
        return ["Nothing was invoiced."]
    currency = invoice["currency"]
    lines = ["| Code | Item | Qty | Price | Amount |", "|---|---|---:|---:|---:|"]
    for line in invoice["lines"]:
        unit = line.get("unit")
        lines.append(
            f"| {_cell(line['code'] or '')} | {_cell(line_name(line))} | {quantity_words(line['quantity'], unit)} | "
            f"{price_words(Decimal(line['unit_price']), unit, currency)} | {money_text(data, line['amount'])} |"
        )
    if invoice["past_due"] != ZERO:
        lines.append(f"| | Past due balance | | | {money_text(data, invoice['past_due'])} |")
    for label, amount, bold in invoice_totals(invoice):
        shown = money_text(data, amount)
        lines.append(f"| | **{label}** | | | **{shown}** |" if bold else f"| | {label} | | | {shown} |")
    return lines


def _money_rows(data: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    return [
        f"{money_text(data, p['amount'])}"
        + (f" — {_line(p['method'])}" if p.get("method") else "")
        + (f" ({_line(p['note'])})" if p.get("note") else "")
        + f" at {_line(p['node'])}"
        for p in rows
    ]


def receipt_markdown(data: dict[str, Any]) -> str:
    lines = [
        f"# Call receipt: {_line(data['flow']['title'])}",
        "",
        "| | |",
        "|---|---|",
        f"| Session | {_cell(data.get('session'))} |",
        f"| Flow | {_cell(data['flow']['id'])} |",
        f"| Agent | {_cell(data.get('agent') or '—')} |",
        *([f"| Date of the call | {_cell(data['today'])} |"] if data.get("today") else []),
        f"| Started | {_cell(data.get('started_at'))} |",
        f"| Ended | {_cell(data.get('ended_at'))} |",
        f"| Duration | {duration_words(data.get('duration_seconds'))} |",
        f"| Outcome | {_cell(outcome_words(data.get('outcome')))} |",
        "",
        f"**Path:** {_line(' → '.join(data['path']))}",
        "",
        "## Ticket",
        "",
    ]
    ticket = data["ticket"]
    number = [f"| Ticket number | {_cell(ticket['number'])} |"] if ticket.get("number") else []
    if ticket["started"] or number:
        lines += ["| Field | Value |", "|---|---|", *number]
        if ticket["started"]:
            lines += [f"| {_cell(f['label'])} | {_cell(f['value'] or '—')} |" for f in ticket["fields"]]
        if ticket["missing"]:
            lines += ["", f"**Missing required fields:** {_line(', '.join(ticket['missing']))}"]
    else:
        lines.append("No ticket was created.")
    lines += ["", f"## Invoice ({data['invoice']['currency']})", "", *_invoice(data)]
    sections = [
        ("Payments", _money_rows(data, data["payments"])),
        ("Refunds", _money_rows(data, data.get("refunds", []))),
        (
            "Checklist",
            [
                ("[x] " if c["done"] else "[ ] ")
                + _line(c["text"])
                + (" — done" if c["done"] else " — not done" + (f": {_line(c['reason'])}" if c.get("reason") else ""))
                + f" ({_line(c['node'])})"
                for c in data.get("checklist", [])
            ],
        ),
        ("Computed values", [f"{_line(v['name'])} = {_line(v['display'] or '—')} ({_line(v['node'])})" for v in data.get("values", [])]),
        (
            "Notifications",
            [
                _line(n["to"]) + (f": {_line(n['message'])}" if n.get("message") else "") + f" ({_line(n['node'])})"
                for n in data["notifications"]
            ],
        ),
        ("Follow-ups", [f"{follow_up_words(f, None)} ({_line(f['node'])})" for f in data["follow_ups"]]),
        # A note keeps the node of the prompt it was taken at; read as written.
        ("Notes", [f"{_cell(n['text'])} ({_line(node_words(str(n['node'])))})" for n in data.get("notes", [])]),
        ("Time per step", [f"{_line(t['node'])}: {time_words(t)}" for t in data.get("time_per_node", [])]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"## {title}", ""] + [f"- {item}" for item in items]
    lines += ["", "## Answers", "", "| Node | Question | Answer |", "|---|---|---|"]
    lines += [f"| {_cell(a['node'])} | {_cell(a['prompt'])} | {_cell(a['display'])} |" for a in data["answers"]]
    return "\n".join(lines) + "\n"
