"""The files a report reads: receipts, quiz reports and journals under the
folders it is given, found without writing anything there.

A folder is searched all the way down (a shared drive may keep a folder per
director or per month): `*.json` files are receipts or quiz reports,
`journal/*.jsonl` files session journals. Hidden names are left out: that is
where receipts are being written (`.tmp-*.part`), and so are symbolic links
to folders (a link back up would go round for ever). A file can be given
instead of a folder. A folder that cannot be listed is reported, not fatal,
unless it is one the user named.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from callflow.flow.errors import CallflowError, ExitCode
from callflow.record.journal import JOURNAL_DIR, JOURNAL_SUFFIX
from callflow.report.extract import JOURNAL, RECEIPT


class SourceError(CallflowError):
    """A folder or file named on the command line that cannot be read."""

    exit_code = ExitCode.LOAD


class Found(NamedTuple):
    """One file to read, with what its stat said when it was found."""

    path: str
    size: int
    mtime_ns: int
    kind: str  # RECEIPT (a receipt or a quiz report) or JOURNAL


@dataclass
class Listing:
    """What a search of the folders found besides the files."""

    roots: list[str]
    unlistable: list[str] = field(default_factory=list)  # folders that could not be listed

    def files(self) -> Iterator[Found]:
        for root in self.roots:
            if os.path.isdir(root):
                yield from self._walk(root)
            else:
                found = _entry(root, Path(root).parent.name == JOURNAL_DIR)
                if found is not None:
                    yield found

    def _walk(self, top: str) -> Iterator[Found]:
        pending = [top]
        while pending:
            folder = pending.pop()
            in_journal = os.path.basename(folder) == JOURNAL_DIR
            subfolders: list[str] = []
            try:
                # Read as listed, not sorted: a folder of 100,000 receipts is never held whole.
                with os.scandir(folder) as entries:
                    for entry in entries:
                        name = entry.name
                        if name[0] == ".":
                            continue
                        kind = RECEIPT if name.endswith(".json") else JOURNAL if in_journal and name.endswith(JOURNAL_SUFFIX) else None
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                subfolders.append(entry.path)
                                continue
                            if kind is None or not entry.is_file():
                                continue
                            st = entry.stat()
                        except OSError:
                            continue  # gone between the listing and the stat: it is no longer there
                        yield Found(entry.path, st.st_size, st.st_mtime_ns, kind)
            except OSError:
                self.unlistable.append(folder)
                continue
            pending.extend(sorted(subfolders, reverse=True))


def _kind(name: str, in_journal: bool) -> str | None:
    if in_journal and name.endswith(JOURNAL_SUFFIX):
        return JOURNAL
    if name.endswith(".json"):
        return RECEIPT
    return None


def _entry(path: str, in_journal: bool) -> Found | None:
    kind = _kind(os.path.basename(path), in_journal) or (JOURNAL if path.endswith(JOURNAL_SUFFIX) else None)
    if kind is None:
        raise SourceError(f"{path}: not a receipt (*.json), a journal (*.jsonl) or a folder")
    st = os.stat(path)
    return Found(path, st.st_size, st.st_mtime_ns, kind)


def check_roots(roots: Sequence[str]) -> list[str]:
    """The folders and files to read, each readable; SourceError otherwise."""
    checked: list[str] = []
    for root in roots:
        if not os.path.exists(root):
            raise SourceError(f"{root}: no such folder or file")
        if os.path.isdir(root):
            if not os.access(root, os.R_OK | os.X_OK):
                raise SourceError(f"{root}: cannot read the folder: permission denied")
        elif not os.access(root, os.R_OK):
            raise SourceError(f"{root}: cannot read the file: permission denied")
        else:
            _entry(root, Path(root).parent.name == JOURNAL_DIR)
        checked.append(os.path.normpath(root))
    return list(dict.fromkeys(checked))


def inside(path: str, roots: Sequence[str]) -> str | None:
    """The root folder `path` lies in, if any (the report never writes there)."""
    target = os.path.realpath(path)
    for root in roots:
        folder = os.path.realpath(root if os.path.isdir(root) else os.path.dirname(root) or ".")
        if os.path.commonpath([target, folder]) == folder:
            return root
    return None
