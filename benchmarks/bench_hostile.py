"""Hostile flow and answers files (issue 5): how long `callflow run` takes to
refuse each, and the most memory the process used.

    python benchmarks/bench_hostile.py

Each file is given as the flow (`callflow run FILE --answers GOOD`) and as the
answers (`callflow run D2 --answers FILE`), each in a fresh process. Prints a
Markdown table: exit code, wall time (median of 3), peak resident memory, and
the same for a good call as the baseline. The target: exit 3 in under a
second, memory about that of a good call.

Peak memory is read by GNU time (/usr/bin/time) when it is there: the
rusage of a child started from this (bigger) process would count this
process's pages too.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _timing import BIN, ms, table
from test_hostile_input import HOSTILE

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
GOOD = ROOT / "tests" / "answers" / "d2" / "D-2-9-payg-addon-and-balance.yaml"
RUNS = 3

GNU_TIME = shutil.which("time") if Path("/usr/bin/time").exists() else None


def _tiny_values(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("answers:\n  a:\n")
        for _ in range(24):
            handle.write("    - x\n" * 100_000)


def _one_big_value(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write('answers:\n  a: "')
        for _ in range(19):
            handle.write("x" * 1_000_000)
        handle.write('"\n')


# Files just under the caps (20 MB, 2,000,000 values): the slowest a file can be.
NEAR_CAPS: dict[str, tuple[Callable[[Path], None], str]] = {
    "2,400,000 tiny values (19 MB)": (_tiny_values, "CF005"),
    "one 19 MB value": (_one_big_value, "CF012"),
}


REDOS_FLOW = """\
id: redos
title: ReDoS
start: A
fields:
  code: {prompt: Code?, pattern: '(a+)+'}
nodes:
  A:
    steps:
      - ask: code
    end: done
"""


# Conditions no variable order keeps small: the path analysis stops at its budget.
ENTANGLED = ROOT / "tests" / "lint" / "fixtures" / "CF117" / "bad.yaml"


def _issue_12_cases(tmp: Path, callflow: str) -> list[tuple[str, str, list[str]]]:
    """The audit's cases of issue 12: (what, how it is given, argv)."""
    fifo = tmp / "fifo.yaml"
    os.mkfifo(fifo)
    redos = tmp / "redos.yaml"
    redos.write_text(REDOS_FLOW, encoding="utf-8")
    redos_answers = tmp / "redos-answers.yaml"
    redos_answers.write_text("answers:\n  code: " + "a" * 30 + "!\n", encoding="utf-8")
    amount = tmp / "amount.yaml"
    good = GOOD.read_text(encoding="utf-8")
    amount.write_text(good.replace("past_due_amount: $45.50", 'past_due_amount: "99999999999999999999999999"'), encoding="utf-8")
    long_id = tmp / "long-id.yaml"
    long_id.write_text(D2.read_text(encoding="utf-8").replace("id: anything-computers-intake", "id: " + "x" * 5000), encoding="utf-8")
    huge_say = tmp / "huge-say.yaml"
    huge_say.write_text("id: s\ntitle: S\nstart: A\nnodes:\n  A:\n    steps:\n      - say: '" + "w" * 19_000_000 + "'\n    end: done\n", encoding="utf-8")
    return [
        ("a FIFO as the flow (lint)", "flow (CF006, 3)", [callflow, "lint", str(fifo)]),
        ("a FIFO as the answers", "answers (CF006, 3)", [callflow, "run", str(D2), "--answers", str(fifo)]),
        ("pattern (a+)+ with 30 a's and '!'", "answers (refused: 4)", [callflow, "run", str(redos), "--answers", str(redos_answers)]),
        ("a 26-digit past-due amount", "answers (refused: 4)", [callflow, "run", str(D2), "--answers", str(amount)]),
        ("a 5,000-character flow id", "flow (CF010, 3)", [callflow, "run", str(long_id), "--answers", str(GOOD)]),
        ("a 19 MB say", "flow (CF010, 3)", [callflow, "run", str(huge_say), "--answers", str(GOOD)]),
        ("48 answers tied in two orders (lint)", "flow (CF117, 1)", [callflow, "lint", str(ENTANGLED)]),
    ]


def measure(argv: list[str]) -> tuple[int, float, int]:
    """Exit code, median wall time (s) and peak RSS (KiB) of fresh processes."""
    times, peaks, code = [], [], 0
    with tempfile.NamedTemporaryFile("r") as report:
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", report.name, *argv] if GNU_TIME else argv
        for _ in range(RUNS):
            start = time.perf_counter()
            proc = subprocess.Popen(
                wrapped, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(proc.pid, 0)
            times.append(time.perf_counter() - start)
            code = os.waitstatus_to_exitcode(status)
            if GNU_TIME:
                report.seek(0)
                peaks.append(int(report.read().split()[-1]))
            else:
                peaks.append(usage.ru_maxrss)
    return code, statistics.median(times), max(peaks)


def main() -> None:
    callflow = str(BIN / "callflow")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        code, seconds, peak = measure([callflow, "run", str(D2), "--answers", str(GOOD)])
        rows.append(["(a good call: baseline)", "—", str(code), ms(seconds), f"{peak / 1024:.0f} MiB"])
        for name, (make, expected, _) in HOSTILE.items():
            path = Path(tmp) / f"{name}.yaml"
            make(path)
            for role, argv in (
                ("flow", [callflow, "run", str(path), "--answers", str(GOOD)]),
                ("answers", [callflow, "run", str(D2), "--answers", str(path)]),
            ):
                code, seconds, peak = measure(argv)
                rows.append([name, f"{role} ({expected})", str(code), ms(seconds), f"{peak / 1024:.0f} MiB"])
        for name, (write, expected) in NEAR_CAPS.items():
            path = Path(tmp) / "near.yaml"
            write(path)
            code, seconds, peak = measure([callflow, "run", str(D2), "--answers", str(path)])
            rows.append([name, f"answers ({expected})", str(code), ms(seconds), f"{peak / 1024:.0f} MiB"])
        for name, given, argv in _issue_12_cases(Path(tmp), callflow):
            code, seconds, peak = measure(argv)
            rows.append([name, given, str(code), ms(seconds), f"{peak / 1024:.0f} MiB"])
    print(table("Hostile input: exit 3 in under a second", ["file", "given as", "exit", "time", "peak memory"], rows))


if __name__ == "__main__":
    main()
