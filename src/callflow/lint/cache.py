"""Remembered lint results, so an unchanged file is not read into models again.

`callflow lint flows/` on save or in a pre-commit hook mostly sees files that
did not change. Their diagnostics are kept keyed by the file's exact bytes and
by a fingerprint of everything that decides them: callflow's own source files,
the versions of pydantic, pydantic-core and PyYAML, and Python's version. A
hit costs a hash and a small JSON read, and needs neither the models nor the
rules, which a fully cached run never imports.

Entries live next to the flow cache (callflow.flowcache): in
$CALLFLOW_CACHE_DIR/lint, else $XDG_CACHE_HOME/callflow/lint, else
~/.cache/callflow/lint; CALLFLOW_NO_CACHE=1 turns both off. The folder is
private to the user; anything unreadable or odd is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path

from callflow.diagnostics import Diagnostic, Severity

# The same switches and place as callflow.flowcache (which imports the models,
# so it is not imported here).
CACHE_DIR_ENV = "CALLFLOW_CACHE_DIR"
NO_CACHE_ENV = "CALLFLOW_NO_CACHE"
MAX_ENTRIES = 500
FORMAT = 1

_fingerprint: str | None = None


def cache_dir() -> Path | None:
    """Where lint results are kept, or None when caching is off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        base = Path(explicit)
    else:
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = Path(root) / "callflow"
    return base / "lint"


def fingerprint() -> str:
    """Changes whenever anything that decides lint results may have changed."""
    global _fingerprint
    if _fingerprint is None:
        parts = [f"format {FORMAT}", sys.version]
        package = Path(__file__).resolve().parents[1]
        for path in sorted(package.rglob("*.py")):
            st = path.stat()
            parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
        for name in ("pydantic", "pydantic_core", "yaml"):
            spec = find_spec(name)
            origin = spec.origin if spec is not None else None
            if origin:
                st = os.stat(origin)
                parts.append(f"{name}:{origin}:{st.st_size}:{st.st_mtime_ns}")
        _fingerprint = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return _fingerprint


def key(data: bytes) -> str:
    digest = hashlib.sha256(fingerprint().encode("ascii"))
    digest.update(data)
    return digest.hexdigest()


def _private(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & 0o022


def load(data: bytes, path: str) -> list[Diagnostic] | None:
    """The diagnostics linting exactly these bytes gave before, at `path`."""
    directory = cache_dir()
    if directory is None:
        return None
    entry = directory / f"{key(data)}.json"
    if not (_private(directory) and _private(entry)):
        return None
    try:
        rows = json.loads(entry.read_text(encoding="utf-8"))
        return [Diagnostic(path, int(line), int(col), str(code), Severity(severity), str(message))
                for line, col, code, severity, message in rows]
    except (OSError, ValueError, TypeError):
        return None


def store(data: bytes, diagnostics: list[Diagnostic]) -> None:
    """Remember a file's diagnostics; failing to is harmless."""
    directory = cache_dir()
    if directory is None:
        return
    rows = [[d.line, d.col, d.code, d.severity.value, d.message] for d in diagnostics]
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory):
            return
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(rows, handle, ensure_ascii=False)
            os.replace(tmp, directory / f"{key(data)}.json")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(directory)
    except OSError:
        return


def _prune(directory: Path) -> None:
    entries = list(directory.glob("*.json"))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime)
    for old in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):  # another process pruned it first
            old.unlink()
