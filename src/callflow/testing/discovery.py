"""Finding scenarios and flows under the paths given to `callflow test`.

- a folder is searched recursively: files in a `<flow>.scenarios/` folder are
  scenarios; any other YAML file is a flow if it has `nodes:` and a scenario
  if it has `expect:` (a scenario kept elsewhere, naming its flow);
- a flow file brings the scenarios of its `<flow>.scenarios/` folder;
- any other file is a scenario.

Hidden folders are skipped. Results are sorted, so runs are reproducible.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.errors import FlowLoadError
from callflow.flow.loader import load_data
from callflow.testing.scenario import FLOW_SUFFIXES, SCENARIOS_SUFFIX, scenarios_folder_of


@dataclass
class Found:
    scenarios: list[str] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    unreadable: list[Diagnostic] = field(default_factory=list)

    def add_scenario(self, path: Path) -> None:
        text = os.path.normpath(path)
        if text not in self.scenarios:
            self.scenarios.append(text)

    def add_flow(self, path: Path) -> None:
        text = os.path.normpath(path)
        if text not in self.flows:
            self.flows.append(text)


def _is_yaml(path: Path) -> bool:
    return path.suffix in FLOW_SUFFIXES


def _in_scenarios_folder(path: Path) -> bool:
    return any(part.endswith(SCENARIOS_SUFFIX) for part in path.parent.parts)


def _kind(path: Path, found: Found, *, quiet: bool) -> str | None:
    """"flow", "scenario" or None (neither) by the file's top-level keys."""
    try:
        data, _ = load_data(str(path))
    except FlowLoadError as exc:
        if not quiet:
            found.unreadable.extend(exc.diagnostics)
        return None
    if isinstance(data, dict):
        if "nodes" in data:
            return "flow"
        if "expect" in data:
            return "scenario"
    return None


def _scenarios_in(folder: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [Path(root) / n for n in sorted(names) if _is_yaml(Path(n)) and not n.startswith(".")]
    return files


def discover(paths: list[str]) -> Found:
    """Every scenario and flow under the paths, in a stable order."""
    found = Found()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            _walk_folder(path, found)
        elif _in_scenarios_folder(path):
            found.add_scenario(path)
        elif path.is_file() and _kind(path, found, quiet=True) == "flow":
            found.add_flow(path)
            folder = scenarios_folder_of(path)
            if folder.is_dir():
                for scenario in _scenarios_in(folder):
                    found.add_scenario(scenario)
        else:
            found.add_scenario(path)  # loading it reports what is wrong
    found.scenarios.sort()
    found.flows.sort()
    return found


def _walk_folder(folder: Path, found: Found) -> None:
    if folder.name.endswith(SCENARIOS_SUFFIX):
        for scenario in _scenarios_in(folder):
            found.add_scenario(scenario)
        return
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(root)
        for d in list(dirs):
            if d.endswith(SCENARIOS_SUFFIX):
                dirs.remove(d)
                for scenario in _scenarios_in(here / d):
                    found.add_scenario(scenario)
        for name in sorted(names):
            path = here / name
            if not _is_yaml(path) or name.startswith("."):
                continue
            kind = _kind(path, found, quiet=False)
            if kind == "flow":
                found.add_flow(path)
            elif kind == "scenario":
                found.add_scenario(path)
