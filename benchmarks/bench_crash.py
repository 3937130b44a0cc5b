"""Crash test at scale (issue 5): calls killed with SIGKILL at random moments,
then finished with `callflow resume` / `callflow sessions export`.

    python benchmarks/bench_crash.py [KILLS] [SEED]

Prints where the kills landed, that every call came back whole (every
journalled answer kept, the summary equal to an uninterrupted run's), and how
long a resume takes in a fresh process. tests/test_crash.py runs 50 of these.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _timing import ms, table
from crashkit import check_kill, kill_calls, summary_part
from sessionkit import D2, cli, cli_process, d2_answer_files, scripted_call

from callflow.call.answers import load_answers
from callflow.flow.loadedflow import load_flow


def main() -> None:
    kills_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261123
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_flow(str(D2))
        expected = {}
        for path in d2_answer_files():
            call, _ = scripted_call(loaded, load_answers(str(path)), Path(tmp) / "uninterrupted")
            expected[path] = summary_part(json.loads(call.receipts[0].read_text(encoding="utf-8")))
        sessions = Path(tmp) / "sessions"
        start = time.perf_counter()
        kills = kill_calls(D2, d2_answer_files(), sessions, kills=kills_wanted, seed=seed)
        killing = time.perf_counter() - start
        landed: Counter[str] = Counter()
        for kill in kills:
            if kill.ended:
                landed["after the end, receipt written" if kill.receipts else "after the end, before the receipt"] += 1
            elif not kill.journalled:
                landed["before the first answer"] += 1
            else:
                landed["between answers"] += 1
        process_times = []
        for number, kill in enumerate(kills):
            if number % 10 == 0:
                begin = time.perf_counter()
                check_kill(kill, sessions, expected, lambda *a: _process(*a))
                process_times.append(time.perf_counter() - begin)
            else:
                check_kill(kill, sessions, expected, lambda *a: _in_process(*a))
        rows = [[where, count] for where, count in sorted(landed.items())]
        rows.append(["last line torn (power loss)", sum(k.torn for k in kills)])
        rows.append(["finished whole (answers kept, summary equal)", len(kills)])
        print(table(f"{len(kills)} calls killed with SIGKILL (seed {seed}), in {killing:.1f} s", ["where the kill landed", "calls"], rows))
        print(table("Finishing a killed call", ["measure", "time"], [["`callflow resume ID --answers FILE` (fresh process, median)", ms(statistics.median(process_times))]]))


def _in_process(*args: str) -> tuple[int, str, str]:
    result = cli(*args)
    return result.returncode, result.stdout, result.stderr


def _process(*args: str) -> tuple[int, str, str]:
    result = cli_process(*args)
    return result.returncode, result.stdout, result.stderr


if __name__ == "__main__":
    main()
