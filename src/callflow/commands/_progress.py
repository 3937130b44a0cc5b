"""Progress of a slow command on stderr: rich's progress bar when stderr is a
terminal and the work goes past half a second, nothing at all when piped."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SHOW_AFTER = 0.5  # seconds: a quick run never flashes a bar


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """A function to call after each unit of work: advance(item="", total=None)."""
    if not sys.stderr.isatty():
        yield lambda item="", total=None: None
        return
    started = time.monotonic()
    state: dict[str, Any] = {"bar": None, "done": 0, "total": total}

    def advance(item: str = "", total: int | None = None) -> None:
        state["done"] += 1
        if total is not None:
            state["total"] = total
        if state["bar"] is None:
            if time.monotonic() - started < SHOW_AFTER:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(
                TextColumn(description),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[item]}", style="dim"),
                console=Console(file=sys.stderr),
                transient=True,
            )
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task(description, total=state["total"], completed=state["done"] - 1, item="")
        state["bar"].update(state["task"], advance=1, total=state["total"], item=item[-60:])

    try:
        yield advance
    finally:
        if state["bar"] is not None:
            state["bar"].stop()
