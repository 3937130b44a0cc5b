"""Speed of `callflow run` (issue 2): start-up, first prompt, key to screen, loading, stepping.

    python benchmarks/bench_run.py

Prints Markdown tables: each measured figure, its baseline, the ratio, and the
target from the issue.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import BIN, compare, ms, process, table, time_call

from callflow.call.engine import Session
from callflow.flow.loadedflow import load_flow

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


def until_on_screen(argv: list[str], marker: str, env: dict[str, str]) -> Callable[[], float]:
    """A measurement: time from starting a process in a pty until `marker` shows."""

    def measure() -> float:
        start = time.perf_counter()
        child = pexpect.spawn(argv[0], argv[1:], env=env, timeout=30)
        child.expect_exact(marker)
        elapsed = time.perf_counter() - start
        child.terminate(force=True)
        return elapsed

    return measure


# A D-2 call, key by key: what is typed at each prompt and the text the next
# screen shows once the answer has been taken.
KEYS = [
    ("Existing member?", "\r", "Which plan is the member on?"),
    ("Which plan is the member on?", "\r", "More than one contact on the account?"),
    ("More than one contact on the account?", "\r", "Amount of invoices 30 days past due"),
    ("Amount of invoices 30 days past due", "45.50\r", "Add-on + Balance Owed?"),
    ("Add-on + Balance Owed?", "\r", "Remote Agent selected for the ticket"),
]


def key_to_screen(argv: list[str], env: dict[str, str], calls: int = 5) -> tuple[float, float]:
    """The median and the slowest time from a key (an answer) to the next
    prompt's text on screen, over `calls` D-2 calls typed in a pty."""
    times: list[float] = []
    for _ in range(calls):
        child = pexpect.spawn(argv[0], argv[1:], env=env, timeout=30, dimensions=(24, 80))
        child.delaybeforesend = None
        child.expect_exact(KEYS[0][0])
        for _prompt, keys, after in KEYS:
            child.expect(pexpect.TIMEOUT, timeout=0.3)  # let the prompt settle
            start = time.perf_counter()
            child.send(keys)
            child.expect_exact(after)
            times.append(time.perf_counter() - start)
        child.terminate(force=True)
    times.sort()
    return times[len(times) // 2], times[-1]


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
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", CALLFLOW_SESSIONS_DIR=tempfile.mkdtemp())
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal_typer.py"
        minimal.write_text(MINIMAL_TYPER, encoding="utf-8")
        ours, base = compare(
            process([str(BIN / "callflow"), "--help"], env=env), process([sys.executable, str(minimal), "--help"], env=env)
        )
        rows.append(["`callflow --help`", ms(ours), "minimal typer app `--help`", ms(base), f"{ours / base:.2f}", "≤ 1.2"])

        # Both sides are timed the same way: started in a pty, until their text shows.
        ours, base = compare(
            until_on_screen([str(BIN / "callflow"), "run", str(D2), "--agent", "Dana"], "Existing member?", env),
            until_on_screen(
                [sys.executable, "-c", "import typer, pydantic, yaml, rich, questionary; print('imported')"],
                "imported",
                env,
            ),
        )
        rows.append(
            [
                "first prompt of `callflow run` (D-2, flow cached)",
                ms(ours),
                "`import typer, pydantic, yaml, rich, questionary`",
                ms(base),
                f"{ours / base:.2f}",
                "≤ 1.2",
            ]
        )

        median, slowest = key_to_screen([str(BIN / "callflow"), "run", str(D2), "--agent", "Dana"], env)
        rows.append(["key to screen, D-2 (median of 25 answers)", ms(median), "—", "—", "—", "< 100 ms"])
        rows.append(["key to screen, D-2 (slowest of 25 answers)", ms(slowest), "—", "—", "—", "< 100 ms"])

        big = Path(tmp) / "generated-10000.yaml"
        generated_flow(big, 10_000)
        bare = time_call(lambda: yaml.load(big.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader), runs=3)
        ours_load = time_call(lambda: load_flow(str(big), cache=False), runs=3)
        rows.append(
            ["load + validate, 10,000 nodes", ms(ours_load), "`yaml.load(CSafeLoader)` of the same file", ms(bare), f"{ours_load / bare:.2f}", "≤ 1.3"]
        )
        load_flow(str(big))  # fills the flow cache
        cached = time_call(lambda: load_flow(str(big)), runs=3)
        rows.append(["the same, read back from the flow cache", ms(cached), "", ms(bare), f"{cached / bare:.2f}", "—"])

        loaded = load_flow(str(big))
        index = loaded.index

        def thousand_steps() -> None:
            session = Session(loaded.flow, index, agent="Dana")
            for i in range(1000):
                session.answer(f"value {i}" if session.prompt and not session.prompt.is_choose else "Left")

        steps = time_call(thousand_steps, runs=5)
        rows.append(["1,000 engine steps (10,000-node flow)", ms(steps), "—", "—", "—", "< 100 ms"])
    print(table("callflow run", ["measure", "callflow", "baseline", "baseline time", "ratio", "target"], rows))
    print("Fastest of 15 runs of each side, taken in turns; in-process figures: fastest of 3 or 5.")


if __name__ == "__main__":
    main()
