"""`callflow report` at scale (issue 13): N receipts from real walks of the
shipped flows, timed cold (no index yet) and warm (the index in the cache
folder is current), with the peak memory of each run.

    python benchmarks/bench_report.py [N ...]        # default: 1000 10000 100000

Every shipped scenario is walked once through the engine (tests/reportkit.py,
as `callflow run` saves it); the N receipts are those walks' receipts, each
with its own session id, day, agent and duration (one in ten with its
journal too, as in a sessions folder). Each measure is a fresh process:
`callflow report FOLDER --format json`, and, as the baseline, a Python that
reads and json.loads every receipt (nothing else). Cold is a report with
no index in the cache folder; warm one whose index is current; "1% new" a
warm report after 1% more receipts arrived. Each is the best of BENCH_RUNS
(3) fresh processes, taken alternately with the baseline: a busy machine
slows some runs, never speeds one up. Peak memory is the process's maximum
resident set of the report's process, and of the largest of the worker
processes that parse in parallel (each holds one batch).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _timing import table
from reportkit import make_calls

BIN = Path(sys.executable).parent
BASELINE = """
import json, os, sys, resource, time
start = time.perf_counter()
for folder, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith('.json'):
            with open(os.path.join(folder, name), 'rb') as f:
                json.loads(f.read())
print(json.dumps({"seconds": time.perf_counter() - start, "kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
REPORT = """
import io, json, resource, sys, time, contextlib
start = time.perf_counter()
from callflow.cli import app
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app(["report", sys.argv[1], "--format", "json"])
    except SystemExit:
        pass
print(json.dumps({"seconds": time.perf_counter() - start, "kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


WORKER_KB: list[int] = []


def measure(script: str, folder: Path, env: dict[str, str]) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, env=env, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    WORKER_KB.append(int(result.get("worker_kb", 0)))
    return float(result["seconds"]), int(result["kb"])


def generate(folder: Path, count: int, seed: int = 13) -> None:
    """`count` receipts (and one journal in ten) cloned from real walks."""
    made = make_calls(folder / "walks", extras=False)
    receipts = folder / "receipts"
    journals = folder / "receipts" / "journal"
    receipts.mkdir(parents=True)
    journals.mkdir()
    walked = sorted((folder / "walks" / "sessions" / "journal").glob("*.jsonl"))
    by_session = {p.stem: p.read_text(encoding="utf-8") for p in walked}
    rng = random.Random(seed)
    for i in range(count):
        data = dict(made.calls[i % len(made.calls)])
        source = data["session"]
        session = f"2026{1 + i % 12:02d}{1 + i % 28:02d}-{i // 100000:02d}{i % 100000:05d}-{i:06x}"
        data.update(session=session, agent=rng.choice(("Dana", "Sam", "Alex", "Robin", "Kim")),
                    duration_seconds=round(rng.uniform(20, 900), 1), today=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}")
        (receipts / f"{session}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        if i % 10 == 0:
            (journals / f"{session}.jsonl").write_text(by_session[source].replace(source, session), encoding="utf-8")


def add_new(folder: Path, share: float) -> None:
    """A share of new receipts (copies under new session ids), as a day on the drive brings."""
    existing = sorted(folder.glob("*.json"))
    for i, path in enumerate(existing[: max(1, int(len(existing) * share))]):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["session"] = f"29991231-{i:06d}-new{i:06x}"
        (folder / f"new-{i:06d}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000, 100000]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    rows = []
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix="callflow-bench-report-") as tmp:
            base = Path(tmp)
            start = time.perf_counter()
            generate(base, count)
            made_in = time.perf_counter() - start
            folder = base / "receipts"
            env = dict(os.environ, CALLFLOW_CACHE_DIR=str(base / "cache"))
            env.pop("CALLFLOW_NO_CACHE", None)
            measure(BASELINE, folder, env)  # the files into the page cache, for both sides alike
            loads, loads_kb, cold, cold_kb = float("inf"), 0, float("inf"), 0
            for _ in range(runs):  # alternately, the best of each: the machine may be busy with others
                loads, loads_kb = min((loads, loads_kb), measure(BASELINE, folder, env))
                shutil.rmtree(base / "cache", ignore_errors=True)
                cold, cold_kb = min((cold, cold_kb), measure(REPORT, folder, env))
            warm, warm_kb = min(measure(REPORT, folder, env) for _ in range(runs))
            add_new(folder, 0.01)
            new = measure(REPORT, folder, env)[0]
            shutil.rmtree(base / "cache", ignore_errors=True)
            worker_kb = max(WORKER_KB)
            WORKER_KB.clear()
            rows.append(
                [f"{count:,}", f"{loads:.2f}", f"{cold:.2f}", f"{cold / loads:.2f}", f"{warm:.2f}", f"{new:.2f}",
                 f"{loads_kb / 1024:.0f}", f"{cold_kb / 1024:.0f}", f"{warm_kb / 1024:.0f}", f"{worker_kb / 1024:.0f}", f"{made_in:.0f}"]
            )
            print(f"{count:,} receipts done", file=sys.stderr)
    print(table(
        f"callflow report --format json (seconds, best of {runs}; memory: peak resident MiB); {os.cpu_count()} cores",
        ["receipts", "read + json.loads", "report cold", "cold / loads", "report warm", "warm, 1% new", "MiB loads",
         "MiB cold", "MiB warm", "MiB a worker", "generated in s"],
        rows,
    ))


if __name__ == "__main__":
    main()
