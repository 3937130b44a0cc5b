"""How fast `callflow lint` is, next to parsing the same YAML and to yamllint.

    python benchmarks/bench_lint.py                 # 1,000, 10,000 and 20,000 nodes
    python benchmarks/bench_lint.py --sizes 1000 --runs 5

Generates flows of the given sizes full of diamonds (each block of nodes is a
`choose` whose two branches meet again, with conditional routes and `when:`
steps inside) that compute: each block sets a fee from an amount asked on one
branch and routes on arithmetic (`fee_3 + 5 > 50 and y_3`), bills a quantity
computed from a count, and says the fee only on the branch that computed it;
then times fresh processes and prints a Markdown table:

- baseline: `python -c "yaml.load(f, Loader=yaml.CSafeLoader)"`, i.e. the
  interpreter start plus a bare C-accelerated PyYAML load of the file;
- `callflow lint FILE`: the whole command (start, read, validate, every rule),
  with CALLFLOW_NO_CACHE=1 so that nothing is remembered from an earlier run;
- `yamllint FILE` (default configuration) on the same file;

and `callflow lint flows/` next to the start of a minimal typer app, with the
files unchanged since the last lint (their results are remembered, as on save
or in a pre-commit hook) and with caching off (every file read and checked). Each
time is the fastest of `--runs` runs (the median is shown as well), since
other processes only ever make a run slower.

The targets (issue 3): lint within 1.3 x the baseline; 20,000 nodes within
2.2 x 10,000 nodes; `callflow lint flows/` within 1.2 x the typer app's start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = 4  # nodes per diamond: the question, its two branches, where they meet
END_EVERY = 25  # every 25th question can also end the call

MINIMAL_TYPER_APP = '''
import typer

app = typer.Typer()


@app.command()
def main(path: str) -> None:
    """Do nothing with PATH."""


app()
'''

BASELINE = "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8'), Loader=yaml.CSafeLoader)"


def generate_flow(nodes: int) -> tuple[str, int]:
    """A lint-clean flow of about `nodes` nodes, made of diamonds, and its node count."""
    blocks = max(1, round((nodes - 2) / (BLOCK + 1 / END_EVERY)))
    count = 2 + BLOCK * blocks + blocks // END_EVERY
    out: list[str] = []
    w = out.append
    w(f"callflow: 1\nid: bench-{nodes}\ntitle: Generated flow of {nodes} nodes\nstart: N-0\nrole: Team Director\n")
    w("constants:\n  company: Anything Computers.org\n  phone: 888.615.HELP\n")
    w("catalog:\n")
    for j in range(20):
        w(f'  "I{j}": {{name: ITEM {j}, price: "{j + 1}.50"}}\n')
    w("ticket_fields:\n  title: {label: Ticket Title, required: true}\n")
    w("  priority: {label: Priority}\n  note: {label: Note}\n")
    w("fields:\n")
    for j in range(40):
        w(f"  t_{j}:\n    prompt: Text {j}\n")
        w(f"  m_{j}:\n    type: money\n    prompt: Amount {j}\n")
    for j in range(10):
        w(f"  y_{j}:\n    type: yesno\n    prompt: Question {j}?\n")
    for j in range(5):
        w(f"  n_{j}:\n    type: number\n    prompt: How many {j}?\n    min: 1\n    max: 9\n")
    w("nodes:\n")
    w('  N-0:\n    section: Start\n    steps:\n      - say: "Thank you for calling {company}. This is {agent}."\n')
    w('      - ask: t_0\n      - ticket: {title: "{t_0}"}\n      - item: "I0"\n')
    w("".join(f"      - ask: n_{j}\n" for j in range(5)))
    w("    next: N-1\n")
    for k in range(blocks):
        a, b, c, d = (f"N-{BLOCK * k + i}" for i in range(1, BLOCK + 1))
        after = f"N-{BLOCK * (k + 1) + 1}" if k < blocks - 1 else "END"
        t, m, y = f"t_{(k + 1) % 40}", f"m_{k % 40}", f"y_{k % 10}"
        section = f"Section {k // 50}"
        w(f"  {a}:\n    section: {section}\n    title: Question {k}\n    steps:\n")
        w(f'      - say: "Step {k}: thank you. This is {{agent}} from {{company}}."\n      - ask: {t}\n')
        w(f"    choose:\n      id: c_{k}\n      prompt: Go on with {k}?\n      options:\n")
        w(f'        - {{label: "Yes", value: "yes", goto: {b}}}\n        - {{label: "No", value: "no", goto: {c}}}\n')
        if k % END_EVERY == END_EVERY - 1:
            w(f"        - {{label: End here, value: stop, goto: E-{k}}}\n")
            w(f'  E-{k}:\n    section: {section}\n    steps:\n      - say: "Call us at {{phone}}."\n')
            w("    end: ended_early\n")
        w(f"  {b}:\n    section: {section}\n    steps:\n      - do: Create Ticket\n")
        n, fee = f"n_{k % 5}", f"fee_{k % 40}"
        w(f'      - ticket: {{priority: 2 Normal, note: "{{{t}}}"}}\n      - item: {{code: "I{k % 20}", quantity: "{n} * 2 - 1"}}\n')
        w(f'      - say: "Your total is {{total}}."\n    next: {d}\n')
        w(f"  {c}:\n    section: {section}\n    steps:\n      - ask: {m}\n      - ask: {y}\n")
        w(f'      - set: {{{fee}: "{m} * 10% + 2"}}\n')
        w(f"    routes:\n      - if: {fee} + 5 > 50 and {y}\n        goto: {d}\n")
        w(f"      - if: c_{k} == 'no' and {m} / {n} > 3\n        goto: {d}\n      - else: {d}\n")
        w(f'  {d}:\n    section: {section}\n    steps:\n      - note: "Block {k} for {{{t}}}"\n')
        w(f'      - say: "You said {{{m}}}, a fee of {{{fee}}}."\n        when: c_{k} == \'no\'\n')
        w(f'      - say: "So far: {{subtotal}}."\n        when: c_{k} == \'yes\'\n    next: {after}\n')
    w('  END:\n    section: End\n    steps:\n      - say: "Your total is {total}."\n')
    w("      - payment: {amount: due}\n      - say: Thank you for calling.\n    end: done\n")
    return "".join(out), count


# Children run as an installed callflow would: with bytecode caches (a
# PYTHONDONTWRITEBYTECODE in the caller's environment would make every
# callflow module compile on every run).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# No remembered results or validated flows: every file is read, validated and linted.
COLD = {**ENV, "CALLFLOW_NO_CACHE": "1"}


def timed(command: list[str], runs: int, env: dict[str, str] = ENV) -> tuple[float, float]:
    """The fastest and the median wall time of `runs` fresh runs (after one warm-up)."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def callflow_command() -> list[str]:
    script = Path(sys.executable).parent / "callflow"
    return [str(script)] if script.exists() else [sys.executable, "-m", "callflow"]


def yamllint_command() -> list[str] | None:
    script = Path(sys.executable).parent / "yamllint"
    if script.exists():
        return [str(script)]
    found = shutil.which("yamllint")
    return [found] if found else None


def check_clean(callflow: list[str], path: Path) -> None:
    result = subprocess.run(
        [*callflow, "lint", "--strict", str(path)], capture_output=True, text=True, env=COLD, check=False
    )
    if result.returncode != 0:
        sys.exit(f"the generated flow {path} does not lint clean:\n{result.stdout}{result.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,20000", help="node counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (the fastest counts)")
    parser.add_argument("--keep", type=Path, help="write the generated flows here instead of a temporary folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    callflow = callflow_command()
    yamllint = yamllint_command()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="callflow-bench-"))
    folder.mkdir(parents=True, exist_ok=True)

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; fastest (median) of {args.runs} fresh runs, seconds.\n")
    print("| nodes | file | CSafeLoader load + start | `callflow lint` | ratio | `yamllint` |")
    print("|---:|---:|---:|---:|---:|---:|")
    lint_times: dict[int, float] = {}
    for size in sizes:
        text, count = generate_flow(size)
        path = folder / f"bench-{size}.yaml"
        path.write_text(text, encoding="utf-8")
        check_clean(callflow, path)
        base, base_med = timed([sys.executable, "-c", BASELINE, str(path)], args.runs)
        lint, lint_med = timed([*callflow, "lint", str(path)], args.runs, COLD)
        lint_times[size] = lint
        if yamllint is not None:
            ylint, ylint_med = timed([*yamllint, str(path)], max(1, min(args.runs, 2)))
            shown = f"{ylint:.2f} ({ylint_med:.2f})"
        else:
            shown = "not installed"
        print(
            f"| {count:,} | {len(text.encode()) / 1e6:.1f} MB | {base:.2f} ({base_med:.2f}) "
            f"| {lint:.2f} ({lint_med:.2f}) | {lint / base:.2f} | {shown} |"
        )
    if 10000 in lint_times and 20000 in lint_times:
        print(f"\n20,000 / 10,000 nodes: {lint_times[20000] / lint_times[10000]:.2f} (target <= 2.2)")

    app = folder / "minimal_typer_app.py"
    app.write_text(MINIMAL_TYPER_APP, encoding="utf-8")
    runs = max(args.runs, 10)
    typer_start, typer_med = timed([sys.executable, str(app), "x"], runs)
    flows, flows_med = timed([*callflow, "lint", str(ROOT / "flows")], runs)
    cold, cold_med = timed([*callflow, "lint", str(ROOT / "flows")], runs, COLD)
    interpreter, interpreter_med = timed([sys.executable, "-c", "pass"], runs)
    print("\n| command | fastest (median) | ratio to the typer app |")
    print("|---|---:|---:|")
    print(f"| `python -c pass` | {interpreter:.3f} ({interpreter_med:.3f}) | {interpreter / typer_start:.2f} |")
    print(f"| minimal typer app | {typer_start:.3f} ({typer_med:.3f}) | 1.00 |")
    print(f"| `callflow lint flows/`, files unchanged | {flows:.3f} ({flows_med:.3f}) | {flows / typer_start:.2f} |")
    print(f"| `callflow lint flows/`, CALLFLOW_NO_CACHE=1 | {cold:.3f} ({cold_med:.3f}) | {cold / typer_start:.2f} |")
    print(f"\nGenerated flows are in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
