"""Plain-text tables that fit 80 columns, and the way numbers read in them.

Text from files (an agent's name, a flow id, an item's name) is made visible
first (callflow.record.wording.visible: no control character reaches the
terminal); a column of words that would make the table too wide is cut
with an ellipsis, and numbers are never cut.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from callflow.flow.controls import visible

WIDTH = 80
ELLIPSIS = "…"


def number(value: int | float) -> str:
    """`1,234`; `12.5`."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}"


def clock(seconds: float | None) -> str:
    """A duration as minutes and seconds (`1:35`, `12:05`; `—` unknown)."""
    if seconds is None:
        return "—"
    whole = int(seconds + 0.5)
    minutes, secs = divmod(whole, 60)
    return f"{minutes}:{secs:02d}"


def money(text: str) -> str:
    """`1234.50` as `1,234.50`."""
    negative = text.startswith("-")
    whole, _, cents = text.lstrip("-").partition(".")
    return f"{'-' if negative else ''}{int(whole):,}.{cents or '00'}"


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + ELLIPSIS


def table(header: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[int] = (), width: int = WIDTH) -> list[str]:
    """Lines of a table: `right` are the columns aligned right (numbers).
    Columns of words shrink, widest first, until the table fits."""
    cells = [[visible(c) if c is not None else "—" for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    # Two spaces between columns; one when that is what it takes for no cell to be cut.
    gap = 2 if sum(widths) + 2 * (len(widths) - 1) <= width else 1
    words = [i for i in range(len(header)) if i not in right]
    while sum(widths) + gap * (len(widths) - 1) > width and words:
        widest = max(words, key=lambda i: widths[i])
        if widths[widest] <= max(6, len(header[widest])):
            if gap == 1:
                break
            gap = 1
            continue
        widths[widest] -= 1
    lines = []
    for row in [list(header), *cells]:
        parts = []
        for i, (cell, w) in enumerate(zip(row, widths, strict=True)):
            cell = cut(cell, w)
            parts.append(cell.rjust(w) if i in right else cell.ljust(w))
        lines.append((" " * gap).join(parts).rstrip())
    return lines


def wrap(text: str, *, indent: str = "", width: int = WIDTH) -> list[str]:
    """Words wrapped at `width`; the lines after the first are indented two
    more than the first line's indent is wide."""
    more = " " * (len(indent) + 2)
    return textwrap.wrap(visible(text), width=width, initial_indent=indent, subsequent_indent=more) or [indent]


def heading(title: str) -> list[str]:
    title = visible(title)
    return ["", title, "─" * min(WIDTH, len(title))]
