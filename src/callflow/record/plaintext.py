"""The plain-text receipt: `Label: value` lines to paste into a ticketing
system that renders nothing (no tables, no markup), made from the receipt
data like the JSON and the Markdown, so the three say the same.

Each section is a title line and its rows; in a section the values start in
one column (a label longer than LABEL_WIDTH is followed by one space). Every
row is one line: a line break in a value becomes a space, and control
characters are shown visibly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from callflow.flow.controls import visible
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
    span_words,
)

LABEL_WIDTH = 32

Row = tuple[str, str]


def _one_line(text: object) -> str:
    return " ".join(visible(text if text is not None else "").split())


def rows_text(rows: Sequence[Row]) -> list[str]:
    """Rows as aligned `Label: value` lines."""
    labels = [f"{_one_line(label)}:" for label, _ in rows]
    width = min(LABEL_WIDTH + 1, max((len(label) for label in labels), default=0))
    lines = []
    for label, (_, value) in zip(labels, rows, strict=True):
        shown = _one_line(value)
        lines.append(f"{label.ljust(width)} {shown}".rstrip())
    return lines


def _head(data: dict[str, Any]) -> list[Row]:
    rows: list[Row] = [
        ("Session", str(data.get("session") or "—")),
        ("Flow", data["flow"]["id"]),
        ("Agent", data.get("agent") or "—"),
    ]
    if data.get("today"):
        rows.append(("Date of the call", data["today"]))
    rows += [
        ("Started", str(data.get("started_at") or "—")),
        ("Ended", str(data.get("ended_at") or "—")),
        ("Duration", duration_words(data.get("duration_seconds"))),
        ("Outcome", outcome_words(data.get("outcome"))),
        ("Path", " → ".join(data["path"])),
    ]
    return rows


def _ticket(data: dict[str, Any]) -> list[Row]:
    ticket = data["ticket"]
    rows: list[Row] = []
    if ticket.get("number"):
        rows.append(("Ticket number", ticket["number"]))
    if ticket["started"]:
        rows += [(f["label"], f["value"] or "—") for f in ticket["fields"]]
        if ticket["missing"]:
            rows.append(("Missing required fields", ", ".join(ticket["missing"])))
    elif not rows:
        rows.append(("Ticket", "none was created"))
    return rows


def _invoice(data: dict[str, Any]) -> list[Row]:
    invoice = data["invoice"]
    if not (invoice["lines"] or invoice["past_due"] != ZERO):
        return [("Invoice", "nothing was invoiced")]
    currency = invoice["currency"]
    rows: list[Row] = []
    for line in invoice["lines"]:
        unit = line.get("unit")
        amount = money_text(data, line["amount"])
        if unit == "h" or line["quantity"] != 1:
            amount = f"{quantity_words(line['quantity'], unit)} × {price_words(Decimal(line['unit_price']), unit, currency)} = {amount}"
        name = f"{line['code']} {line_name(line)}" if line.get("code") else line_name(line)
        rows.append((name, amount))
    if invoice["past_due"] != ZERO:
        rows.append(("Past due balance", money_text(data, invoice["past_due"])))
    rows += [(label, money_text(data, amount)) for label, amount, _ in invoice_totals(invoice)]
    return rows


def _money(data: dict[str, Any], rows: Sequence[dict[str, Any]]) -> list[Row]:
    return [
        (
            str(p["node"]),
            money_text(data, p["amount"])
            + (f" — {p['method']}" if p.get("method") else "")
            + (f" ({p['note']})" if p.get("note") else ""),
        )
        for p in rows
    ]


def _checked(item: dict[str, Any]) -> str:
    if item["done"]:
        return f"[x] {item['text']} — done"
    return f"[ ] {item['text']} — not done" + (f": {item['reason']}" if item.get("reason") else "")


def time_words(entry: dict[str, Any]) -> str:
    """`3 min 5 s`, and `(expected 2 min)` where the node took longer than the flow expects."""
    spent = duration_words(entry.get("seconds"))
    expected = entry.get("expected_seconds")
    if isinstance(expected, (int, float)) and float(entry.get("seconds") or 0) > expected:
        spent += f" (expected {span_words(int(expected))})"
    return spent


def receipt_text(data: dict[str, Any]) -> str:
    today = data.get("today")
    sections: list[tuple[str, list[Row]]] = [
        ("Ticket", _ticket(data)),
        (f"Invoice ({data['invoice']['currency']})", _invoice(data)),
        ("Payments", _money(data, data["payments"])),
        ("Refunds", _money(data, data.get("refunds", []))),
        ("Checklist", [(str(c["node"]), _checked(c)) for c in data.get("checklist", [])]),
        ("Computed values", [(v["name"], v["display"] or "—") for v in data.get("values", [])]),
        (
            "Notifications",
            [(str(n["node"]), n["to"] + (f": {n['message']}" if n.get("message") else "")) for n in data["notifications"]],
        ),
        ("Follow-ups", [(str(f["node"]), follow_up_words(f, today)) for f in data["follow_ups"]]),
        ("Notes", [(node_words(str(n["node"])), n["text"]) for n in data.get("notes", [])]),
        ("Time per step", [(t["node"], time_words(t)) for t in data.get("time_per_node", [])]),
        ("Answers", [(str(a["node"]), f"{a['prompt']} — {a['display'] or '—'}") for a in data["answers"]]),
    ]
    lines = [f"Call receipt: {_one_line(data['flow']['title'])}", "", *rows_text(_head(data))]
    for title, rows in sections:
        if rows:
            lines += ["", title, *rows_text(rows)]
    return "\n".join(lines) + "\n"
