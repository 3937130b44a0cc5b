"""Shared helpers of the benchmark scripts: fresh-process timings and tables."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BIN = Path(sys.executable).parent


def _run_once(argv: Sequence[str], cwd: Path | None, env: dict[str, str] | None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def time_process(argv: Sequence[str], *, runs: int = 7, cwd: Path | None = None) -> float:
    """Median wall time of a fresh process, in seconds (one warm-up run first)."""
    _run_once(argv, cwd, None)
    return statistics.median(_run_once(argv, cwd, None) for _ in range(runs))


def compare(
    ours: Callable[[], float], baseline: Callable[[], float], *, runs: int = 15
) -> tuple[float, float]:
    """Fastest time of each of two measurements, taken alternately.

    Taking turns spreads whatever else the machine is doing over both sides,
    and the fastest run is the one least disturbed by it.
    """
    ours(), baseline()  # warm-up: disk cache, .pyc files, the flow cache
    best_ours = best_base = float("inf")
    for _ in range(runs):
        best_ours = min(best_ours, ours())
        best_base = min(best_base, baseline())
    return best_ours, best_base


def process(argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Callable[[], float]:
    """A measurement: the wall time of one fresh process."""
    return lambda: _run_once(argv, cwd, env)


def time_call(action: Callable[[], object], *, runs: int = 5) -> float:
    """Best wall time of an in-process call, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, ready to paste into README.md."""
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
