"""Dates as flows keep them: text written YYYY-MM-DD, which sorts in calendar
order, so conditions compare dates as text."""

from __future__ import annotations

import re
from datetime import date

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A date typed without quotes, possibly unpadded (2026-1-5); ASCII digits only.
_LOOSE_DATE = re.compile(r"([0-9]{1,4})-([0-9]{1,2})-([0-9]{1,2})(?![0-9])")


def calendar_day(text: str) -> date | None:
    """The day `text` names when it is written exactly YYYY-MM-DD, else None."""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def loose_date_at(text: str, pos: int) -> str | None:
    """The date written without quotes at `pos`, as it should be written, or None."""
    found = _LOOSE_DATE.match(text, pos)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"
