"""Stopping cleanly when the terminal is closed (SIGHUP) or callflow is told
to stop (SIGTERM, e.g. at shutdown).

While a call is live, `stop_handlers(on_stop)` turns either signal into: stop
writing to the terminal (it may be gone: writes to a hung-up terminal fail or
block), let `on_stop` note the stop in the journal and close it, restore the
terminal's modes, and end by the same signal, so the shell sees why.

A signal that arrives inside `deferred()` (a journal line or a receipt being
written) waits until the block is done, so no write is ever cut in half by
callflow itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

STOP_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGHUP", None), getattr(signal, "SIGTERM", None)) if s is not None
)

_depth = 0
_pending: int | None = None
_on_stop: Callable[[str], None] | None = None
_tty_modes: Any = None


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
def stop_handlers(on_stop: Callable[[str], None]) -> Iterator[None]:
    """Handle SIGHUP and SIGTERM while the block runs (main thread only)."""
    global _on_stop, _tty_modes, _pending
    try:
        previous = {s: signal.signal(s, _handle) for s in STOP_SIGNALS}
    except ValueError:  # not the main thread: leave the defaults
        yield
        return
    _on_stop, _pending = on_stop, None
    _tty_modes = _save_tty_modes()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _on_stop = None
        _tty_modes = None


def _handle(signum: int, frame: FrameType | None) -> None:
    global _pending
    if _depth:
        _pending = signum
        return
    _stop(signum)


def _stop(signum: int) -> None:
    _silence()
    callback = _on_stop
    # Nothing may keep the process from ending: a failing callback is ignored.
    with contextlib.suppress(BaseException):
        if callback is not None:
            callback(signal.Signals(signum).name)
    _restore_tty_modes()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # only if the signal did not end the process


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
