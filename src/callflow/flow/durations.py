"""Durations as flows keep them: whole minutes (a Decimal), read the way a
person types them and shown as `1 h 30 min`."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# 90 · 90 min · 1.5 h · 1 h 30 min · 1h30 · 1:30 · 2 hours · 45 minutes
_CLOCK = re.compile(r"(\d{1,6}):([0-5]\d)")
_PARTS = re.compile(
    r"(?:(?P<hours>\d{1,6}(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\b\s*)?"
    r"(?:(?P<minutes>\d{1,8}(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes)?)?",
    re.IGNORECASE,
)
MAX_MINUTES = Decimal(60 * 24 * 366)  # a year of work on one call is a typing mistake


class DurationError(ValueError):
    """Text that is not a duration; the message says how to write one."""


def parse_duration(text: str) -> Decimal:
    """Whole minutes of a typed duration, or DurationError."""
    cleaned = text.strip()
    if not cleaned:
        raise DurationError("a duration is required")
    minutes: Decimal
    clock = _CLOCK.fullmatch(cleaned)
    if clock:
        minutes = Decimal(int(clock[1]) * 60 + int(clock[2]))
    else:
        match = _PARTS.fullmatch(cleaned)
        if not match or not (match["hours"] or match["minutes"]):
            raise DurationError(f"'{text}' is not a duration: write it like 45 min, 1 h 30 min, 1.5 h or 1:30")
        try:
            hours = Decimal(match["hours"] or 0)
            rest = Decimal(match["minutes"] or 0)
        except InvalidOperation:
            raise DurationError(f"'{text}' is not a duration") from None
        minutes = hours * 60 + rest
    minutes = minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if minutes > MAX_MINUTES:
        raise DurationError(f"'{text}' is longer than callflow takes for one call ({format_duration(MAX_MINUTES)})")
    return minutes


def format_duration(minutes: Decimal) -> str:
    """`1 h 30 min`, `45 min`, `2 h`; a part of a minute is rounded."""
    whole = int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if whole < 0 else ""
    hours, rest = divmod(abs(whole), 60)
    if hours and rest:
        return f"{sign}{hours} h {rest} min"
    if hours:
        return f"{sign}{hours} h"
    return f"{sign}{rest} min"


_SECONDS = re.compile(r"(\d{1,6})\s*(?:s|sec|secs|second|seconds)", re.IGNORECASE)


def expected_seconds(text: str) -> int:
    """Seconds of an expected time: `45 s`, or a duration (`2 min`, `1 h 30`).
    Raises DurationError (a ValueError) for anything else, or for no time at all."""
    cleaned = text.strip()
    seconds = _SECONDS.fullmatch(cleaned)
    total = int(seconds[1]) if seconds else int(parse_duration(cleaned)) * 60
    if total <= 0:
        raise DurationError(f"'{text}' is no time at all: write it like 45 s, 2 min or 1 h 30 min")
    return total
