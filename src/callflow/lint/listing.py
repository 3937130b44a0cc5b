"""The flows of a folder at a glance (`callflow list`): id, title, nodes,
ends and lint status of each, libraries marked as such. Never prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callflow.flow.diagnostics import Severity
from callflow.flow.errors import FlowLoadError
from callflow.lint.runner import LintReport, flow_files, lint_file


@dataclass(frozen=True)
class Listed:
    path: str
    kind: str  # "flow", "library", or "invalid" (it does not load)
    id: str | None
    title: str | None
    nodes: int
    ends: int
    errors: int
    warnings: int
    first_problem: str | None = None

    @property
    def status(self) -> str:
        if self.kind == "invalid":
            return "invalid"
        if self.errors:
            return f"{self.errors} error{'s' if self.errors != 1 else ''}"
        if self.warnings:
            return f"{self.warnings} warning{'s' if self.warnings != 1 else ''}"
        return "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "nodes": self.nodes,
            "ends": self.ends,
            "lint": {"status": self.status, "errors": self.errors, "warnings": self.warnings, "first": self.first_problem},
        }


def list_flows(paths: list[str]) -> tuple[list[Listed], LintReport]:
    """Every flow and library file under the paths, with its lint status."""
    from callflow.flow.loadedflow import is_library_text, load_flow, load_library
    from callflow.flow.loader import read_file

    report = LintReport()
    found = []
    for path in flow_files(paths, report):
        problems = lint_file(path, report)
        errors = sum(1 for d in problems if d.severity is Severity.ERROR)
        warnings = len(problems) - errors
        first = str(problems[0]) if problems else None
        try:
            text = read_file(path)
            if is_library_text(text):
                library = load_library(path).library
                nodes = sum(len(p.nodes) for p in library.procedures.values())
                ends = sum(1 for p in library.procedures.values() for n in p.nodes.values() if n.end is not None)
                found.append(Listed(path, "library", library.library, library.title, nodes, ends, errors, warnings, first))
                continue
            flow = load_flow(path).written
        except FlowLoadError:
            found.append(Listed(path, "invalid", None, None, 0, 0, errors, warnings, first))
            continue
        ends = sum(1 for n in flow.nodes.values() if n.end is not None)
        found.append(Listed(path, "flow", flow.id, flow.title, len(flow.nodes), ends, errors, warnings, first))
    return found, report
