"""A terminal window closed in the middle of a call, as a shell under it sees
it: the call's journal ends with its stop record, the exit status is 129,
nothing is written to the dead terminal, and stderr (when it is a file) gets
at most one line, never a traceback."""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
CALLFLOW = Path(sys.executable).parent / "callflow"

pytestmark = pytest.mark.skipif(not CALLFLOW.exists(), reason="callflow is not installed next to this Python")


def close_the_window(
    tmp_path: Path, answers: list[tuple[str, str]], last_prompt: str, flow: Path = D2
) -> tuple[str, str, list[dict[str, object]]]:
    """Run a call under a shell that outlives the hang-up (as a terminal
    emulator's shell or tmux's does), answer, then close the pty: the exit
    status the shell saw, callflow's stderr, and the journal."""
    sessions = tmp_path / "sessions"
    err, status = tmp_path / "stderr.txt", tmp_path / "status.txt"
    command = " ".join(shlex.quote(str(a)) for a in (CALLFLOW, "run", flow, "--agent", "Dana"))
    script = f"trap true HUP; {command} 2>{shlex.quote(str(err))}; echo $? >{shlex.quote(str(status))}"
    env = dict(os.environ, CALLFLOW_SESSIONS_DIR=str(sessions), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    env.pop("CALLFLOW_AGENT", None)
    child = pexpect.spawn("bash", ["-c", script], env=env, cwd=str(tmp_path), encoding="utf-8", dimensions=(24, 80), timeout=20)
    for prompt, keys in answers:
        child.expect_exact(prompt)
        child.send(keys)
    child.expect_exact(last_prompt)
    time.sleep(0.3)  # the prompt is drawn and waiting for a key
    os.close(child.child_fd)  # the window closes: every read and write of the terminal fails from now on
    for _ in range(200):
        if status.exists() and status.read_text(encoding="utf-8").strip():
            break
        time.sleep(0.05)
    journal = next((sessions / "journal").glob("*.jsonl"))
    records = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    return status.read_text(encoding="utf-8").strip(), err.read_text(encoding="utf-8"), records


def test_closing_the_window_mid_call_stops_it_with_129_and_its_stop_record(tmp_path: Path) -> None:
    status, err, records = close_the_window(tmp_path, [("Existing member?", "\r")], "Which plan is the member on?")
    assert status == "129"
    assert "Traceback" not in err and "Error" not in err
    assert len(err.splitlines()) <= 1
    if err:
        assert err.startswith("callflow: the terminal closed.") and "callflow resume" in err
    assert [r["event"] for r in records] == ["start", "answer", "stopped"]
    assert records[-1]["reason"] == "SIGHUP"


def test_a_call_closed_at_its_third_question_keeps_both_answers(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    status, err, records = close_the_window(
        tmp_path, [("Existing member?", "\r"), ("Which plan is the member on?", "\r")], "More than one contact"
    )
    assert status == "129" and "Traceback" not in err
    assert records[-1]["event"] == "stopped" and records[-1]["answers"] == 2
    assert not list(sessions.glob("*.json"))  # a stopped call has no receipt yet


SHORT = """\
id: short
title: Short call
start: A
fields:
  name: {prompt: Caller name}
nodes:
  A:
    steps:
      - ask: name
      - say: "Thank you, {name}. Goodbye."
    end: done
"""


def test_closing_the_window_at_the_end_of_a_call_saves_its_receipt(tmp_path: Path) -> None:
    """The end's words wait for Enter; the window closes there: the call had
    ended, so it is saved whole, with its receipt, and nothing is left to resume."""
    flow = tmp_path / "short.yaml"
    flow.write_text(SHORT, encoding="utf-8")
    status, err, records = close_the_window(tmp_path, [("Caller name", "Robin\r")], "Goodbye.", flow)
    assert status == "129" and "Traceback" not in err and len(err.splitlines()) <= 1
    events = [r["event"] for r in records]
    assert events[:3] == ["start", "answer", "end"] and "stopped" not in events
    receipts = sorted(p.suffix for p in (tmp_path / "sessions").glob("*.*"))
    assert receipts == [".json", ".md", ".txt"]
    if err:
        assert err.startswith("callflow: the terminal closed at the end of the call; its receipt is ")
