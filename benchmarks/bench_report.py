"""`callflow report` at scale (issue 13): N receipts from real walks of the
shipped flows, timed cold (no index yet) and warm (the index in the cache
folder is current), with the peak memory of each run.

    python benchmarks/bench_report.py [N ...]        # default: 1000 10000 100000

Every shipped scenario is walked once through the engine (tests/reportkit.py,
as `callflow run` saves it); the N receipts are those walks' receipts, each
with its own session id, day, agent and duration (one in ten with its
journal too, as in a sessions folder). Each measure is a fresh process:
`callflow report FOLDER --format json`, and, as the baseline, a Python that
reads and json.loads every receipt (nothing else). Peak memory is the
process's maximum resident set.
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
print(json.dumps({"seconds": time.perf_counter() - start, "kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def measure(script: str, folder: Path, env: dict[str, str]) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, env=env, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
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


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000, 100000]
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
            loads, loads_kb = measure(BASELINE, folder, env)
            cold, cold_kb = measure(REPORT, folder, env)
            warm = min(measure(REPORT, folder, env)[0] for _ in range(3))
            warm_kb = measure(REPORT, folder, env)[1]
            shutil.rmtree(base / "cache", ignore_errors=True)
            rows.append(
                [f"{count:,}", f"{loads:.2f}", f"{cold:.2f}", f"{cold / loads:.2f}", f"{warm:.2f}",
                 f"{loads_kb / 1024:.0f}", f"{cold_kb / 1024:.0f}", f"{warm_kb / 1024:.0f}", f"{made_in:.0f}"]
            )
            print(f"{count:,} receipts done", file=sys.stderr)
    print(table(
        "callflow report --format json (seconds; memory: peak resident MiB)",
        ["receipts", "read + json.loads", "report cold", "cold / loads", "report warm", "MiB loads", "MiB cold", "MiB warm",
         "generated in s"],
        rows,
    ))


if __name__ == "__main__":
    main()
