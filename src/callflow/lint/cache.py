"""Remembered lint results, so an unchanged file is not read into models again.

`callflow lint flows/` on save or in a pre-commit hook mostly sees files that
did not change. Their diagnostics are kept keyed by the file's exact bytes
(see callflow.flow.cachefiles for where, how entries are invalidated and how to
turn it off). A hit costs a hash and a small JSON read, and needs neither the
models nor the rules, which a fully cached run never imports.
"""

from __future__ import annotations

import json

from callflow.flow.cachefiles import CacheFolder
from callflow.flow.diagnostics import Diagnostic, Severity

RESULTS = CacheFolder("lint", ".json", max_entries=500)


def load(data: bytes, path: str) -> list[Diagnostic] | None:
    """The diagnostics linting exactly these bytes gave before, at `path`."""
    content = RESULTS.read(data)
    if content is None:
        return None
    try:
        rows = json.loads(content.decode("utf-8"))
        return [
            Diagnostic(path, int(line), int(col), str(code), Severity(severity), str(message))
            for line, col, code, severity, message in rows
        ]
    except (ValueError, TypeError):
        return None


def store(data: bytes, diagnostics: list[Diagnostic]) -> None:
    """Remember a file's diagnostics; failing to is harmless."""
    rows = [[d.line, d.col, d.code, d.severity.value, d.message] for d in diagnostics]
    RESULTS.write(data, json.dumps(rows, ensure_ascii=False).encode("utf-8"))
