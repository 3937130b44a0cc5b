"""A flow file loaded whole: validated, its libraries read, its calls expanded.

`load_flow(path)` gives a `LoadedFlow`: `source` is the flow as written,
`flow` the flat flow every walk uses (procedures called from its nodes, and
from its libraries' procedures, expanded; the libraries' fields, constants,
catalog items and ticket fields added). Every problem keeps the file and
position it comes from: `where(loc)` turns a key path of the flat flow into
(file, line, column) of the place it was written.

A library is a file with `library:` instead of `id:`/`start:`: procedures and
what they need, used by flows with `uses: [common/payment.yaml]`. Paths are
relative to the flow's file and stay inside the folder of flows (the nearest
folder named `flows`, else the flow's own folder).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from callflow.flow import cache as flowcache
from callflow.flow.diagnostics import Diagnostic, Severity
from callflow.flow.errors import FlowLoadError
from callflow.flow.index import FlowIndex
from callflow.flow.loader import INVALID_VALUE, read_file, validate_text
from callflow.flow.model import Flow, Library
from callflow.flow.positions import PositionIndex
from callflow.flow.procedures import Origin, SourceProcedure, expand
from callflow.flow.yamlsource import UNREADABLE

LIBRARY_PROBLEM = "CF013"
MAX_LIBRARIES = 50


@dataclass
class LoadedLibrary:
    """A library file read and validated."""

    library: Library
    path: str
    text: str
    positions: PositionIndex


@dataclass
class LoadedFlow:
    """A valid flow with what is needed to report positions in its files."""

    flow: Flow  # flat: calls expanded, library definitions added
    path: str
    text: str
    positions: PositionIndex
    source: Flow | None = None  # as written (None: the same as `flow`)
    origins: dict[str, Origin] = field(default_factory=dict)  # expanded node -> where it was written
    libraries: list[LoadedLibrary] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)  # of `uses:` and library definitions
    procedures: dict[str, SourceProcedure] = field(default_factory=dict)
    is_library: bool = False  # a library linted on its own
    too_large: bool = False  # the calls would expand beyond MAX_EXPANDED_NODES: not followed
    library_paths: list[str] = field(default_factory=list)  # every library named, loaded or not
    _index: FlowIndex | None = field(default=None, repr=False)

    @property
    def written(self) -> Flow:
        return self.source if self.source is not None else self.flow

    @property
    def index(self) -> FlowIndex:
        if self._index is None:
            self._index = FlowIndex.build(self.flow)
        return self._index

    def position(self, loc: Sequence[Any], *, at_key: bool = True) -> tuple[int, int]:
        """Line and column in this flow's own file (see `where` for any file)."""
        return self.positions.locate(loc, at_key=at_key)

    def written_at(self, loc: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        """The file and key path where `loc` of the flat flow was written."""
        loc = tuple(loc)
        if len(loc) >= 2 and loc[0] == "nodes":
            origin = self.origins.get(str(loc[1]))
            if origin is not None:
                return origin.path or self.path, origin.locate(loc[2:])
        return self.path, loc

    def source_of(self, path: str) -> tuple[str, PositionIndex]:
        """The text and positions of this flow's file or one of its libraries."""
        for library in self.libraries:
            if library.path == path:
                return library.text, library.positions
        return self.text, self.positions

    def where(self, loc: Sequence[Any], *, at_key: bool = True) -> tuple[str, int, int]:
        path, written = self.written_at(loc)
        line, col = self.source_of(path)[1].locate(written, at_key=at_key)
        return path, line, col

    def dependencies(self) -> list[str]:
        """The library files this flow's meaning depends on (named in `uses:`)."""
        return list(self.library_paths)


def load_flow(path: str, *, cache: bool = True) -> LoadedFlow:
    """Read and validate a flow file and its libraries; raises FlowLoadError
    with all problems of the flow file itself.

    A file whose exact text validated before is read back from the flow cache
    (see callflow.flow.cache) without parsing or validating it again.
    """
    return flow_from_text(read_file(path), path, cache=cache)


def flow_from_text(text: str, path: str, *, cache: bool = True) -> LoadedFlow:
    """Validate a flow's text (or read it back from the flow cache), then its
    libraries, and expand its calls."""
    source = _validated(Flow, text, path, cache)
    assert isinstance(source, Flow)
    return assemble(source, text, path, cache=cache)


def assemble(source: Flow, text: str, path: str, *, cache: bool = True) -> LoadedFlow:
    problems: list[Diagnostic] = []
    positions = PositionIndex(text, path)
    named: list[str] = []
    libraries = _libraries(source, path, positions, problems, cache, named)
    procedures = {name: SourceProcedure(p, None) for name, p in source.procedures.items()}
    merged = source
    for library in libraries:
        merged = _merge(merged, library, procedures, problems, positions, path)
    if not procedures:
        return LoadedFlow(
            merged, path, text, positions, source if merged is not source else None, {}, libraries, problems,
            library_paths=named,
        )
    expansion = expand(merged, procedures)
    return LoadedFlow(
        expansion.flow,
        path,
        text,
        positions,
        source,
        expansion.origins,
        libraries,
        problems,
        procedures,
        too_large=expansion.truncated,
        library_paths=named,
    )


def load_library(path: str, *, cache: bool = True) -> LoadedLibrary:
    """Read and validate a library file; raises FlowLoadError."""
    return library_from_text(read_file(path), path, cache=cache)


def library_from_text(text: str, path: str, *, cache: bool = True) -> LoadedLibrary:
    """Validate a library's text (or read it back from the flow cache)."""
    library = _validated(Library, text, path, cache)
    assert isinstance(library, Library)
    return LoadedLibrary(library, path, text, PositionIndex(text, path))


def library_as_flow(loaded: LoadedLibrary, *, cache: bool = True) -> LoadedFlow:
    """A library on its own, as a flow that calls each of its procedures in
    turn, so lint checks them with the same rules (reported in the library)."""
    from callflow.flow.model import Node
    from callflow.flow.steps import CallStep

    library = loaded.library
    names = list(library.procedures)
    steps: list[Any] = [CallStep(call=name) for name in names]
    start = "library"
    source = Flow(
        id=library.library,
        title=library.title or library.library,
        start=start,
        nodes={start: Node(steps=steps, end="library")},
        constants=dict(library.constants),
        catalog=dict(library.catalog),
        ticket_fields=dict(library.ticket_fields),
        fields=dict(library.fields),
        procedures=dict(library.procedures),
    )
    procedures = {name: SourceProcedure(p, None) for name, p in library.procedures.items()}
    expansion = expand(source, procedures)
    return LoadedFlow(
        expansion.flow, loaded.path, loaded.text, loaded.positions, source, expansion.origins, [], [], procedures, True
    )


def is_library_text(text: str) -> bool:
    """Whether a YAML file is a library (its top level has `library:`)."""
    return any(line.startswith("library:") for line in text.splitlines())


def _validated(model: type[Flow] | type[Library], text: str, path: str, cache: bool) -> Flow | Library:
    found = flowcache.load(text) if cache else None
    if not isinstance(found, model):
        found = validate_text(model, text, path)
        if cache:
            flowcache.store(text, found)
    return found


def _libraries(
    flow: Flow, path: str, positions: PositionIndex, problems: list[Diagnostic], cache: bool, named: list[str]
) -> list[LoadedLibrary]:
    found: list[LoadedLibrary] = []
    seen: set[str] = set()
    for i, used in enumerate(flow.uses[:MAX_LIBRARIES]):
        line, col = positions.locate(("uses", i), at_key=False)

        def problem(message: str, code: str = LIBRARY_PROBLEM, line: int = line, col: int = col) -> None:
            problems.append(Diagnostic(path, line, col, code, Severity.ERROR, message))

        target = resolve_library(path, used)
        if target is None:
            problem(f"'{used}' is outside the folder of flows: a library is a file under it, named from this file")
            continue
        named.append(target)
        real = os.path.realpath(target)
        if real in seen:
            problem(f"'{used}' is used twice")
            continue
        seen.add(real)
        try:
            library = load_library(target, cache=cache)
        except FlowLoadError as exc:
            first = exc.diagnostics[0]
            if first.code == UNREADABLE:
                problem(f"library '{used}' cannot be read: {first.message}")
            else:
                problem(f"library '{used}' has problems; lint it: callflow lint {target}")
            continue
        found.append(library)
    if len(flow.uses) > MAX_LIBRARIES:
        line, col = positions.locate(("uses", MAX_LIBRARIES), at_key=False)
        problems.append(Diagnostic(path, line, col, LIBRARY_PROBLEM, Severity.ERROR, f"more than {MAX_LIBRARIES} libraries"))
    return found


def flows_root(flow_path: str) -> str:
    """The folder a flow's libraries must be in: the nearest folder named
    `flows` above the flow, else the flow's own folder."""
    folder = os.path.dirname(os.path.abspath(flow_path))
    probe = folder
    while True:
        if os.path.basename(probe) == "flows":
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return folder
        probe = parent


def resolve_library(flow_path: str, used: str) -> str | None:
    """The path of a library named in `uses:`, or None if it lies outside the folder of flows."""
    if os.path.isabs(used):
        return None
    base = os.path.dirname(flow_path) or "."
    target = os.path.normpath(os.path.join(base, used))
    root = flows_root(flow_path)
    inside = os.path.commonpath([os.path.abspath(target), root]) == root
    return target if inside else None


def _merge(
    flow: Flow,
    loaded: LoadedLibrary,
    procedures: dict[str, SourceProcedure],
    problems: list[Diagnostic],
    positions: PositionIndex,
    path: str,
) -> Flow:
    """The flow with a library's definitions added; the flow's own win, and a
    different definition under the same name is a problem (at the library's)."""
    library = loaded.library
    changes: dict[str, Any] = {}
    for section in ("constants", "catalog", "ticket_fields", "fields"):
        ours: dict[str, Any] = dict(getattr(flow, section))
        for name, value in getattr(library, section).items():
            if name not in ours:
                ours[name] = value
            elif ours[name] != value:
                line, col = loaded.positions.locate((section, name))
                problems.append(
                    Diagnostic(
                        loaded.path,
                        line,
                        col,
                        INVALID_VALUE,
                        Severity.ERROR,
                        f"{section} '{name}' is defined differently in {path}: define it once, or the same way",
                    )
                )
        changes[section] = ours
    for name, procedure in library.procedures.items():
        if name in procedures:
            line, col = loaded.positions.locate(("procedures", name))
            where = "this flow" if procedures[name].path is None else procedures[name].path
            problems.append(
                Diagnostic(loaded.path, line, col, INVALID_VALUE, Severity.ERROR, f"procedure '{name}' is also defined in {where}: rename one")
            )
            continue
        procedures[name] = SourceProcedure(procedure, loaded.path)
    return dataclasses.replace(flow, **changes)
