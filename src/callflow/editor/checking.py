"""Diagnostics of an open document: the real lint (the codes and positions
`callflow lint` prints), run on the editor's text instead of the file.

Nothing is written to the caches on the way (a keystroke is not worth a
cache file); the libraries a flow uses are read from disk. A problem the lint
reports in another file (a library's procedure, say) is shown on the
`uses:` entry that brings that file in, with its own position in the message.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass

from callflow.editor.lines import Lines, Span
from callflow.flow.diagnostics import Diagnostic, Severity
from callflow.flow.errors import FlowLoadError
from callflow.flow.filetext import decode_text
from callflow.flow.loadedflow import (
    flow_from_text,
    is_library_text,
    library_as_flow,
    library_from_text,
    resolve_library,
)
from callflow.flow.yamlsource import YamlError


@dataclass(frozen=True)
class Shown:
    """A diagnostic as the editor shows it: where it spans, and the lint's own value."""

    span: Span
    diagnostic: Diagnostic
    message: str


def lint_text(text: str, path: str) -> list[Diagnostic]:
    """Every problem of a flow or library text, as `callflow lint` finds them."""
    from callflow.lint.runner import lint_flow

    was_enabled = gc.isenabled()
    gc.disable()  # many short-lived objects and no cycles: see lint_flow
    try:
        data = text.encode("utf-8", "surrogatepass")
        try:
            decoded = decode_text(data, path)
            if is_library_text(decoded):
                loaded = library_as_flow(library_from_text(decoded, path, cache=False), cache=False)
            else:
                loaded = flow_from_text(decoded, path, cache=False)
        except (YamlError, FlowLoadError) as exc:
            return sorted(exc.diagnostics)
        return lint_flow(loaded)
    finally:
        if was_enabled:
            gc.enable()


def shown(text: str, path: str, diagnostics: list[Diagnostic]) -> list[Shown]:
    """The diagnostics placed in this document's text."""
    lines = Lines(text)
    mine = os.path.abspath(path)
    placed: list[Shown] = []
    for d in diagnostics:
        if os.path.abspath(d.path) == mine:
            placed.append(Shown(lines.token_span(d.line - 1, d.col - 1), d, d.message))
            continue
        span = _uses_entry(text, path, lines, d.path) or lines.token_span(0, 0)
        placed.append(Shown(span, d, f"{d.path}:{d.line}:{d.col}: {d.message}"))
    return placed


def _uses_entry(text: str, path: str, lines: Lines, other: str) -> Span | None:
    from callflow.editor.symbols import symbols_of

    target = os.path.abspath(other)
    for used, start, end in symbols_of(text, path).uses:
        resolved = resolve_library(path, used)
        if resolved is not None and os.path.abspath(resolved) == target:
            return lines.span(start, end)
    return None


def is_error(d: Diagnostic) -> bool:
    return d.severity is Severity.ERROR
