"""Stopping cleanly when the terminal is closed (SIGHUP) or callflow is told
to stop (SIGTERM, e.g. at shutdown).

While a call is live, `stop_handlers(on_stop)` turns either signal into: stop
writing to the terminal (it may be gone: writes to a hung-up terminal fail or
block), let `on_stop` note the stop in the journal and close it, restore the
terminal's modes, and end by the same signal, so the shell sees why.

A terminal that is gone without a signal reaching callflow (the window
closed and the hang-up went to the shell only) shows as an OSError (EIO) on
the next read or write of the terminal: `hang_up()` ends the call the same
way, with exit status 129.

Either way nothing is written to the terminal, and at most one line to
stderr when stderr is not the terminal (a file or a pipe that still works).

A signal that arrives inside `deferred()` (a journal line or a receipt being
written) waits until the block is done, so no write is ever cut in half by
callflow itself.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any, NoReturn

STOP_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGHUP", None), getattr(signal, "SIGTERM", None)) if s is not None
)

_depth = 0
_pending: int | None = None
_on_stop: Callable[[str], None] | None = None
_farewell: Callable[[str], str] | None = None
_tty_modes: Any = None

HUNG_UP = 128 + int(getattr(signal, "SIGHUP", 1))  # 129, as a shell shows a hang-up
GONE_ERRNOS = (errno.EIO, errno.ENXIO)  # what reading or writing a hung-up terminal gives


def terminal_gone(error: BaseException) -> bool:
    """Whether `error` is the terminal being gone (a read or write on a hung-up tty)."""
    return isinstance(error, OSError) and error.errno in GONE_ERRNOS


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold a stop signal until the block is done."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending is not None and _on_stop is not None:
            _stop(_pending)


@contextlib.contextmanager
def stop_handlers(on_stop: Callable[[str], None], farewell: Callable[[str], str] | None = None) -> Iterator[None]:
    """Handle SIGHUP and SIGTERM while the block runs (main thread only).
    `farewell(reason)` gives the one line for a stderr that is not the terminal."""
    global _on_stop, _farewell, _tty_modes, _pending
    try:
        previous = {s: signal.signal(s, _handle) for s in STOP_SIGNALS}
    except ValueError:  # not the main thread: leave the defaults
        yield
        return
    _on_stop, _farewell, _pending = on_stop, farewell, None
    _tty_modes = _save_tty_modes()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _on_stop = _farewell = None
        _tty_modes = None


def _handle(signum: int, frame: FrameType | None) -> None:
    global _pending
    if _depth:
        _pending = signum
        return
    _stop(signum)


def _stop(signum: int) -> None:
    _end(signal.Signals(signum).name)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # only if the signal did not end the process


def hang_up() -> NoReturn:
    """The terminal is gone (see `terminal_gone`): end as a hang-up does, exit 129,
    with the `stop_handlers` block's callbacks."""
    _end("SIGHUP")
    os._exit(HUNG_UP)


def _end(reason: str) -> None:
    """Silence the terminal, note the stop, say one line where it can be read."""
    on_stop, farewell = _on_stop, _farewell
    error_fd = _keep(sys.stderr) if farewell is not None and not _is_terminal(sys.stderr) else None
    _silence()
    # Nothing may keep the process from ending: a failing callback is ignored.
    with contextlib.suppress(BaseException):
        if on_stop is not None:
            on_stop(reason)
    _restore_tty_modes()
    if error_fd is not None and farewell is not None:
        with contextlib.suppress(BaseException):
            line = " ".join(farewell(reason).split())  # one line, whatever it holds
            os.write(error_fd, f"callflow: {line}\n".encode("utf-8", "replace"))


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(os.isatty(stream.fileno()))
    except (OSError, ValueError, AttributeError):
        return True  # unknown: treat it as the terminal, write nothing


def _keep(stream: Any) -> int | None:
    """A copy of the stream's file descriptor, kept from `_silence`."""
    try:
        return os.dup(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None


def _silence() -> None:
    """Point stdout and stderr at /dev/null: the terminal may be gone."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a stream without a file
            os.dup2(null, stream.fileno())
    os.close(null)


def _save_tty_modes() -> Any:
    try:
        import termios

        return termios.tcgetattr(sys.stdin.fileno())
    except Exception:
        return None


def _restore_tty_modes() -> None:
    if _tty_modes is None:
        return
    import termios

    # A hung-up terminal refuses; there is nothing else to do then.
    with contextlib.suppress(Exception):
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, _tty_modes)
