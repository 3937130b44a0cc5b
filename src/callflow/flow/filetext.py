"""Reading a file's text for callflow: regular files only, capped in size, UTF-8.

Flows, answers and scenarios all come through here, so what cannot be read
(a missing file, a directory, a huge file, binary junk) is refused the same
way, with a diagnostic at the position of the first bad byte.
"""

from __future__ import annotations

import os
import stat

from callflow.flow.yamlsource import MAX_FILE_BYTES, TOO_LARGE, UNREADABLE, YamlError, load_problem


def read_bytes(path: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, refusing what cannot be read, directories and huge files.

    A file that cannot be read at all gets code UNREADABLE; one over the size
    cap gets TOO_LARGE and is not read.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        why = "a link to a file that does not exist" if os.path.islink(path) else "file not found"
        raise YamlError([load_problem(path, 1, 1, UNREADABLE, why)]) from None
    except OSError as exc:
        raise YamlError([load_problem(path, 1, 1, UNREADABLE, f"cannot read: {exc.strerror}")]) from None
    if os.path.isdir(path):
        raise YamlError([load_problem(path, 1, 1, UNREADABLE, "is a directory, not a file")])
    if not stat.S_ISREG(st.st_mode):
        raise YamlError([load_problem(path, 1, 1, UNREADABLE, _not_a_file(st.st_mode))])
    if st.st_size > max_bytes:
        raise YamlError(
            [load_problem(path, 1, 1, TOO_LARGE, f"file is {st.st_size:,} bytes; the limit is {max_bytes:,}")]
        )
    try:
        # Non-blocking, then checked again on the open file: a FIFO put in
        # the file's place after the check above cannot make the read wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise YamlError([load_problem(path, 1, 1, UNREADABLE, f"cannot read: {exc.strerror}")]) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise YamlError([load_problem(path, 1, 1, UNREADABLE, _not_a_file(mode))])
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise YamlError([load_problem(path, 1, 1, UNREADABLE, f"cannot read: {exc.strerror}")]) from None
    finally:
        os.close(fd)


def _not_a_file(mode: int) -> str:
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return f"is {kind}, not a file: callflow reads only regular files"


def read_text(path: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a file as UTF-8 text, refusing directories, huge files and binary junk."""
    return decode_text(read_bytes(path, max_bytes=max_bytes), path, max_bytes=max_bytes)


def decode_text(data: bytes, path: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Decode UTF-8 (a BOM is allowed), naming the position of the first bad byte."""
    if len(data) > max_bytes:
        raise YamlError([load_problem(path, 1, 1, TOO_LARGE, f"file is larger than {max_bytes:,} bytes")])
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col_of_byte(data, nul)
        raise YamlError([load_problem(path, line, col, UNREADABLE, "binary data (a NUL byte): not a YAML text file")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        raise YamlError(
            [load_problem(path, line, col, UNREADABLE, "not valid UTF-8 text (save the file as UTF-8)")]
        ) from None
    return text.removeprefix("\ufeff")


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return line, col
