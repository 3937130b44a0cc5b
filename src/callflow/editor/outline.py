"""A YAML text as a tree of keys and values, each with the span it covers.

Built from libyaml's events (the loader's reader, callflow.flow.yamlsource),
iteratively, so a deep or huge document costs time in proportion to its size
and never the stack. A document that stops parsing midway keeps what came
before the error: the editor still knows the nodes above a line being typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from callflow.flow.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, YamlError, yaml_events


@dataclass
class Item:
    """A scalar, mapping or sequence, and the text offsets it spans."""

    start: int
    end: int
    value: str | None = None  # scalars
    style: str = ""  # the scalar's quote style ('', "'", '"', '|', '>')
    entries: list[tuple[Item, Item]] | None = None  # mappings: (key, value) in order
    items: list[Item] | None = None  # sequences

    @property
    def is_scalar(self) -> bool:
        return self.entries is None and self.items is None

    def get(self, key: str) -> Item | None:
        """The value under `key` of a mapping (the first, if written twice)."""
        for k, v in self.entries or ():
            if k.value == key:
                return v
        return None

    def key_item(self, key: str) -> Item | None:
        for k, _ in self.entries or ():
            if k.value == key:
                return k
        return None

    def text(self, key: str) -> str | None:
        """The scalar text under `key`, if it is a scalar."""
        found = self.get(key)
        return found.value if found is not None and found.is_scalar else None


@dataclass
class Outline:
    """The tree of one text; `complete` is false when parsing stopped early."""

    root: Item | None
    complete: bool
    problems: list[str] = field(default_factory=list)


def outline(text: str, path: str = "<text>") -> Outline:
    """The tree of a YAML text, as far as it parses."""
    if len(text) > MAX_FILE_BYTES:
        return Outline(None, False, ["too large"])
    stack: list[Item] = []
    pending: list[Item | None] = []  # per open mapping: the key waiting for its value
    root: Item | None = None
    values = 0
    complete = True
    problems: list[str] = []
    try:
        for event in _events(text, path):
            name = type(event).__name__
            if name in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent", "AliasEvent"):
                values += 1
                if values > MAX_VALUES or len(stack) >= MAX_DEPTH:
                    complete = False
                    problems.append("too large or too deep")
                    break
                start, end = event.start_mark.index, event.end_mark.index
                if name == "ScalarEvent":
                    item = Item(start, end, event.value, event.style or "")
                elif name == "MappingStartEvent":
                    item = Item(start, end, entries=[])
                elif name == "SequenceStartEvent":
                    item = Item(start, end, items=[])
                else:
                    item = Item(start, end, "")
                if stack:
                    _attach(stack[-1], pending, item)
                else:
                    root = item
                if item.entries is not None or item.items is not None:
                    stack.append(item)
                    pending.append(None)
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                done = stack.pop()
                pending.pop()
                done.end = max(done.end, event.end_mark.index)
                if stack:
                    stack[-1].end = max(stack[-1].end, done.end)
    except YamlError as exc:
        complete = False
        problems.append(exc.diagnostics[0].message)
    return Outline(root, complete and not stack, problems)


def _events(text: str, path: str) -> Iterator[Any]:
    return yaml_events(text, path)


def _attach(parent: Item, pending: list[Item | None], item: Item) -> None:
    if parent.items is not None:
        parent.items.append(item)
        parent.end = max(parent.end, item.end)
        return
    assert parent.entries is not None
    key = pending[-1]
    if key is None:
        pending[-1] = item if item.is_scalar else Item(item.start, item.end, "")
        return
    parent.entries.append((key, item))
    parent.end = max(parent.end, item.end)
    pending[-1] = None


def walk(root: Item | None) -> Iterator[tuple[tuple[str | int, ...], Item | None, Item]]:
    """Every value with its key path and its key (None in sequences), parents first."""
    if root is None:
        return
    stack: list[tuple[tuple[str | int, ...], Item | None, Item]] = [((), None, root)]
    while stack:
        path, key, item = stack.pop()
        yield path, key, item
        children: list[tuple[tuple[str | int, ...], Item | None, Item]] = []
        if item.entries is not None:
            children = [((*path, k.value or ""), k, v) for k, v in item.entries]
        elif item.items is not None:
            children = [((*path, i), None, v) for i, v in enumerate(item.items)]
        stack.extend(reversed(children))
