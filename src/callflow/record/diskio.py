"""Small pieces of careful file writing shared by the journal and the receipts."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Waits between tries when a (network) file system says busy: about 1.5 s in all.
BUSY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)
BUSY_ERRNOS = frozenset(
    e
    for e in (
        errno.EBUSY,
        errno.EAGAIN,
        errno.ETXTBSY,
        errno.EINTR,
        errno.ETIMEDOUT,
        getattr(errno, "ESTALE", None),
    )
    if e is not None
)


def describe_os_error(exc: OSError) -> str:
    """What went wrong, in words a director understands."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the folder is read-only"
    if exc.errno in BUSY_ERRNOS:
        return "the folder stayed busy"
    return exc.strerror or str(exc)


def retry_busy(action: Callable[[], T], delays: Sequence[float] | None = None) -> T:
    """Run an action, trying again (a bounded number of times) while the file
    system says it is busy; any other error is raised at once."""
    waits = BUSY_DELAYS if delays is None else delays
    for wait in (*waits, None):
        try:
            return action()
        except OSError as exc:
            if exc.errno not in BUSY_ERRNOS or wait is None:
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written (a write may be short)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_dir(directory: Path) -> None:
    """Make a new name in the folder durable (best effort: not every file system can)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
