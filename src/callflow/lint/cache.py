"""Remembered lint results, so an unchanged file is not read into models again.

`callflow lint flows/` on save or in a pre-commit hook mostly sees files that
did not change. Their diagnostics are kept keyed by the file's exact bytes
(see callflow.flow.cachefiles for where, how entries are invalidated and how to
turn it off). A flow that uses libraries depends on them too: the entry names
each library with a digest of its bytes, and is a miss once one changed, or
for the same text in another folder (its `uses:` names other files there). A hit
costs a hash and a small JSON read, and needs neither the models nor the
rules, which a fully cached run never imports.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence

from callflow.flow.cachefiles import CacheFolder
from callflow.flow.diagnostics import Diagnostic, Severity

RESULTS = CacheFolder("lint", ".json", max_entries=500)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def load(data: bytes, path: str) -> list[Diagnostic] | None:
    """The diagnostics linting exactly these bytes gave before, at `path`."""
    content = RESULTS.read(data)
    if content is None:
        return None
    try:
        entry = json.loads(content.decode("utf-8"))
        if entry["deps"] and entry.get("dir") != _folder(path):
            return None  # the same text elsewhere names other libraries (`uses:` is relative)
        for dependency, digest in entry["deps"]:
            if _digest(str(dependency)) != digest:
                return None
        return [
            Diagnostic(str(where) if where else path, int(line), int(col), str(code), Severity(severity), str(message))
            for where, line, col, code, severity, message in entry["rows"]
        ]
    except (ValueError, TypeError, KeyError):
        return None


def store(data: bytes, path: str, diagnostics: list[Diagnostic], dependencies: Sequence[str] = ()) -> None:
    """Remember a file's diagnostics and what they depend on; failing to is harmless."""
    deps = []
    for dependency in dependencies:
        digest = _digest(dependency)
        if digest is None:
            return  # a library that cannot be read now: do not remember
        deps.append([dependency, digest])
    rows = [[None if d.path == path else d.path, d.line, d.col, d.code, d.severity.value, d.message] for d in diagnostics]
    entry = {"deps": deps, "rows": rows, "dir": _folder(path) if deps else None}
    RESULTS.write(data, json.dumps(entry, ensure_ascii=False).encode("utf-8"))


def _folder(path: str) -> str:
    return os.path.dirname(os.path.realpath(path))
