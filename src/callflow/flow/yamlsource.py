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

Positions are not kept on the fast path: `callflow.flow.positions` re-reads the
text on demand to turn a path such as ``("nodes", "D-2-4", "steps", 3)`` into
a line and column. Reading the file itself is `callflow.flow.filetext`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from typing import Any

from callflow.flow.diagnostics import Diagnostic, Severity

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


def load_problem(path: str, line: int, col: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, col, code, Severity.ERROR, message)


class YamlError(Exception):
    """Carries the diagnostics of a file that cannot be read as plain YAML data."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(str(diagnostics[0]))
        self.diagnostics = list(diagnostics)


def yaml_events(text: str, path: str) -> Iterator[Any]:
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
        return YamlError([load_problem(path, line, col, SYNTAX, f"YAML syntax error: {problem}")])
    return YamlError([load_problem(path, 1, 1, SYNTAX, f"YAML syntax error: {exc}")])


def event_position(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return mark.line + 1, mark.column + 1


def _refuse_properties(event: Any, path: str, *, collection: bool) -> None:
    if event.anchor is not None:
        line, col = event_position(event)
        raise YamlError(
            [
                load_problem(
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
        line, col = event_position(event)
        shown = "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag
        raise YamlError(
            [load_problem(path, line, col, TAG, f"tag '{shown}' is not supported: remove it and write plain text")]
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
    for event in yaml_events(text, path):
        kind = type(event)
        if kind is ScalarEvent:
            values += 1
            if values > max_values:
                line, col = event_position(event)
                raise YamlError(
                    [load_problem(path, line, col, TOO_LARGE, f"more than {max_values:,} values in one file")]
                )
            if event.anchor is not None or event.tag is not None:
                _refuse_properties(event, path, collection=False)
            raw = event.value
            is_key = bool(stack) and stack[-1][2] and stack[-1][1] is None
            if is_key:
                top = stack[-1]
                if raw == "<<" and not event.style:
                    line, col = event_position(event)
                    raise YamlError(
                        [load_problem(path, line, col, ALIAS, "merge key '<<' is not supported: write the keys out")]
                    )
                if raw in top[0]:
                    line, col = event_position(event)
                    first = top[3].get(raw)
                    raise YamlError(
                        [
                            load_problem(
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
                line, col = event_position(event)
                raise YamlError(
                    [load_problem(path, line, col, SYNTAX, "a mapping key must be plain text, not a list or mapping")]
                )
            if len(stack) >= max_depth:
                line, col = event_position(event)
                raise YamlError(
                    [load_problem(path, line, col, TOO_LARGE, f"nested more than {max_depth} levels deep")]
                )
            if values > max_values:
                line, col = event_position(event)
                raise YamlError(
                    [load_problem(path, line, col, TOO_LARGE, f"more than {max_values:,} values in one file")]
                )
            if kind is MappingStartEvent:
                stack.append([{}, None, True, {}])
            else:
                stack.append([[], None, False, None])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is AliasEvent:
            line, col = event_position(event)
            raise YamlError(
                [
                    load_problem(
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
                line, col = event_position(event)
                raise YamlError(
                    [load_problem(path, line, col, SYNTAX, "more than one YAML document ('---'): keep one per file")]
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
        raise YamlError([load_problem(path, 1, 1, SYNTAX, "the file is empty")])
    return root
