"""Flow files seen together: a flow, the libraries it `uses:`, the flows that
use a library, and the scenarios of each flow. Definitions, references and
renames follow a name across all of them.

Texts come from a function (the editor's open documents first, else the file
on disk), so unsaved changes count; each file's names are remembered while
its text stays the same. Paths are absolute.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from callflow.editor.scenarionames import scenario_symbols
from callflow.editor.symbols import NODE, Name, Symbols, symbols_of
from callflow.flow.loadedflow import flows_root, resolve_library

SCENARIOS_SUFFIX = ".scenarios"
FLOW_SUFFIXES = (".yaml", ".yml")
MAX_FILES = 2000  # a folder of flows larger than this is not searched for users of a library


@dataclass(frozen=True)
class Place:
    """A name in a file."""

    path: str
    name: Name


def is_scenario(path: str) -> bool:
    return os.path.basename(os.path.dirname(path)).endswith(SCENARIOS_SUFFIX)


def scenario_flow(path: str) -> str | None:
    """The flow a file in `<flow>.scenarios/` belongs to."""
    folder = os.path.dirname(path)
    stem = os.path.basename(folder)[: -len(SCENARIOS_SUFFIX)]
    for suffix in FLOW_SUFFIXES:
        candidate = os.path.join(os.path.dirname(folder), stem + suffix)
        if os.path.isfile(candidate):
            return candidate
    return None


class Project:
    """The files around open documents, read through `read`."""

    def __init__(self, read: Callable[[str], str | None]) -> None:
        self.read = read
        self._symbols: dict[str, Symbols] = {}

    def symbols(self, path: str) -> Symbols | None:
        text = self.read(path)
        if text is None:
            return None
        known = self._symbols.get(path)
        if known is not None and known.text == text:
            return known
        made = scenario_symbols(text, path) if is_scenario(path) else symbols_of(text, path)
        self._symbols[path] = made
        return made

    def forget(self, path: str) -> None:
        self._symbols.pop(path, None)

    def libraries_of(self, path: str) -> list[str]:
        found = self.symbols(path)
        if found is None:
            return []
        libraries = []
        for used, _, _ in found.uses:
            target = resolve_library(path, used)
            if target is not None:
                libraries.append(os.path.abspath(target))
        return libraries

    def flow_files(self, path: str) -> Iterator[str]:
        """The flow and library files of the folder of flows `path` is in."""
        count = 0
        for folder, subfolders, names in os.walk(flows_root(path)):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and not d.endswith(SCENARIOS_SUFFIX))
            for name in sorted(names):
                if name.endswith(FLOW_SUFFIXES) and not name.startswith("."):
                    count += 1
                    if count > MAX_FILES:
                        return
                    yield os.path.abspath(os.path.join(folder, name))

    def users_of(self, library: str) -> list[str]:
        """The flows whose `uses:` names this library."""
        return [f for f in self.flow_files(library) if f != library and library in self.libraries_of(f)]

    def scenarios_of(self, flow: str) -> list[str]:
        folder = os.path.splitext(flow)[0] + SCENARIOS_SUFFIX
        if not os.path.isdir(folder):
            return []
        return sorted(
            os.path.abspath(os.path.join(folder, n)) for n in os.listdir(folder) if n.endswith(FLOW_SUFFIXES)
        )

    # -- where a name is defined ------------------------------------------------

    def definitions(self, path: str, name: Name) -> list[Place]:
        """Where the name written at `path` is defined (several for a value set in several places)."""
        if name.definition:
            return self._defined_in(path, name)
        home = scenario_flow(path) if is_scenario(path) else path
        if home is None:
            return []
        if name.kind == NODE and name.scope == "":
            return self._defined_in(home, name)
        if name.kind == NODE:
            # A procedure's node: in the file that defines the procedure.
            for candidate in [home, *self.libraries_of(home)]:
                found = self._defined_in(candidate, name)
                if found:
                    return found
            return []
        for candidate in [home, *self.libraries_of(home)]:
            found = self._defined_in(candidate, name)
            if found:
                return found
        return []

    def _defined_in(self, path: str, name: Name) -> list[Place]:
        found = self.symbols(path)
        if found is None:
            return []
        return [Place(path, n) for n in found.names if n.definition and n.key == name.key]

    # -- where a name is used ---------------------------------------------------

    def candidates(self, path: str) -> list[str]:
        """The files that may refer to what `path` defines."""
        files = [path]
        found = self.symbols(path)
        if found is not None and found.is_library:
            for user in self.users_of(path):
                files.append(user)
                files.extend(self.scenarios_of(user))
        else:
            files.extend(self.scenarios_of(path))
        return files

    def references(self, place: Place, *, include_definitions: bool = True) -> list[Place]:
        """Every place naming what `place` names, in every file that can."""
        targets = self.definitions(place.path, place.name)
        if not targets:
            return [place] if not place.name.definition else []
        home = {t.path for t in targets}
        key = targets[0].name.key
        found: list[Place] = []
        for path in dict.fromkeys(f for t in home for f in self.candidates(t)):
            symbols = self.symbols(path)
            if symbols is None:
                continue
            for name in symbols.names:
                if name.key != key:
                    continue
                if name.definition:
                    if include_definitions and path in home:
                        found.append(Place(path, name))
                elif any(d.path in home for d in self.definitions(path, name)):
                    found.append(Place(path, name))
        return found

    def reference_counts(self, path: str) -> dict[tuple[str, str, str], tuple[int, int]]:
        """Per definition in `path`: references in flow files, and in scenarios."""
        symbols = self.symbols(path)
        if symbols is None:
            return {}
        counts: dict[tuple[str, str, str], tuple[int, int]] = {}
        wanted = {n.key for n in symbols.names if n.definition}
        for other in self.candidates(path):
            found = self.symbols(other)
            if found is None:
                continue
            for name in found.names:
                if name.definition or name.key not in wanted:
                    continue
                if not any(d.path == path for d in self.definitions(other, name)):
                    continue
                flows, scenarios = counts.get(name.key, (0, 0))
                counts[name.key] = (flows, scenarios + 1) if is_scenario(other) else (flows + 1, scenarios)
        return counts
