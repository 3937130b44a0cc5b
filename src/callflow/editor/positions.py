"""Columns as the editor counts them: LSP positions are in UTF-16 code units
by default (UTF-8 or UTF-32 when negotiated); callflow counts code points."""

from __future__ import annotations

from callflow.editor.lines import Lines


def to_client(lines: Lines, line: int, col: int, encoding: str) -> tuple[int, int]:
    """A 0-based (line, code point column) as the client counts it."""
    text = lines.line(line)
    if encoding == "utf-32" or text.isascii():
        return line, col
    head = text[:col]
    if encoding == "utf-8":
        return line, len(head.encode("utf-8", "surrogatepass"))
    return line, len(head) + sum(1 for c in head if ord(c) > 0xFFFF)


def from_client(lines: Lines, line: int, col: int, encoding: str) -> tuple[int, int]:
    """A client's (line, column) as 0-based code points."""
    text = lines.line(line)
    if encoding == "utf-32" or text.isascii():
        return line, min(col, len(text))
    units = 0
    for i, c in enumerate(text):
        if units >= col:
            return line, i
        if encoding == "utf-8":
            units += len(c.encode("utf-8", "surrogatepass"))
        else:
            units += 2 if ord(c) > 0xFFFF else 1
    return line, len(text)
