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
import itertools
import marshal
import os
import pickle
import sqlite3
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callflow.flow.cachefiles import cache_root, fingerprint
from callflow.report.extract import SKIP, Facts
from callflow.report.readfile import read_facts
from callflow.report.sources import Found

FOLDER = "report"
MAX_INDEXES = 8
BATCH = 2000
PARALLEL_FROM = 2000  # files to read: from this many, one process per core parses them
PARALLEL_BATCH = 8000
MAX_WORKERS = 8
CACHE_KIB = 16384  # SQLite's page cache
SHARDS = 64
Row = tuple[int, str, str, int, int, bytes]
# Rows are appended as files are read; one index gives the files of a call
# together (by session), the other answers "is this file known, at this size
# and time?" without touching the facts.
SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    shard INTEGER NOT NULL, session TEXT NOT NULL, path TEXT NOT NULL, size INTEGER, mtime INTEGER, facts BLOB
);
CREATE INDEX IF NOT EXISTS files_by_session ON files (shard, session, path);
CREATE UNIQUE INDEX IF NOT EXISTS files_by_path ON files (path, size, mtime);
CREATE TABLE IF NOT EXISTS shards (shard INTEGER PRIMARY KEY, generation INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    shard INTEGER NOT NULL, filters TEXT NOT NULL, generation INTEGER NOT NULL, counts BLOB,
    PRIMARY KEY (shard, filters)
);
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
            "CREATE TEMP TABLE todo AS SELECT l.path, l.size, l.mtime, l.kind, f.path IS NOT NULL AS known "
            "FROM listing l LEFT JOIN files f ON f.path = l.path WHERE f.path IS NULL OR f.size != l.size OR f.mtime != l.mtime"
        )
        # A changed file's old row goes first (it may now name another session).
        touched = {shard for (shard,) in db.execute(
            "SELECT DISTINCT shard FROM files WHERE path IN (SELECT path FROM todo WHERE known)")}
        db.execute("DELETE FROM files WHERE path IN (SELECT path FROM todo WHERE known)")
        synced = Synced()
        (count,) = db.execute("SELECT count(*) FROM todo").fetchone()
        todo = db.execute("SELECT path, size, mtime, kind FROM todo")
        rows = _read_in_parallel(todo, count) if count >= PARALLEL_FROM else (_row(*item) for item in todo)
        batch: list[Row] = []
        for row in rows:
            touched.add(row[0])
            batch.append(row)
            if len(batch) >= BATCH:
                self._store(batch)
                synced.read += len(batch)
                batch = []
        self._store(batch)
        synced.read += len(batch)
        touched |= {shard for (shard,) in db.execute(
            "SELECT DISTINCT shard FROM files WHERE path NOT IN (SELECT path FROM listing)")}
        synced.gone = db.execute("DELETE FROM files WHERE path NOT IN (SELECT path FROM listing)").rowcount
        db.executemany("INSERT OR IGNORE INTO shards VALUES (?, 0)", ((shard,) for shard in touched))
        db.executemany("UPDATE shards SET generation = generation + 1 WHERE shard = ?", ((shard,) for shard in touched))
        synced.known = db.execute("SELECT count(*) FROM listing").fetchone()[0] - synced.read
        db.execute("DROP TABLE temp.todo")
        db.commit()
        return synced

    def _store(self, batch: list[Row]) -> None:
        if batch:
            self.db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)", batch)

    def facts(self) -> Iterator[tuple[str, Facts]]:
        """Every file's facts, the files of one session together."""
        return _loaded(self.db.execute("SELECT path, facts FROM files ORDER BY shard, session, path"))

    def shard_facts(self, shard: int) -> Iterator[tuple[str, Facts]]:
        return _loaded(self.db.execute("SELECT path, facts FROM files WHERE shard = ? ORDER BY session, path", (shard,)))

    def session_facts(self, shard: int, sessions: Iterable[str]) -> Iterator[tuple[str, Facts]]:
        for session in sorted(set(sessions)):
            yield from _loaded(self.db.execute(
                "SELECT path, facts FROM files WHERE shard = ? AND session = ? ORDER BY path", (shard, session)))

    def generations(self) -> list[tuple[int, int]]:
        """Each shard and its generation (up by one whenever a file of it is read or gone)."""
        return list(self.db.execute("SELECT shard, generation FROM shards ORDER BY shard"))

    def kept(self, shard: int, generation: int, filters: str) -> Any:
        """The counts kept of a shard at this generation under these filters, if any."""
        found = self.db.execute(
            "SELECT counts FROM parts WHERE shard = ? AND filters = ? AND generation = ?", (shard, filters, generation)
        ).fetchone()
        if found is None:
            return None
        try:
            return pickle.loads(found[0])  # written by this callflow into the user's private cache
        except Exception:  # a damaged or foreign blob: counted again
            return None

    def keep(self, shard: int, generation: int, filters: str, counts: object) -> None:
        if self.temporary:
            return
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("DELETE FROM parts WHERE shard = ? AND generation != ?", (shard, generation))
            self.db.execute(
                "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?)",
                (shard, filters, generation, pickle.dumps(counts, protocol=pickle.HIGHEST_PROTOCOL)),
            )

    def commit(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.commit()


def _loaded(rows: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, Facts]]:
    for path, blob in rows:
        try:
            facts: Any = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            continue
        if isinstance(facts, dict):
            yield path, facts


def shard_of(session: str) -> int:
    """The shard of a session's files: every file of one call in one shard.
    Session ids start with the day the call started (`20261123-140512-…`):
    the calls of one day share a shard, so a day's new receipts make one
    shard to count again, not all of them."""
    day = session[:8]
    key = day if len(day) == 8 and day.isdigit() else session
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS


def _row(path: str, size: int, mtime: int, kind: str) -> Row:
    """A file read: its index row (shard, session, path, size, mtime, facts)."""
    facts = read_facts(path, kind)
    session = "" if facts["k"] == SKIP else str(facts.get("s", ""))
    return (shard_of(session), session, path, size, mtime, marshal.dumps(facts))


def _rows(items: list[tuple[str, int, int, str]]) -> list[Row]:
    return [_row(*item) for item in items]


def _read_in_parallel(todo: Iterable[tuple[str, int, int, str]], count: int) -> Iterator[Row]:
    """The rows of many files, read and parsed by one process per core (a
    report over a new drive of receipts is parsing JSON); batches go out
    while the rows of the last come back, so memory holds two batches."""
    workers = cores()
    if workers < 2:
        yield from (_row(*item) for item in todo)
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    items = iter(todo)
    with context.Pool(workers) as pool:
        pending = None
        while True:
            batch = list(itertools.islice(items, PARALLEL_BATCH))
            submitted = pool.map_async(_rows, _split(batch, workers * 4)) if batch else None
            if pending is not None:
                for rows in pending.get():
                    yield from rows
            if submitted is None:
                break
            pending = submitted


def cores() -> int:
    """The processes worth starting: the cores this process may run on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_WORKERS))


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // parts))
    return [items[i : i + size] for i in range(0, len(items), size)]


def read_only(path: str) -> Index:
    """The index at `path`, opened to read only (a worker counting a shard)."""
    db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB // 4}")
    return Index(db, None, temporary=False)


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
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # a bound, whatever the number of files
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
