"""Speed of `callflow run` (issue 2): start-up, first prompt, loading, stepping.

    python benchmarks/bench_run.py

Prints Markdown tables: each measured figure, its baseline, the ratio, and the
target from the issue.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import BIN, ms, table, time_call, time_process  # noqa: E402

from callflow.engine import Session  # noqa: E402
from callflow.loader import load_flow  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
MINIMAL_TYPER = '''
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "x") -> None:
    """Say hello."""
    print(name)
@app.command()
def bye() -> None:
    """Say bye."""
app()
'''


def first_prompt_time(runs: int = 7) -> float:
    """Median time from starting `callflow run` in a pty to its first prompt on screen."""
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", CALLFLOW_SESSIONS_DIR=tempfile.mkdtemp())
    samples = []
    for i in range(runs + 1):
        start = time.perf_counter()
        child = pexpect.spawn(str(BIN / "callflow"), ["run", str(D2), "--agent", "Dana"], env=env, timeout=30)
        child.expect_exact("Existing member?")
        elapsed = time.perf_counter() - start
        child.terminate(force=True)
        if i:
            samples.append(elapsed)
    return statistics.median(samples)


def generated_flow(path: Path, nodes: int) -> None:
    """A chain of nodes, each with words, a checklist item, a typed field, a
    ticket field and a two-way choice (a diamond per node)."""
    out = [
        "callflow: 1",
        "id: generated",
        "title: Generated",
        "start: N0",
        "role: Team Director",
        "constants: {company: ACME}",
        "catalog:",
        "  '310': {name: ONE-TIME REMOTE SESSION, price: 35.00}",
        "ticket_fields:",
        "  title: {label: Ticket Title, required: true}",
        "fields:",
    ]
    out += [f"  f{i}: {{prompt: 'Value {i}?'}}" for i in range(nodes)]
    out.append("nodes:")
    for i in range(nodes):
        out += [
            f"  N{i}:",
            f"    section: Section {i % 7}",
            "    steps:",
            f'      - say: "Hello, this is {{agent}} from {{company}}, step {i}."',
            "      - do: Create the ticket in the system",
            f"      - ask: f{i}",
            f"      - ticket: {{title: 'Issue {{f{i}}}'}}",
        ]
        if i + 2 < nodes:
            out += [
                "    choose:",
                f"      id: c{i}",
                "      prompt: Which way?",
                "      options:",
                f"        - {{label: Left, goto: N{i + 1}}}",
                f"        - {{label: Right, goto: N{i + 2}}}",
            ]
        elif i + 1 < nodes:
            out.append(f"    next: N{i + 1}")
        else:
            out.append("    end: done")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal_typer.py"
        minimal.write_text(MINIMAL_TYPER, encoding="utf-8")
        typer_help = time_process([sys.executable, str(minimal), "--help"])
        our_help = time_process([str(BIN / "callflow"), "--help"])
        rows.append(["`callflow --help`", ms(our_help), "minimal typer app `--help`", ms(typer_help), f"{our_help / typer_help:.2f}", "≤ 1.2"])

        imports = time_process([sys.executable, "-c", "import typer, pydantic, yaml, rich, questionary"])
        prompt = first_prompt_time()
        rows.append(["first prompt of `callflow run` (D-2)", ms(prompt), "`import typer, pydantic, yaml, rich, questionary`", ms(imports), f"{prompt / imports:.2f}", "≤ 1.2"])

        big = Path(tmp) / "generated-10000.yaml"
        generated_flow(big, 10_000)
        bare = time_call(lambda: yaml.load(big.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader), runs=3)
        ours = time_call(lambda: load_flow(str(big)), runs=3)
        rows.append(["load + validate, 10,000 nodes", ms(ours), "`yaml.load(CSafeLoader)` of the same file", ms(bare), f"{ours / bare:.2f}", "≤ 1.3"])

        loaded = load_flow(str(big))
        index = loaded.index

        def thousand_steps() -> None:
            session = Session(loaded.flow, index, agent="Dana")
            for i in range(1000):
                session.answer(f"value {i}" if session.prompt and not session.prompt.is_choose else "Left")

        steps = time_call(thousand_steps, runs=5)
        rows.append(["1,000 engine steps (10,000-node flow)", ms(steps), "—", "—", "—", "< 100 ms"])
    print(table("callflow run", ["measure", "callflow", "baseline", "baseline time", "ratio", "target"], rows))


if __name__ == "__main__":
    main()
