"""The private folder where callflow remembers work it need not do again.

Two caches live here: validated flows (callflow.flow.cache) and lint results
(callflow.lint.cache). Both key an entry by the exact input and by a
fingerprint of everything that decides the result: callflow's own source
files, the versions of pydantic, pydantic-core and PyYAML, and Python's.

The folder is $CALLFLOW_CACHE_DIR, else $XDG_CACHE_HOME/callflow, else
~/.cache/callflow; CALLFLOW_NO_CACHE=1 turns caching off. It is private to the
user (0700, files 0600); an entry owned by someone else or writable by others
is ignored, and anything unreadable is a miss, never an error. Writing an
entry is atomic (a temporary file, then a rename), and old entries are pruned.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from importlib.util import find_spec
from pathlib import Path

CACHE_DIR_ENV = "CALLFLOW_CACHE_DIR"
NO_CACHE_ENV = "CALLFLOW_NO_CACHE"

_fingerprint: str | None = None


def cache_root() -> Path | None:
    """The cache folder, or None when caching is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "callflow"


def package_folder() -> Path:
    """The folder of the whole callflow package (this module lives in callflow/flow/)."""
    return Path(__file__).resolve().parents[1]


def source_files() -> list[Path]:
    """Every source file of callflow: a change to any of them may change a cached result."""
    return sorted(package_folder().rglob("*.py"))


def fingerprint() -> str:
    """Changes whenever anything that decides a cached result may have changed."""
    global _fingerprint
    if _fingerprint is None:
        parts = [sys.version]
        package = package_folder()
        for path in source_files():
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


def _private(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & 0o022


class CacheFolder:
    """One kind of entry (`*.<suffix>`) in a folder of the cache."""

    def __init__(self, name: str, suffix: str, max_entries: int) -> None:
        self.name = name  # "" for the cache folder itself
        self.suffix = suffix
        self.max_entries = max_entries

    def _directory(self) -> Path | None:
        root = cache_root()
        if root is None:
            return None
        return root / self.name if self.name else root

    def key(self, data: bytes) -> str:
        digest = hashlib.sha256(fingerprint().encode("ascii") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def read(self, data: bytes) -> bytes | None:
        """What was written for exactly this input, if anything."""
        directory = self._directory()
        if directory is None:
            return None
        entry = directory / f"{self.key(data)}{self.suffix}"
        if not (_private(directory) and _private(entry)):
            return None
        try:
            return entry.read_bytes()
        except OSError:
            return None

    def write(self, data: bytes, content: bytes) -> None:
        """Remember `content` for this input; failing to (read-only home, full disk) is harmless."""
        directory = self._directory()
        if directory is None:
            return
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(directory):
                return
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=self.suffix + ".part")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                os.replace(tmp, directory / f"{self.key(data)}{self.suffix}")
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            self._prune(directory)
        except OSError:
            return

    def _prune(self, directory: Path) -> None:
        entries = list(directory.glob(f"*{self.suffix}"))
        if len(entries) <= self.max_entries:
            return
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[: -self.max_entries]:
            with contextlib.suppress(OSError):  # another process pruned it first
                old.unlink()
