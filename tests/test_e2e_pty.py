"""The installed `callflow run` in a pseudo-terminal, typed the way a person types."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
CALLFLOW = Path(sys.executable).parent / "callflow"

UP, DOWN, ENTER, ESC = "\x1b[A", "\x1b[B", "\r", "\x1b"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r")

pytestmark = pytest.mark.skipif(not CALLFLOW.exists(), reason="callflow is not installed next to this Python")


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    # A pty has no terminal to answer cursor-position requests; without this
    # prompt_toolkit waits for each answer before drawing.
    env = dict(
        os.environ,
        CALLFLOW_SESSIONS_DIR=str(tmp_path / "sessions"),
        PROMPT_TOOLKIT_NO_CPR="1",
        TERM="xterm",
    )
    env.pop("CALLFLOW_AGENT", None)
    child = pexpect.spawn(
        str(CALLFLOW),
        ["run", str(D2), *args],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=20,
    )
    return child


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    """Wait until the prompt is on screen, then type."""
    child.expect_exact(prompt)
    child.send(keys)


def test_whole_call_with_one_back_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    answer(child, "Your name", "Dana" + ENTER)
    child.expect_exact("This is Dana. Are you an existing member?")
    answer(child, "Existing member?", ENTER)  # Yes
    answer(child, "Which plan is the member on?", ENTER)  # Pay As You Go
    answer(child, "More than one contact on the account?", DOWN + ENTER)  # No
    answer(child, "Amount of invoices 30 days past due", "4.5" + ENTER)  # a typo ...
    child.expect_exact("past due amount of $4.50")
    answer(child, "Add-on + Balance Owed?", ESC)  # ... Back
    child.expect_exact("Back: the last answer was undone")
    # The prompt comes back holding the previous answer: erase it and fix it.
    answer(child, "Amount of invoices 30 days past due", "\x7f" * 8 + "45.50" + ENTER)
    child.expect_exact("past due amount of $45.50")
    answer(child, "Add-on + Balance Owed?", ENTER)  # Yes
    answer(child, "Remote Agent selected for the ticket", "Alex" + ENTER)
    child.expect_exact("Your total is $65.50.")
    answer(child, "How was the payment made?", ENTER)
    answer(child, "Ticket number", "T1001" + ENTER)
    child.expect_exact("Call summary")
    child.expect(pexpect.EOF)
    screen = ANSI.sub("", child.before or "")
    child.close()
    assert child.exitstatus == 0, screen

    for expected in (
        "transferred to remote agent",
        "D-2-1 → D-2-5 → D-2-13 → D-2-6 → D-2-14 → D-2-15 → D-2-9",
        "PAY AS YOU GO REMOTE SESSION",
        "Past due balance",
        "$65.50",
        "Pay As You Go Plan – Remote Session Included",
    ):
        assert expected in screen

    sessions = tmp_path / "sessions"
    receipts = sorted(sessions.glob("*.json"))
    assert len(receipts) == 1
    data = json.loads(receipts[0].read_text(encoding="utf-8"))
    assert data["agent"] == "Dana"
    assert data["outcome"] == "transferred_to_remote_agent"
    assert data["invoice"]["total"] == "65.50"
    assert data["invoice"]["past_due"] == "45.50"
    assert [line["code"] for line in data["invoice"]["lines"]] == ["320"]
    # The undone answer is not in the receipt; the corrected one is.
    amounts = [a["value"] for a in data["answers"] if a["field"] == "past_due_amount"]
    assert amounts == ["45.50"]
    markdown = receipts[0].with_suffix(".md").read_text(encoding="utf-8")
    assert "| | **Total** | | | **$65.50** |" in markdown

    journal = list((sessions / "journal").glob("*.jsonl"))
    assert len(journal) == 1
    kinds = [json.loads(line)["event"] for line in journal[0].read_text(encoding="utf-8").splitlines()]
    assert kinds[0] == "start" and "back" in kinds and kinds[-2:] == ["end", "receipt"]


def test_ctrl_c_saves_and_quits_with_exit_130(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--agent", "Dana")
    answer(child, "Existing member?", DOWN + ENTER)  # No -> D-2-3
    answer(child, "Member or one time support?", "\x03")
    answer(child, "Stop here?", DOWN + ENTER)  # Save and quit
    child.expect_exact("Resume it with: callflow resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    journal = next((tmp_path / "sessions" / "journal").glob("*.jsonl"))
    records = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert records[1] == {**records[1], "event": "answer", "field": "existing_member", "value": "no"}


def test_not_a_terminal_points_to_answers(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(
        [str(CALLFLOW), "run", str(D2), "--agent", "Dana"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--answers FILE" in result.stderr
    assert "Traceback" not in result.stderr
