"""A cache of validated flows, so a call starts without re-validating an unchanged file.

Validating a flow needs pydantic, whose import alone costs more than the rest
of callflow's start-up. A flow that validated once is stored, keyed by its
exact text and by the model it was validated into, and read back as the
model's dataclasses: no YAML parsing, no pydantic.

The cache lives in $CALLFLOW_CACHE_DIR, else $XDG_CACHE_HOME/callflow, else
~/.cache/callflow; CALLFLOW_NO_CACHE=1 turns it off. Entries are pickles of
callflow's own dataclasses, so the folder and files are private to the user
(0700/0600) and an entry owned by someone else or writable by others is
ignored. Any entry that cannot be read is treated as absent.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from callflow import __version__, constraints, model
from callflow.model import Flow

CACHE_DIR_ENV = "CALLFLOW_CACHE_DIR"
NO_CACHE_ENV = "CALLFLOW_NO_CACHE"
MAX_ENTRIES = 200


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "callflow"


def _model_fingerprint() -> str:
    """Changes whenever the classes a cached flow is made of may have changed."""
    parts = [__version__]
    for module in (model, constraints):
        st = os.stat(module.__file__ or "")
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def cache_key(text: str) -> str:
    digest = hashlib.sha256(_model_fingerprint().encode("utf-8") + b"\0")
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def _private(path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return owner_ok and not st.st_mode & 0o022


def load(text: str) -> Flow | None:
    """The flow validated earlier from exactly this text, if cached."""
    directory = cache_dir()
    if directory is None:
        return None
    entry = directory / f"{cache_key(text)}.pickle"
    if not (_private(directory) and _private(entry)):
        return None
    try:
        with open(entry, "rb") as handle:
            flow = pickle.load(handle)
    except Exception:
        return None
    return flow if isinstance(flow, Flow) else None


def store(text: str, flow: Flow) -> None:
    """Remember a validated flow; failing to (read-only home, full disk) is harmless."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory):
            return
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(flow, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, directory / f"{cache_key(text)}.pickle")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(directory)
    except OSError:
        return


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-MAX_ENTRIES]:
        with contextlib.suppress(OSError):  # another process pruned it first
            old.unlink()
