"""The Markdown receipt, made from the receipt data (so JSON and Markdown agree)."""

from __future__ import annotations

from typing import Any

from callflow.record.wording import duration_words, money_text, outcome_words


def _cell(text: object) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", "<br>")


def receipt_markdown(data: dict[str, Any]) -> str:
    invoice = data["invoice"]
    lines = [
        f"# Call receipt: {data['flow']['title']}",
        "",
        "| | |",
        "|---|---|",
        f"| Session | {_cell(data.get('session'))} |",
        f"| Flow | {_cell(data['flow']['id'])} |",
        f"| Agent | {_cell(data.get('agent') or '—')} |",
        f"| Started | {_cell(data.get('started_at'))} |",
        f"| Ended | {_cell(data.get('ended_at'))} |",
        f"| Duration | {duration_words(data.get('duration_seconds'))} |",
        f"| Outcome | {_cell(outcome_words(data.get('outcome')))} |",
        "",
        f"**Path:** {' → '.join(data['path'])}",
        "",
        "## Ticket",
        "",
    ]
    ticket = data["ticket"]
    if ticket["started"]:
        lines += ["| Field | Value |", "|---|---|"]
        lines += [f"| {_cell(f['label'])} | {_cell(f['value'] or '—')} |" for f in ticket["fields"]]
        if ticket["missing"]:
            lines += ["", f"**Missing required fields:** {', '.join(ticket['missing'])}"]
    else:
        lines.append("No ticket was created.")
    lines += ["", f"## Invoice ({invoice['currency']})", ""]
    if invoice["lines"] or invoice["past_due"] != "0.00":
        lines += ["| Code | Item | Qty | Price | Amount |", "|---|---|---:|---:|---:|"]
        for line in invoice["lines"]:
            lines.append(
                f"| {_cell(line['code'])} | {_cell(line['name'])} | {line['quantity']} | "
                f"{money_text(data, line['unit_price'])} | {money_text(data, line['amount'])} |"
            )
        if invoice["past_due"] != "0.00":
            lines.append(f"| | Past due balance | | | {money_text(data, invoice['past_due'])} |")
        lines += [
            f"| | **Total** | | | **{money_text(data, invoice['total'])}** |",
            f"| | Paid | | | {money_text(data, invoice['paid'])} |",
            f"| | Due | | | {money_text(data, invoice['due'])} |",
        ]
    else:
        lines.append("Nothing was invoiced.")
    sections = [
        (
            "Payments",
            [
                f"{money_text(data, p['amount'])}"
                + (f" — {p['method']}" if p.get("method") else "")
                + (f" ({p['note']})" if p.get("note") else "")
                + f" at {p['node']}"
                for p in data["payments"]
            ],
        ),
        (
            "Notifications",
            [f"{n['to']}" + (f": {n['message']}" if n.get("message") else "") + f" ({n['node']})" for n in data["notifications"]],
        ),
        ("Follow-ups", [f"{f['text']} ({f['node']})" for f in data["follow_ups"]]),
        ("Notes", [f"{_cell(n['text'])} ({n['node']})" for n in data.get("notes", [])]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"## {title}", ""] + [f"- {item}" for item in items]
    lines += ["", "## Answers", "", "| Node | Question | Answer |", "|---|---|---|"]
    lines += [f"| {a['node']} | {_cell(a['prompt'])} | {_cell(a['display'])} |" for a in data["answers"]]
    return "\n".join(lines) + "\n"
