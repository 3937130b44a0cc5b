"""DuckDB against callflow's own engine on the same receipts (issue 13: "measure
before choosing"). Not a dependency: run it with a Python that has duckdb,

    python -m venv /tmp/duck && /tmp/duck/bin/pip install duckdb
    /tmp/duck/bin/python benchmarks/bench_report_duckdb.py FOLDER

where FOLDER holds receipts (bench_report.py's, or a copy of a drive). It
times, each in a fresh process, the best of three:

- DuckDB's `read_json` over every receipt computing a part of the report,
  one query per figure (calls by flow and outcome with median and p90
  duration, money by currency, median and p90 seconds per node from
  time_per_node). Every run reads every file: DuckDB keeps no index of
  which files changed.
- the baseline: reading and json.loads of every receipt in Python.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# One query per figure: all of them in one statement (CTEs over one read_json)
# grew past 23 GB resident at 100,000 receipts and was stopped after 4.5 min.
FIGURES = {
    "calls by flow and outcome, median and p90 duration": (
        "SELECT flow.id, outcome, count(*), median(duration_seconds), quantile_cont(duration_seconds, 0.9) "
        "FROM {source} GROUP BY ALL"
    ),
    "money by currency": (
        "SELECT invoice.currency, count(*), sum(CAST(invoice.subtotal AS DECIMAL(18, 2))), "
        "sum(CAST(invoice.paid AS DECIMAL(18, 2))), sum(CAST(invoice.due AS DECIMAL(18, 2))) FROM {source} GROUP BY ALL"
    ),
    "median and p90 seconds per node": (
        "SELECT f, t.node, count(*), median(t.seconds), quantile_cont(t.seconds, 0.9) "
        "FROM (SELECT flow.id AS f, unnest(time_per_node) AS t FROM {source}) GROUP BY ALL"
    ),
}
# union_by_name (a receipt without a key the first ones have, e.g. a format-1
# receipt without time_per_node) made a read 12 times slower (41 s, 3.9 GB at
# 100,000 receipts): left out, DuckDB takes the layout from a sample.
READ = "read_json('{folder}/*.json', format = 'auto', maximum_object_size = 16777216)"

RUN = """
import duckdb, json, resource, sys, time
start = time.perf_counter()
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("SET memory_limit = '4GB'")
con.execute(sys.argv[2].format(source=READ.format(folder=sys.argv[1]))).fetchall()
print(json.dumps({"seconds": time.perf_counter() - start, "kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

BASELINE = """
import json, os, sys, resource, time
start = time.perf_counter()
for name in os.listdir(sys.argv[1]):
    if name.endswith('.json'):
        with open(os.path.join(sys.argv[1], name), 'rb') as f:
            json.loads(f.read())
print(json.dumps({"seconds": time.perf_counter() - start, "kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(script: str, *args: str) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["seconds"]), int(result["kb"])


def best(script: str, *args: str) -> tuple[float, int]:
    return min(run(script, *args) for _ in range(3))


def main() -> None:
    folder = str(Path(sys.argv[1]).resolve())
    prelude = f"READ = {READ!r}\n"
    count = sum(1 for name in Path(folder).iterdir() if name.suffix == ".json")
    loads = best(BASELINE, folder)
    print(f"{count:,} receipts; seconds, best of 3 (peak MiB)")
    print(f"read + json.loads (Python): {loads[0]:6.2f} ({loads[1] / 1024:.0f})")
    total = 0.0
    for name, query in FIGURES.items():
        seconds, kb = best(prelude + RUN, folder, query)
        total += seconds
        print(f"DuckDB read_json, {name}: {seconds:6.2f} ({kb / 1024:.0f})")
    print(f"DuckDB, the three: {total:6.2f} = {total / loads[0]:.2f} x loads (each reads every receipt again)")


if __name__ == "__main__":
    main()
