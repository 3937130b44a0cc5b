"""Fuzzing every command that reads a file: no exception escapes, whatever the
flow or answers file holds (issue 12: "a hypothesis or fuzz test over flows
and answers runs in CI, bounded to a minute, and asserts no exception escapes
any command"). Inputs are the shipped flows and answers files with random
edits: lines dropped, repeated or swapped, values replaced by hostile ones,
bytes flipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from callflow.cli import app

ROOT = Path(__file__).resolve().parents[1]
FLOWS = sorted((ROOT / "flows").glob("*.yaml"))
ANSWERS = sorted((ROOT / "tests" / "answers" / "d2").glob("*.yaml"))
DOCUMENTED_EXITS = {0, 1, 2, 3, 4, 5}
HOSTILE_VALUES = [
    "99999999999999999999999999",
    "-1",
    "1e308",
    "NaN",
    "'(a+)+'",
    '"\\x1b]52;c;aGk=\\x07"',
    "[" * 70,
    "{a: {b: {c: }}}",
    "!!python/object:os.system",
    "*alias",
    "&anchor x",
    "'" + "x" * 5000 + "'",
    "~",
    "yes",
    "0x10",
    "2026-02-30",
    "'visits(\"x\") / 0'",
    "'today + 99999999'",
    "''",
]
runner = CliRunner()


@st.composite
def mutated(draw: st.DrawFn, sources: list[Path]) -> str:
    lines = draw(st.sampled_from(sources)).read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "value", "indent", "bytes"]))
        if action == "drop":
            del lines[i]
        elif action == "repeat":
            lines.insert(i, lines[i])
        elif action == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(HOSTILE_VALUES))}"
        elif action == "indent":
            lines[i] = " " * draw(st.integers(0, 9)) + lines[i].lstrip()
        elif lines[i]:
            k = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:k] + draw(st.sampled_from(["\x00", "\x1b", "\t", "{", "}", "'", '"', "\u202e", "é"])) + lines[i][k + 1 :]
    return "\n".join(lines) + "\n"


def check(args: list[str]) -> None:
    result = runner.invoke(app, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"callflow {' '.join(args)} raised {result.exception!r}") from result.exception
    assert result.exit_code in DOCUMENTED_EXITS, (args, result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flow=mutated(FLOWS), answers=mutated(ANSWERS))
def test_no_command_lets_an_exception_escape(tmp_path_factory: pytest.TempPathFactory, flow: str, answers: str) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    flow_path = base / "flows" / "fuzzed.yaml"
    flow_path.parent.mkdir(parents=True, exist_ok=True)
    flow_path.write_text(flow, encoding="utf-8", errors="surrogatepass")
    answers_path = base / "answers.yaml"
    answers_path.write_text(answers, encoding="utf-8", errors="surrogatepass")
    d2 = str(ROOT / "flows" / "anything-computers-intake.yaml")
    sessions = str(base / "sessions")
    check(["lint", str(flow_path)])
    check(["lint", "--format", "json", str(flow_path)])
    check(["graph", str(flow_path)])
    check(["paths", str(flow_path), "--limit", "20"])
    check(["run", str(flow_path), "--answers", answers_path.as_posix(), "--json", "--sessions-dir", sessions])
    check(["run", d2, "--answers", str(answers_path), "--json", "--sessions-dir", sessions])
    check(["walk", str(flow_path), "--random", "--seed", "1", "--count", "3"])
