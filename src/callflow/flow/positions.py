"""Where a value is in a YAML file: a path of keys and indexes to line and column.

Positions are not kept when a file is parsed (callflow.flow.yamlsource); the
index re-reads the text on first use, which only happens when there is
something to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from callflow.flow.yamlsource import YamlError, event_position, yaml_events


@dataclass
class _Entry:
    """Where a value starts, where its key starts (mappings) and its children."""

    line: int
    col: int
    key_line: int = 0
    key_col: int = 0
    children: dict[Any, _Entry] | list[_Entry] | None = field(default=None)


class PositionIndex:
    """Turns a path of keys and indexes into a file position; built on first use."""

    def __init__(self, text: str, path: str) -> None:
        self._text = text
        self._path = path
        self._root: _Entry | None = None

    def _tree(self) -> _Entry:
        if self._root is None:
            self._root = self._index()
        return self._root

    def _index(self) -> _Entry:
        from yaml import events as ev

        stack: list[tuple[_Entry, list[Any]]] = []  # (entry, [pending key entry, pending key])
        root = _Entry(1, 1)
        try:
            for event in yaml_events(self._text, self._path):
                kind = type(event)
                if kind in (ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent, ev.AliasEvent):
                    line, col = event_position(event)
                    entry = _Entry(line, col)
                    if kind is ev.MappingStartEvent:
                        entry.children = {}
                    elif kind is ev.SequenceStartEvent:
                        entry.children = []
                    if not stack:
                        root = entry
                    else:
                        parent, pending = stack[-1]
                        if isinstance(parent.children, list):
                            parent.children.append(entry)
                        elif pending[0] is None:
                            # A key: remember where it is; its value comes next.
                            pending[0] = entry
                            pending[1] = event.value if kind is ev.ScalarEvent else None
                            continue
                        else:
                            key_entry, key = pending
                            entry.key_line, entry.key_col = key_entry.line, key_entry.col
                            assert isinstance(parent.children, dict)
                            parent.children.setdefault(key, entry)
                            pending[0] = pending[1] = None
                    if kind in (ev.MappingStartEvent, ev.SequenceStartEvent):
                        stack.append((entry, [None, None]))
                elif kind in (ev.MappingEndEvent, ev.SequenceEndEvent):
                    stack.pop()
        except YamlError:
            pass
        return root

    def locate(self, loc: Sequence[Any], *, at_key: bool = True) -> tuple[int, int]:
        """Line and column of the deepest element of `loc` that exists.

        Segments that do not name an element (pydantic adds union member names
        to error paths) are skipped. A mapping value is reported at its key
        unless `at_key` is false.
        """
        entry = self._tree()
        by_key = False
        for segment in loc:
            children = entry.children
            nxt: _Entry | None = None
            if isinstance(children, dict):
                key = segment if isinstance(segment, str) else str(segment)
                nxt = children.get(key)
                if nxt is not None:
                    by_key = True
            elif isinstance(children, list) and isinstance(segment, int) and 0 <= segment < len(children):
                nxt = children[segment]
                by_key = False
            if nxt is not None:
                entry = nxt
        if at_key and by_key and entry.key_line:
            return entry.key_line, entry.key_col
        return entry.line, entry.col
