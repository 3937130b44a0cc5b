"""Safe YAML reading with positions, for flows, answers and scenarios.

Plain data only: mappings, sequences and text. Values are built straight from
libyaml's event stream (PyYAML's C parser) rather than its composer, because:

- the event loop is iterative, so deep nesting cannot overflow the C stack
  (PyYAML's C composer recurses and crashes at ~100k levels);
- aliases, anchors, merge keys and tags are visible as events and refused,
  so an alias bomb never expands;
- no implicit typing happens: every scalar stays the text the author wrote
  (`yes`, `no`, `on`, `012`, `2024-01-01` are not turned into booleans, numbers
  or dates). The models convert text where they expect numbers, booleans or
  money, so the target type decides, not YAML 1.1's guesses.

Positions are not kept on the fast path. `PositionIndex` re-reads the text on
demand to turn a path such as ``("nodes", "D-2-4", "steps", 3)`` into a line
and column, which only happens when there is something to report.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from callflow.diagnostics import Diagnostic, Severity

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_VALUES = 2_000_000
# Answers and scenario files hold one call: far smaller caps refuse a hostile
# one in a fraction of a second.
DATA_MAX_BYTES = 1024 * 1024
DATA_MAX_VALUES = 100_000
MAX_DEPTH = 64

# Codes of load problems; documented in docs/lint-rules.md.
SYNTAX = "CF001"
DUPLICATE_KEY = "CF002"
ALIAS = "CF003"
TAG = "CF004"
TOO_LARGE = "CF005"
UNREADABLE = "CF006"

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_YAML_TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = frozenset(_YAML_TAG + t for t in ("str", "int", "float", "bool"))
_NULL_TAG = _YAML_TAG + "null"
_COLLECTION_TAGS = frozenset((_YAML_TAG + "map", _YAML_TAG + "seq"))


def _problem(path: str, line: int, col: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, col, code, Severity.ERROR, message)


class YamlError(Exception):
    """Carries the diagnostics of a file that cannot be read as plain YAML data."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(str(diagnostics[0]))
        self.diagnostics = list(diagnostics)


def read_bytes(path: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, refusing what cannot be read, directories and huge files.

    A file that cannot be read at all gets code UNREADABLE; one over the size
    cap gets TOO_LARGE and is not read.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        why = "a link to a file that does not exist" if os.path.islink(path) else "file not found"
        raise YamlError([_problem(path, 1, 1, UNREADABLE, why)]) from None
    except OSError as exc:
        raise YamlError([_problem(path, 1, 1, UNREADABLE, f"cannot read: {exc.strerror}")]) from None
    if os.path.isdir(path):
        raise YamlError([_problem(path, 1, 1, UNREADABLE, "is a directory, not a file")])
    if st.st_size > max_bytes:
        raise YamlError(
            [_problem(path, 1, 1, TOO_LARGE, f"file is {st.st_size:,} bytes; the limit is {max_bytes:,}")]
        )
    try:
        with open(path, "rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise YamlError([_problem(path, 1, 1, UNREADABLE, f"cannot read: {exc.strerror}")]) from None


def read_text(path: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a file as UTF-8 text, refusing directories, huge files and binary junk."""
    return decode_text(read_bytes(path, max_bytes=max_bytes), path, max_bytes=max_bytes)


def decode_text(data: bytes, path: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Decode UTF-8 (a BOM is allowed), naming the position of the first bad byte."""
    if len(data) > max_bytes:
        raise YamlError([_problem(path, 1, 1, TOO_LARGE, f"file is larger than {max_bytes:,} bytes")])
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col_of_byte(data, nul)
        raise YamlError([_problem(path, line, col, UNREADABLE, "binary data (a NUL byte): not a YAML text file")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        raise YamlError(
            [_problem(path, line, col, UNREADABLE, "not valid UTF-8 text (save the file as UTF-8)")]
        ) from None
    return text.removeprefix("\ufeff")


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def _events(text: str, path: str) -> Iterator[Any]:
    """libyaml's events, with its errors turned into a syntax diagnostic.

    libyaml (from the one PyYAML 6.0.2 ships on) stops at a nesting depth of its
    own, and its scanner reads far ahead inside flow collections (``[[[[…``), so
    that error can come before the events that reach callflow's own depth
    limit. Then the same text is read on with PyYAML's pure-Python parser, which
    has no such limit and yields the same events, so callflow's limits decide
    the code and position whatever libyaml does.
    """
    import yaml  # here, not at the top: reading a cached flow needs no YAML

    parser = yaml.cyaml.CParser(text)
    delivered = 0
    try:
        while True:
            try:
                event = parser.get_event()
            except yaml.YAMLError as exc:
                if not _is_libyaml_depth_limit(exc):
                    raise _syntax_problem(exc, path) from None
                break
            if event is None:
                return
            delivered += 1
            yield event
    finally:
        parser.dispose()
    yield from _python_events(text, path, skip=delivered)


def _is_libyaml_depth_limit(exc: Exception) -> bool:
    return "maximum nesting depth" in str(getattr(exc, "problem", "") or "")


def _python_events(text: str, path: str, *, skip: int) -> Iterator[Any]:
    """PyYAML's pure-Python parser's events after the first `skip` of them."""
    import yaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class EventSource(Reader, Scanner, Parser):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

    source = EventSource(text)
    seen = 0
    while True:
        try:
            event = source.get_event()
        except yaml.YAMLError as exc:
            raise _syntax_problem(exc, path) from None
        if event is None:
            return
        seen += 1
        if seen > skip:
            yield event


def _syntax_problem(exc: Exception, path: str) -> YamlError:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        return YamlError([_problem(path, line, col, SYNTAX, f"YAML syntax error: {problem}")])
    return YamlError([_problem(path, 1, 1, SYNTAX, f"YAML syntax error: {exc}")])


def _where(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _refuse_properties(event: Any, path: str, *, collection: bool) -> None:
    if event.anchor is not None:
        line, col = _where(event)
        raise YamlError(
            [
                _problem(
                    path,
                    line,
                    col,
                    ALIAS,
                    f"anchor '&{event.anchor}' is not supported: write the value out"
                    " (anchors and aliases are refused so a small file cannot expand into millions of values)",
                )
            ]
        )
    tag = event.tag
    if tag is None or tag == "!":
        return
    allowed = _COLLECTION_TAGS if collection else _TEXT_TAGS | {_NULL_TAG}
    if tag not in allowed:
        line, col = _where(event)
        shown = "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag
        raise YamlError(
            [_problem(path, line, col, TAG, f"tag '{shown}' is not supported: remove it and write plain text")]
        )


def parse_yaml(
    text: str,
    path: str,
    *,
    max_values: int = MAX_VALUES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Parse one YAML document into dicts, lists, text and None.

    Raises `YamlError` on syntax errors, duplicate keys, anchors, aliases,
    merge keys, tags other than the standard scalar ones, too many values or
    too deep nesting.
    """
    # The values built here form an acyclic tree; pausing the cyclic garbage
    # collector while building it saves most of the time of a large file.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(text, path, max_values, max_depth)
    finally:
        if was_enabled:
            gc.enable()


def _build(text: str, path: str, max_values: int, max_depth: int) -> Any:
    from yaml import events as ev

    ScalarEvent, MappingStartEvent, SequenceStartEvent = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    MappingEndEvent, SequenceEndEvent = ev.MappingEndEvent, ev.SequenceEndEvent
    AliasEvent, DocumentStartEvent = ev.AliasEvent, ev.DocumentStartEvent

    # Each open collection: [container, pending key or None, is_mapping, key lines]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    values = 0
    nulls = _NULLS
    for event in _events(text, path):
        kind = type(event)
        if kind is ScalarEvent:
            values += 1
            if values > max_values:
                line, col = _where(event)
                raise YamlError(
                    [_problem(path, line, col, TOO_LARGE, f"more than {max_values:,} values in one file")]
                )
            if event.anchor is not None or event.tag is not None:
                _refuse_properties(event, path, collection=False)
            raw = event.value
            is_key = bool(stack) and stack[-1][2] and stack[-1][1] is None
            if is_key:
                top = stack[-1]
                if raw == "<<" and not event.style:
                    line, col = _where(event)
                    raise YamlError(
                        [_problem(path, line, col, ALIAS, "merge key '<<' is not supported: write the keys out")]
                    )
                if raw in top[0]:
                    line, col = _where(event)
                    first = top[3].get(raw)
                    raise YamlError(
                        [
                            _problem(
                                path,
                                line,
                                col,
                                DUPLICATE_KEY,
                                f"duplicate key '{raw}' (first defined at line {first}); "
                                "YAML would silently keep only the last one: rename or remove one",
                            )
                        ]
                    )
                top[1] = raw
                top[3][raw] = event.start_mark.line + 1
                continue
            if not event.style and (raw in nulls or event.tag == _NULL_TAG):
                value: Any = None
            else:
                value = raw
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            values += 1
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                _refuse_properties(event, path, collection=True)
            if stack and stack[-1][2] and stack[-1][1] is None:
                line, col = _where(event)
                raise YamlError(
                    [_problem(path, line, col, SYNTAX, "a mapping key must be plain text, not a list or mapping")]
                )
            if len(stack) >= max_depth:
                line, col = _where(event)
                raise YamlError(
                    [_problem(path, line, col, TOO_LARGE, f"nested more than {max_depth} levels deep")]
                )
            if values > max_values:
                line, col = _where(event)
                raise YamlError(
                    [_problem(path, line, col, TOO_LARGE, f"more than {max_values:,} values in one file")]
                )
            if kind is MappingStartEvent:
                stack.append([{}, None, True, {}])
            else:
                stack.append([[], None, False, None])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is AliasEvent:
            line, col = _where(event)
            raise YamlError(
                [
                    _problem(
                        path,
                        line,
                        col,
                        ALIAS,
                        f"alias '*{event.anchor}' is not supported: write the value out"
                        " (aliases are refused so a small file cannot expand into millions of values)",
                    )
                ]
            )
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                line, col = _where(event)
                raise YamlError(
                    [_problem(path, line, col, SYNTAX, "more than one YAML document ('---'): keep one per file")]
                )
            continue
        else:
            continue
        if not stack:
            root = value
            continue
        top = stack[-1]
        if top[2]:
            top[0][top[1]] = value
            top[1] = None
        else:
            top[0].append(value)
    if documents == 0 or root is None:
        raise YamlError([_problem(path, 1, 1, SYNTAX, "the file is empty")])
    return root


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
            for event in _events(self._text, self._path):
                kind = type(event)
                if kind in (ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent, ev.AliasEvent):
                    line, col = _where(event)
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
