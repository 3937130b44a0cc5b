"""Hostile flow and answers files (issue 5): how long `callflow run` takes to
refuse each, and the most memory the process used.

    python benchmarks/bench_hostile.py

Each file is given as the flow (`callflow run FILE --answers GOOD`) and as the
answers (`callflow run D2 --answers FILE`), each in a fresh process. Prints a
Markdown table: exit code, wall time (median of 3), peak resident memory, and
the same for a good call as the baseline. The target: exit 3 in under a
second, memory about that of a good call.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _timing import BIN, ms, table
from test_hostile_input import HOSTILE

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
GOOD = ROOT / "tests" / "answers" / "d2" / "D-2-9-payg-addon-and-balance.yaml"
RUNS = 3

# Files just under the caps (20 MB, 2,000,000 values): the slowest a file can be.
NEAR_CAPS = {
    "2,400,000 tiny values (19 MB)": ("answers:\n  a:\n" + "    - x\n" * 2_400_000, "CF005"),
    "one 19 MB value": ('answers:\n  a: "' + "x" * 19_000_000 + '"\n', "CF012"),
}


def measure(argv: list[str]) -> tuple[int, float, int]:
    """Exit code, median wall time (s) and peak RSS (KiB) of fresh processes."""
    times, peaks, code = [], [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
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
        for name, (text, expected) in NEAR_CAPS.items():
            path = Path(tmp) / "near.yaml"
            path.write_text(text, encoding="utf-8")
            code, seconds, peak = measure([callflow, "run", str(D2), "--answers", str(path)])
            rows.append([name, f"answers ({expected})", str(code), ms(seconds), f"{peak / 1024:.0f} MiB"])
    print(table("Hostile input: exit 3 in under a second", ["file", "given as", "exit", "time", "peak memory"], rows))


if __name__ == "__main__":
    main()
