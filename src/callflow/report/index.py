"""The report's index: the facts of every file already read, so a second
report over thousands of receipts reads only the files that changed.

It is an SQLite database (the standard library's sqlite3) in the user's
cache folder (callflow.flow.cachefiles: private to the user, off with
CALLFLOW_NO_CACHE=1), never in a folder being reported on: a shared drive
gets no database file. One database per set of folders, named by them and
by callflow's own fingerprint, so a new callflow rebuilds it. A file is
known by its path, size and modification time as a search found them before
reading it: a file that changes (a journal growing, a receipt being
written) differs by the next run and is read again; a file no longer there
is dropped.

Facts are stored with `marshal` (fast, and the fingerprint names the Python
that wrote them). With caching off, or a cache that cannot be used (not
private, locked by another report, damaged), the same database lives in a
temporary file deleted afterwards: the report is the same, only slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callflow.flow.cachefiles import cache_root, fingerprint
from callflow.report.extract import SKIP, Facts, read_facts
from callflow.report.sources import Found

FOLDER = "report"
MAX_INDEXES = 8
BATCH = 2000
SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, session TEXT, facts BLOB);
CREATE INDEX IF NOT EXISTS files_by_session ON files (session, path);
"""


@dataclass
class Synced:
    """How the index met the files: read now, known already, gone."""

    read: int = 0
    known: int = 0
    gone: int = 0


def _private_folder(folder: Path) -> bool:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return False
    return (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & 0o077


def index_path(roots: Iterable[str]) -> Path | None:
    """Where the index of these folders lives; None when caching is off."""
    root = cache_root()
    if root is None:
        return None
    key = hashlib.sha256(fingerprint().encode("ascii"))
    for folder in sorted(os.path.realpath(r) for r in roots):
        key.update(b"\0" + os.fsencode(folder))
    return root / FOLDER / f"{key.hexdigest()[:32]}.sqlite"


class Index:
    """The facts of the files of one set of folders."""

    def __init__(self, db: sqlite3.Connection, path: Path | None, temporary: bool) -> None:
        self.db = db
        self.path = path
        self.temporary = temporary

    @classmethod
    def open(cls, roots: Iterable[str]) -> Index:
        path = index_path(list(roots))
        if path is not None and _private_folder(path.parent):
            db = _connect(path)
            if db is not None:
                _prune(path.parent, keep=path)
                return cls(db, path, temporary=False)
        return cls.temporary_index()

    @classmethod
    def temporary_index(cls) -> Index:
        """An index in a temporary file (deleted on close), in memory if even that fails."""
        fd, name = tempfile.mkstemp(prefix="callflow-report-", suffix=".sqlite")
        os.close(fd)
        os.unlink(name)
        db = _connect(Path(name))
        if db is None:
            db = sqlite3.connect(":memory:")
            db.executescript(SCHEMA)
            return cls(db, None, temporary=True)
        return cls(db, Path(name), temporary=True)

    def close(self) -> None:
        self.db.close()
        if self.temporary and self.path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)

    def sync(self, found: Iterable[Found]) -> Synced:
        """Bring the index up to the files found: read the new and changed
        ones, forget the ones gone."""
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.listing")
        db.execute("DROP TABLE IF EXISTS temp.todo")
        db.execute("CREATE TEMP TABLE listing (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, kind TEXT)")
        db.executemany(
            "INSERT OR IGNORE INTO listing VALUES (?, ?, ?, ?)", ((f.path, f.size, f.mtime_ns, f.kind) for f in found)
        )
        db.execute(
            "CREATE TEMP TABLE todo AS SELECT l.path, l.size, l.mtime, l.kind FROM listing l "
            "LEFT JOIN files f ON f.path = l.path WHERE f.path IS NULL OR f.size != l.size OR f.mtime != l.mtime"
        )
        synced = Synced()
        batch: list[tuple[str, int, int, str, bytes]] = []
        for path, size, mtime, kind in db.execute("SELECT path, size, mtime, kind FROM todo"):
            facts = read_facts(Path(path), kind)
            session = "" if facts["k"] == SKIP else str(facts.get("s", ""))
            batch.append((path, size, mtime, session, marshal.dumps(facts)))
            if len(batch) >= BATCH:
                self._store(batch)
                synced.read += len(batch)
                batch = []
        self._store(batch)
        synced.read += len(batch)
        synced.gone = db.execute("DELETE FROM files WHERE path NOT IN (SELECT path FROM listing)").rowcount
        synced.known = db.execute("SELECT count(*) FROM listing").fetchone()[0] - synced.read
        db.execute("DROP TABLE temp.todo")
        db.commit()
        return synced

    def _store(self, batch: list[tuple[str, int, int, str, bytes]]) -> None:
        if batch:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", batch)

    def facts(self) -> Iterator[tuple[str, Facts]]:
        """Every file's facts, the files of one session together."""
        for path, blob in self.db.execute("SELECT path, facts FROM files ORDER BY session, path"):
            try:
                facts: Any = marshal.loads(blob)
            except (ValueError, EOFError, TypeError):
                continue
            if isinstance(facts, dict):
                yield path, facts


def _connect(path: Path) -> sqlite3.Connection | None:
    """An open index, made if new; None if it cannot be used (locked, or damaged
    and not made again)."""
    for _ in range(2):
        try:
            if not path.exists():
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            db = sqlite3.connect(path, timeout=2.0)
            db.execute("PRAGMA synchronous = OFF")  # a cache: a torn one is rebuilt
            db.execute("PRAGMA temp_store = FILE")
            db.executescript(SCHEMA)
            db.execute("SELECT count(*) FROM files").fetchone()
            return db
        except sqlite3.OperationalError:
            return None  # locked by another report: a temporary index instead
        except (sqlite3.DatabaseError, OSError):
            with contextlib.suppress(OSError):
                path.unlink()  # damaged: start again
    return None


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest few indexes (other folder sets, older callflows)."""
    try:
        others = sorted((p for p in folder.glob("*.sqlite") if p != keep), key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    for old in others[: max(0, len(others) - (MAX_INDEXES - 1))]:
        with contextlib.suppress(OSError):
            old.unlink()
