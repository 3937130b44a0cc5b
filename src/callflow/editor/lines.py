"""Positions in a text: offsets to 0-based (line, column) in code points and
back, the span a diagnostic covers, and the keys a line stands under."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Za-z0-9_.\-/#$]+")
_KEY_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<dash>-[ ]+)*(?P<key>[A-Za-z_][A-Za-z0-9_]*|\"[^\"]*\"|'[^']*'|[A-Za-z0-9][A-Za-z0-9_.\-]*)[ ]*:(?:[ ]|$)")


@dataclass(frozen=True)
class Span:
    """0-based start and end positions (line, column)."""

    start: tuple[int, int]
    end: tuple[int, int]


class Lines:
    """A text's line starts, for turning offsets into positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def offset(self, line: int, col: int) -> int:
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[max(line, 0)]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return min(start + max(col, 0), end)

    def line(self, number: int) -> str:
        if not 0 <= number < len(self.starts):
            return ""
        start = self.starts[number]
        end = self.starts[number + 1] - 1 if number + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def span(self, start: int, end: int) -> Span:
        return Span(self.position(start), self.position(end))

    def token_span(self, line: int, col: int) -> Span:
        """What a diagnostic at 0-based (line, col) points at: the word, quoted
        scalar or placeholder starting there (at least one character)."""
        text = self.line(line)
        col = max(0, min(col, len(text)))
        rest = text[col:]
        length = 0
        if rest[:1] in ("'", '"'):
            close = rest.find(rest[0], 1)
            length = close + 1 if close > 0 else len(rest)
        elif rest[:1] == "{":
            close = rest.find("}")
            length = close + 1 if close > 0 else 1
        else:
            match = _TOKEN.match(rest)
            length = match.end() if match else min(1, len(rest))
        if length == 0 and col > 0:
            return Span((line, col - 1), (line, col))
        return Span((line, col), (line, col + length))


def key_path_at(lines: Lines, line: int) -> list[str]:
    """The keys a line stands under, outermost first, read from indentation
    (so it works while the YAML does not parse). A list item counts as one
    more level, written "-"."""
    current = lines.line(line)
    limit = len(current) - len(current.lstrip(" "))
    dash_here = current.lstrip(" ").startswith("-")
    path: list[str] = []
    for number in range(line - 1, -1, -1):
        if limit <= 0:
            break
        text = lines.line(number)
        stripped = text.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        here = len(text) - len(stripped)
        if here > limit:
            continue
        match = _KEY_LINE.match(text)
        key = match.group("key").strip("'\"") if match is not None else None
        if not stripped.startswith("-"):
            if key is not None and here < limit:
                path.append(key)
                limit = here
            continue
        key_col = match.start("key") if match is not None else None
        if here == limit and dash_here:
            continue  # the item before this one
        if key_col is not None and key_col < limit:
            path.append(key or "")
        path.append("-")
        limit = here
        dash_here = True
    path.reverse()
    return path
