"""Positions in a flow file: of keys and values, and of a word inside a value.

`PositionIndex` gives where a key or a scalar starts. A placeholder or a
condition's name is better pointed at directly: the scalar's source is found
at its start (plain, or after its opening quote) and the word's offset is
added. When the source is not the value verbatim (block scalars, escapes,
folded lines), the same occurrence of the word is searched for from the
scalar's start; failing that, the scalar's start is given.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from callflow.flow.positions import PositionIndex


class Source:
    """A flow file's text and positions, for pointing at what is wrong."""

    def __init__(self, text: str, positions: PositionIndex) -> None:
        self.text = text
        self.positions = positions
        self._line_starts: list[int] | None = None

    def position(self, loc: Sequence[Any], *, at_key: bool = True) -> tuple[int, int]:
        return self.positions.locate(loc, at_key=at_key)

    def within(self, loc: Sequence[Any], value: str, offset: int, length: int) -> tuple[int, int]:
        """Line and column of `value[offset:offset + length]` in the scalar at `loc`."""
        line, col = self.positions.locate(loc, at_key=False)
        start = self._offset(line, col)
        text = self.text
        if "\n" not in value:
            if text.startswith(value, start):
                return line, col + offset
            if text[start : start + 1] in ("'", '"') and text.startswith(value, start + 1):
                return line, col + 1 + offset
        token = value[offset : offset + length]
        if not token:
            return line, col
        found = start
        for _ in range(value.count(token, 0, offset) + 1):
            found = text.find(token, found)
            if found < 0:
                return line, col
            found += len(token)
        found -= len(token)
        # A match far beyond the scalar belongs to another value.
        if found > start + 2 * len(value) + 80:
            return line, col
        return self._line_col(found)

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            text = self.text
            pos = text.find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
            self._line_starts = starts
        return self._line_starts

    def _offset(self, line: int, col: int) -> int:
        starts = self._starts()
        return starts[min(line, len(starts)) - 1] + col - 1

    def _line_col(self, offset: int) -> tuple[int, int]:
        starts = self._starts()
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1
