"""Output of summaries and call steps: Markdown receipts, rich screens."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from callflow.flow.money import format_money


def outcome_words(outcome: str | None) -> str:
    """`transferred_to_remote_agent` -> `transferred to remote agent`."""
    return outcome.replace("_", " ") if outcome else "not ended"


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


def money_text(data: dict[str, Any], amount: str) -> str:
    """An amount of a summary dict, with its currency."""
    return format_money(Decimal(amount), data["invoice"]["currency"])
