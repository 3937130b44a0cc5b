"""Running the rules: over one loaded flow, and over files and folders.

`lint_flow` is what `callflow run` calls before a call starts; `lint_paths`
is `callflow lint`: it finds the flow files, loads each (a file that fails
to load gives its load diagnostics), lints it, and says which paths could
not be read at all. A file linted before with exactly the same bytes gets
its remembered diagnostics (callflow.lint.cache); the models, the loader
and the rules are imported only when some file needs them.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from callflow.flow.diagnostics import Diagnostic, Severity
from callflow.flow.filetext import read_bytes
from callflow.flow.yamlsource import UNREADABLE, YamlError
from callflow.lint import cache

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow

FLOW_SUFFIXES = (".yaml", ".yml")
# Folders a search does not enter: scenarios (checked by `callflow test`),
# hidden folders (.git, .venv) and tool caches.
SCENARIOS_SUFFIX = ".scenarios"
SKIPPED_FOLDERS = frozenset(("__pycache__", "node_modules"))


def lint_flow(loaded: LoadedFlow) -> list[Diagnostic]:
    """Every problem of a loaded flow, sorted by line and column."""
    # Lint makes many small short-lived objects and no cycles; with a large
    # flow in memory, the cyclic collector's passes would cost more than the
    # rules themselves.
    from callflow.lint.context import LintContext
    from callflow.lint.rules import FAMILIES

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        ctx = LintContext(loaded)
        found: set[Diagnostic] = set(loaded.problems)
        for family in FAMILIES:
            found.update(family.check(ctx))
        # A procedure called from several places is checked at each; a problem
        # in it is reported once, where it was written.
        kept: dict[tuple[str, int, int, str], Diagnostic] = {}
        for diagnostic in sorted(found):
            kept.setdefault((diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.code), diagnostic)
        return sorted(kept.values())
    finally:
        if was_enabled:
            gc.enable()


class LintReport:
    """The problems of every file linted, the files, and the paths not readable."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.files: list[str] = []
        self.unreadable: list[str] = []

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)


def lint_paths(
    paths: Sequence[str], *, ignore: Iterable[str] = (), on_file: Callable[[str, int], None] | None = None
) -> LintReport:
    """Lint flow files and every flow file below folders; `on_file(path, total)`
    is told of each file linted (for a progress display)."""
    report = LintReport()
    skip = frozenset(ignore)
    seen: set[str] = set()
    found: list[Diagnostic] = []
    files = flow_files(paths, report)
    for path in files:
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        report.files.append(path)
        found.extend(lint_file(path, report))
        if on_file is not None:
            on_file(path, len(files))
    found.extend(report.diagnostics)  # paths that could not be read
    # A library is linted alone and with every flow that uses it: a problem
    # written in it is one problem, however many files see it.
    once = {(os.path.realpath(d.path), d.line, d.col, d.code, d.message): d for d in reversed(found)}
    report.diagnostics = sorted(d for d in once.values() if d.code not in skip)
    return report


def flow_files(paths: Sequence[str], report: LintReport) -> list[str]:
    """The files named, and the *.yaml / *.yml files below the folders named."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(_search(path, report))
        elif os.path.lexists(path):
            files.append(path)
        else:
            report.unreadable.append(path)
            report.diagnostics.append(_unreadable(path, "no such file or directory"))
    return files


def _search(top: str, report: LintReport) -> list[str]:
    files: list[str] = []

    def cannot(error: OSError) -> None:
        where = error.filename or top
        report.unreadable.append(where)
        report.diagnostics.append(_unreadable(where, f"cannot read the folder: {error.strerror}"))

    for folder, subfolders, names in os.walk(top, onerror=cannot):
        subfolders[:] = sorted(
            d for d in subfolders if not d.startswith(".") and d not in SKIPPED_FOLDERS and not d.endswith(SCENARIOS_SUFFIX)
        )
        for name in sorted(names):
            if name.endswith(FLOW_SUFFIXES) and not name.startswith("."):
                files.append(os.path.join(folder, name))
    return files


def _unreadable(path: str, why: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, UNREADABLE, Severity.ERROR, why)


def lint_file(path: str, report: LintReport | None = None) -> list[Diagnostic]:
    """The problems of one file: its load problems, or the rules' findings.

    Remembered results (callflow.lint.cache) and validated flows
    (callflow.flow.cache) spare an unchanged file the parsing and validation.
    """
    try:
        data = read_bytes(path)
    except YamlError as exc:
        if report is not None and exc.diagnostics[0].code == UNREADABLE:
            report.unreadable.append(path)
        return list(exc.diagnostics)
    return _remembered(data, path, lambda: _lint_data(data, path))


def lint_loaded(loaded: LoadedFlow) -> list[Diagnostic]:
    """`lint_flow`, remembered by the flow's text (what `callflow run` checks)."""
    return _remembered(loaded.text.encode("utf-8"), loaded.path, lambda: _with_dependencies(loaded))


def _remembered(
    data: bytes, path: str, lint: Callable[[], tuple[list[Diagnostic], list[str]]]
) -> list[Diagnostic]:
    remembered = cache.load(data, path)
    if remembered is not None:
        return remembered
    found, dependencies = lint()
    cache.store(data, path, found, dependencies)
    return found


def _with_dependencies(loaded: LoadedFlow) -> tuple[list[Diagnostic], list[str]]:
    return lint_flow(loaded), loaded.dependencies()


def _lint_data(data: bytes, path: str) -> tuple[list[Diagnostic], list[str]]:
    from callflow.flow.errors import FlowLoadError
    from callflow.flow.filetext import decode_text
    from callflow.flow.loadedflow import flow_from_text, is_library_text, library_as_flow, library_from_text

    try:
        text = decode_text(data, path)
        loaded = library_as_flow(library_from_text(text, path)) if is_library_text(text) else flow_from_text(text, path)
    except YamlError as exc:
        return list(exc.diagnostics), []
    except FlowLoadError as exc:
        return list(exc.diagnostics), []
    return _with_dependencies(loaded)
