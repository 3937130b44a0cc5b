"""How a call reads in words: shared by the receipts (Markdown) and the screens (rich).

Everything here takes the values a summary or an event holds and gives text;
`visible` makes any text from a flow file or an answer safe to print.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from callflow.flow.controls import visible
from callflow.flow.durations import format_duration
from callflow.flow.money import format_money
from callflow.flow.procedures import LEVEL, PART, shown


def node_words(node_id: str) -> str:
    """A node as written (`pay/P-1`), whether it is given expanded
    (`ESCALATE/pay/P-1`, `ESCALATE#2`) or already as written."""
    if PART in node_id or node_id.count(LEVEL) >= 2:
        return shown(node_id)
    return node_id


def outcome_words(outcome: str | None) -> str:
    """`transferred_to_remote_agent` -> `transferred to remote agent`."""
    return visible(outcome.replace("_", " ")) if outcome else "not ended"


def duration_words(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min {secs} s"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def span_words(seconds: int) -> str:
    """An expected time: `2 min`, `45 s`, `1 min 30 s`, `1 h 30 min` (no zero parts)."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{secs} s" if secs else ""]
    return " ".join(p for p in parts if p) or "0 s"


def money_text(data: dict[str, Any], amount: str) -> str:
    """An amount of a summary dict, with its currency."""
    return format_money(Decimal(amount), data["invoice"]["currency"])


def number_words(value: Decimal | int | float) -> str:
    """2, 2.5, 0.83: a quantity as a person writes it."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):f}"
    return f"{number.normalize():f}"


def hours_words(hours: Decimal | int | float) -> str:
    """Billed hours: `2.5 h`; where the hours were rounded, the time too: `0.83 h (50 min)`."""
    number = Decimal(str(hours))
    minutes = (number * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = f"{number_words(number)} h"
    if minutes / 60 != number:
        text += f" ({format_duration(minutes)})"
    return text


def quantity_words(quantity: Decimal | int | float, unit: str | None) -> str:
    """The quantity of an invoice line: `2`, or `2.5 h` for billed time."""
    return hours_words(quantity) if unit == "h" else number_words(quantity)


def price_words(price: Decimal, unit: str | None, currency: str) -> str:
    """A unit price: `$89.47`, or `$190.00/h` for billed time."""
    return format_money(price, currency) + ("/h" if unit == "h" else "")


ZERO = "0.00"


def line_name(line: dict[str, Any]) -> str:
    """An invoice line's name, saying when it is a credit."""
    return f"{line['name']} (credit)" if line.get("kind") == "credit" else str(line["name"])


def invoice_totals(invoice: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(label, amount, bold) rows under the lines: total, paid, refunded and
    refund due where there are any, due."""
    rows = [("Total", invoice["total"], True), ("Paid", invoice["paid"], False)]
    if invoice.get("refunded", ZERO) != ZERO:
        rows.append(("Refunded", invoice["refunded"], False))
    rows.append(("Due", invoice["due"], False))
    if invoice.get("refund_due", ZERO) != ZERO:
        rows.append(("Refund due (owed to the customer)", invoice["refund_due"], True))
    return rows


def due_words(due: str | None, today: str | None) -> str | None:
    """`2026-11-25 (in 2 days)` from the call's date; None when there is no due date."""
    if not due:
        return None
    try:
        days = (date.fromisoformat(due) - date.fromisoformat(today)).days if today else None
    except ValueError:
        days = None
    if days is None:
        return visible(due)
    when = (
        "today"
        if days == 0
        else "tomorrow"
        if days == 1
        else "yesterday"
        if days == -1
        else f"in {days} days"
        if days > 0
        else f"{-days} days ago"
    )
    return f"{due} ({when})"


def follow_up_words(follow_up: dict[str, Any], today: str | None) -> str:
    """`Call Robin back — Dana, due 2026-11-25 (in 2 days)`."""
    text = visible(follow_up["text"])
    who = [visible(follow_up["owner"])] if follow_up.get("owner") else []
    due = due_words(follow_up.get("due"), today)
    if due:
        who.append(f"due {due}")
    return f"{text} — {', '.join(who)}" if who else text


def checked_words(item: dict[str, Any]) -> str:
    """`☑ Log the return — done` / `☒ Log the return — not done: sheet locked`."""
    text = visible(item["text"])
    if item.get("done"):
        return f"☑ {text} — done"
    reason = item.get("reason")
    return f"☒ {text} — not done" + (f": {visible(reason)}" if reason else "")
