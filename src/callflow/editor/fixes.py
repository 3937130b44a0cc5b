"""Quick fixes for lint diagnostics: a stub for a node that does not exist
yet, and the "did you mean" a message suggests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callflow.editor.lines import Lines, key_path_at
from callflow.editor.symbols import Symbols
from callflow.flow.diagnostics import Diagnostic

MISSING_NODE_CODES = frozenset(("CF101", "CF102"))
_DID_YOU_MEAN = re.compile(r"\(did you mean '(?P<better>[^']+)'\?\)")
_QUOTED = re.compile(r"'(?P<word>[^']+)'")
_MISSING = re.compile(r"node '(?P<node>[^']+)' (?:does not exist|is not a node of procedure '(?P<proc>[^']+)')")


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    preferred: bool = False


def fixes_for(symbols: Symbols, diagnostic: Diagnostic) -> list[Fix]:
    """The quick fixes of one diagnostic of this document (1-based position)."""
    found: list[Fix] = []
    better = _replacement(symbols.text, diagnostic)
    if better is not None:
        found.append(better)
    if diagnostic.code in MISSING_NODE_CODES:
        stub = _stub(symbols, diagnostic)
        if stub is not None:
            found.append(stub)
    return found


def _replacement(text: str, diagnostic: Diagnostic) -> Fix | None:
    suggestion = _DID_YOU_MEAN.search(diagnostic.message)
    wrong = _QUOTED.search(diagnostic.message)
    if suggestion is None or wrong is None:
        return None
    word, better = wrong.group("word"), suggestion.group("better")
    if word == better:
        return None
    lines = Lines(text)
    line = lines.line(diagnostic.line - 1)
    col = max(diagnostic.col - 1, 0)
    at = _word_at(line, word, col)
    if at is None:
        return None
    start = lines.offset(diagnostic.line - 1, at)
    return Fix(f"Change '{word}' to '{better}'", (Edit(start, start + len(word), better),), preferred=True)


def _word_at(line: str, word: str, col: int) -> int | None:
    """Where `word` stands as a whole word at or just after `col` on the line."""
    pattern = re.compile(r"(?<![A-Za-z0-9_.\-])" + re.escape(word) + r"(?![A-Za-z0-9_\-])")
    for match in pattern.finditer(line):
        if match.start() >= col - 1:
            return match.start()
    first = pattern.search(line)
    return first.start() if first else None


def _stub(symbols: Symbols, diagnostic: Diagnostic) -> Fix | None:
    missing = _MISSING.search(diagnostic.message)
    if missing is None:
        return None
    node = missing.group("node")
    lines = Lines(symbols.text)
    path = key_path_at(lines, diagnostic.line - 1)
    scope = missing.group("proc") or (path[1] if len(path) >= 2 and path[0] == "procedures" else "")
    mapping = symbols.node_maps.get(scope)
    if mapping is None or not mapping.entries:
        return None
    first_key, first_value = mapping.entries[0]
    key_indent = lines.position(first_key.start)[1]
    child_indent = lines.position(first_value.start)[1] if first_value.entries else key_indent + 2
    if child_indent <= key_indent:
        child_indent = key_indent + 2
    last_value = mapping.entries[-1][1]
    end_line, end_col = lines.position(last_value.end)
    insert_line = end_line if end_col == 0 else end_line + 1
    offset = lines.offset(insert_line, 0) if insert_line < len(lines.starts) else len(symbols.text)
    prefix = "" if offset == 0 or symbols.text[offset - 1] == "\n" else "\n"
    pad, inner = " " * key_indent, " " * child_indent
    way = f"{inner}return: true\n" if scope else f"{inner}end: todo\n"
    key = node if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", node) else f'"{node}"'
    stub = f"{prefix}{pad}{key}:\n{inner}title: TODO\n{inner}steps:\n{inner}  - say: TODO\n{way}"
    where = f" in procedure '{scope}'" if scope else ""
    return Fix(f"Create node '{node}'{where}", (Edit(offset, offset, stub),))
