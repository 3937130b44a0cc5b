"""`callflow lsp`: the language server, over stdio, built on pygls.

The only module that imports pygls and lsprotocol. Each document is linted
by the real lint (callflow.editor.checking) on open and on every change,
debounced: a change waits `debounce` seconds for the next keystroke, at most
one lint runs at a time in a worker thread, changes typed while it runs are
coalesced into one more run, and a result is published only for the version
it was computed from. Everything else (completion, hover, definition,
references, rename, code lens, quick fixes) is answered on the event loop
from the outlines of callflow.editor.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from callflow.editor.checking import Shown, lint_text, shown
from callflow.editor.lines import Lines
from callflow.editor.positions import from_client, to_client
from callflow.editor.project import Place, Project, is_scenario
from callflow.editor.symbols import ITEM, NODE, PROCEDURE, Name, Symbols
from callflow.flow.diagnostics import Diagnostic, Severity
from callflow.flow.filetext import read_bytes
from callflow.flow.scalars import BUILTIN_NAMES, IDENTIFIER_PATTERN, ITEM_CODE_PATTERN, NODE_ID_PATTERN
from callflow.flow.yamlsource import YamlError

SHOW_REFERENCES = "callflow.showReferences"
DEFAULT_DEBOUNCE = 0.03
log = logging.getLogger("callflow.lsp")


class FlowServer(LanguageServer):
    """The language server and what it keeps between messages."""

    def __init__(self, debounce: float = DEFAULT_DEBOUNCE, version: str = "") -> None:
        super().__init__("callflow", version, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.project = Project(self.read)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callflow-lint")
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.changed: dict[str, float] = {}  # when each document last changed (loop time)
        self.running: set[str] = set()
        self.dirty: set[str] = set()
        self.published: dict[str, list[Shown]] = {}
        self.complete_symbols: dict[str, Symbols] = {}

    # -- documents ----------------------------------------------------------------

    def open_documents(self) -> dict[str, Any]:
        found = {}
        for uri, doc in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path is not None:
                found[os.path.abspath(path)] = doc
        return found

    def read(self, path: str) -> str | None:
        """The editor's text of a file if it is open, else the file on disk."""
        doc = self.open_documents().get(path)
        if doc is not None:
            return str(doc.source)
        try:
            return read_bytes(path).decode("utf-8", errors="replace")
        except (YamlError, OSError):
            return None

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    def path_of(self, uri: str) -> str:
        return os.path.abspath(to_fs_path(uri) or uri)

    # -- diagnostics ----------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Lint a document soon: at once after a pause in typing (the leading
        edge), else once the keystrokes stop for `delay` seconds (the trailing
        edge); changes typed while a lint runs are coalesced into one more."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        last, self.changed[uri] = self.changed.get(uri), now
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        quiet = last is None or now - last >= delay
        if quiet and timer is None and uri not in self.running:
            self.start_lint(uri)
            return
        self.timers[uri] = loop.call_later(delay, self.start_lint, uri)

    def start_lint(self, uri: str) -> None:
        self.timers.pop(uri, None)
        if uri in self.running:
            self.dirty.add(uri)
            return
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return
        text, version, path = str(doc.source), doc.version, self.path_of(uri)
        self.running.add(uri)
        future = self.worker.submit(analyse, text, path, self.encoding)
        loop = asyncio.get_running_loop()
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self.finish_lint, uri, version, f))

    def finish_lint(self, uri: str, version: int | None, future: Future[tuple[list[Shown], list[lsp.Diagnostic]]]) -> None:
        self.running.discard(uri)
        doc = self.workspace.text_documents.get(uri)
        try:
            found, diagnostics = future.result()
        except Exception as exc:  # a bug must not stop the server: say it and go on
            log.exception("lint failed")
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Error, f"callflow lint failed: {exc!r}"))
            found, diagnostics = [], []
        if doc is not None and doc.version == version and uri not in self.dirty:
            self.published[uri] = found
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
            )
        if uri in self.dirty:
            self.dirty.discard(uri)
            self.start_lint(uri)

    def relint_users(self, path: str) -> None:
        """Open flows that use a library saved just now are linted again."""
        for other, doc in self.open_documents().items():
            if other != path and path in self.project.libraries_of(other):
                self.schedule(doc.uri, 0)

    # -- helpers for the requests -----------------------------------------------------

    def lines_of(self, path: str) -> Lines | None:
        symbols = self.project.symbols(path)
        return Lines(symbols.text) if symbols is not None else None

    def offset(self, uri: str, position: lsp.Position) -> tuple[str, Lines, int]:
        path = self.path_of(uri)
        text = self.read(path) or ""
        lines = Lines(text)
        line, col = from_client(lines, position.line, position.character, self.encoding)
        return path, lines, lines.offset(line, col)

    def range_of(self, lines: Lines, start: int, end: int) -> lsp.Range:
        a, b = lines.position(start), lines.position(end)
        return lsp.Range(
            lsp.Position(*to_client(lines, *a, self.encoding)), lsp.Position(*to_client(lines, *b, self.encoding))
        )

    def location(self, place: Place) -> lsp.Location | None:
        lines = self.lines_of(place.path)
        if lines is None:
            return None
        return lsp.Location(uri=from_fs_path(place.path) or place.path, range=self.range_of(lines, place.name.start, place.name.end))

    def name_at(self, uri: str, position: lsp.Position) -> tuple[str, Name] | None:
        path, _, offset = self.offset(uri, position)
        symbols = self.project.symbols(path)
        found = symbols.at(offset) if symbols is not None else None
        return (path, found) if found is not None else None


def analyse(text: str, path: str, encoding: str) -> tuple[list[Shown], list[lsp.Diagnostic]]:
    """Lint a document's text and place the problems in it (in the worker thread)."""
    found = shown(text, path, lint_text(text, path))
    lines = Lines(text)
    diagnostics = []
    for item in found:
        start = to_client(lines, *item.span.start, encoding)
        end = to_client(lines, *item.span.end, encoding)
        diagnostics.append(
            lsp.Diagnostic(
                range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
                message=item.message,
                severity=lsp.DiagnosticSeverity.Error
                if item.diagnostic.severity is Severity.ERROR
                else lsp.DiagnosticSeverity.Warning,
                code=item.diagnostic.code,
                source="callflow",
            )
        )
    return found, diagnostics


def build_server(debounce: float = DEFAULT_DEBOUNCE, version: str = "") -> FlowServer:
    """The server with every feature registered."""
    from callflow.editor import features

    server = FlowServer(debounce, version)
    features.register(server)
    return server


def serve(debounce: float = DEFAULT_DEBOUNCE, version: str = "") -> None:
    """Run the language server on stdin and stdout until the client exits."""
    import gc

    logging.basicConfig(level=logging.WARNING, format="callflow lsp: %(message)s")
    server = build_server(debounce, version)
    # What was imported lives as long as the server: keep it out of the
    # collector's passes, which would otherwise walk it on every full pass.
    gc.collect()
    gc.freeze()
    server.start_io()


RENAMEABLE = {
    NODE: NODE_ID_PATTERN,
    ITEM: ITEM_CODE_PATTERN,
    PROCEDURE: IDENTIFIER_PATTERN,
}


def check_new_name(name: Name, new: str) -> None:
    pattern = RENAMEABLE.get(name.kind, IDENTIFIER_PATTERN)
    if not re.match(pattern, new):
        raise JsonRpcInvalidParams(f"'{new}' is not a valid {name.kind} name (it must match {pattern})")
    if new in BUILTIN_NAMES:
        raise JsonRpcInvalidParams(f"'{new}' is a built-in name")


def own_diagnostic(path: str, lines: Lines, item: lsp.Diagnostic, encoding: str) -> Diagnostic:
    """A client's copy of a published diagnostic, back as callflow's value."""
    line, col = from_client(lines, item.range.start.line, item.range.start.character, encoding)
    severity = Severity.ERROR if item.severity == lsp.DiagnosticSeverity.Error else Severity.WARNING
    return Diagnostic(path, line + 1, col + 1, str(item.code or ""), severity, item.message)


def is_flow_document(path: str) -> bool:
    return path.endswith((".yaml", ".yml")) and not is_scenario(path)
