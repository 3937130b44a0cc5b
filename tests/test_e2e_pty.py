"""The installed `callflow run` in a pseudo-terminal, typed the way a person types."""

from __future__ import annotations

import json
import os
import re
import signal
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
    answer(child, "More than one contact on the account?", ENTER)  # No, the default
    answer(child, "Amount of invoices 30 days past due", "4.5" + ENTER)  # a typo ...
    child.expect_exact("past due amount of $4.50")
    answer(child, "Add-on + Balance Owed?", ESC)  # ... Back
    child.expect_exact("Undid D-2-6 past due amount = $4.50")
    # The prompt comes back holding the previous answer: erase it and fix it.
    answer(child, "Amount of invoices 30 days past due", "\x7f" * 8 + "45.50" + ENTER)
    child.expect_exact("past due amount of $45.50")
    answer(child, "Add-on + Balance Owed?", ENTER)  # Yes
    answer(child, "Remote Agent selected for the ticket", "Alex" + ENTER)
    child.expect_exact("Your total is $65.50.")
    answer(child, "How was the payment made?", ENTER)
    answer(child, "Ticket number", "T1001" + ENTER)
    answer(child, "press Enter for the summary", ENTER)  # the end: its words stay until Enter
    child.expect_exact("Call summary")
    child.expect(pexpect.EOF)
    screen = ANSI.sub("", child.before or "")
    child.close()
    assert child.exitstatus == 0, screen

    for expected in (
        "transferred to remote agent",
        "D-2-1 → D-2-5 → D-2-13 → D-2-6 → D-2-14 → D-2-15 → payment_options/PAYMENT-OPTIONS → D-2-15 → D-2-9 →",
        "hand_over_ticket/HAND-OVER → D-2-9",
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


# -- a closed terminal, SIGTERM, and resuming live -------------------------------------

CTRL_N = "\x0e"


def spawn_command(tmp_path: Path, *args: str) -> pexpect.spawn:
    env = dict(
        os.environ,
        CALLFLOW_SESSIONS_DIR=str(tmp_path / "sessions"),
        PROMPT_TOOLKIT_NO_CPR="1",
        TERM="xterm",
    )
    env.pop("CALLFLOW_AGENT", None)
    return pexpect.spawn(
        str(CALLFLOW), list(args), env=env, cwd=str(tmp_path), encoding="utf-8", dimensions=(40, 120), timeout=20
    )


def journal_records(tmp_path: Path) -> list[dict[str, object]]:
    journal = next((tmp_path / "sessions" / "journal").glob("*.jsonl"))
    text = journal.read_text(encoding="utf-8")
    assert text.endswith("\n")  # whole lines only
    return [json.loads(line) for line in text.splitlines()]


def drain(child: pexpect.spawn) -> str:
    """Everything the prompt has drawn so far (a timeout keeps it buffered)."""
    child.expect(pexpect.TIMEOUT, timeout=0.5)
    return str(child.buffer)


def stop_by_signal(tmp_path: Path, signum: int) -> pexpect.spawn:
    """A call with one answer and one note, stopped by a signal at the next prompt."""
    child = spawn(tmp_path, "--agent", "Dana")
    answer(child, "Existing member?", ENTER)  # Yes
    answer(child, "Which plan is the member on?", CTRL_N)
    answer(child, "Note:", "caller is on a train; card 4111 1111 1111 1111" + ENTER)
    child.expect_exact("XXXX XXXX XXXX 1111")
    answer(child, "Which plan is the member on?", ENTER)  # Pay As You Go
    child.expect_exact("More than one contact on the account?")
    drawn = drain(child)
    child.kill(signum)
    child.expect(pexpect.EOF)
    # Nothing was written to the (dead) terminal after the signal.
    assert child.before == drawn
    child.close()
    assert child.signalstatus == signum and child.exitstatus is None
    return child


def test_a_closed_terminal_keeps_the_call_and_resume_goes_on_live(tmp_path: Path) -> None:
    stop_by_signal(tmp_path, signal.SIGHUP)
    records = journal_records(tmp_path)
    assert [r["event"] for r in records] == ["start", "answer", "note", "answer", "stopped"]
    assert records[2]["text"] == "caller is on a train; card XXXX XXXX XXXX 1111"
    assert records[-1]["reason"] == "SIGHUP"
    session_id = str(records[0]["session"])

    child = spawn_command(tmp_path, "resume")
    child.expect_exact(f"Resuming session {session_id}")
    child.expect_exact("terminal closed")
    child.expect_exact("Replayed 2 answers from the journal.")
    child.expect_exact("The call so far")
    child.expect_exact("Pay As You Go")
    child.expect_exact("caller is on a train")
    answer(child, "More than one contact on the account?", ENTER)  # No, the default
    answer(child, "Amount of invoices 30 days past due", "45.50" + ENTER)
    answer(child, "Add-on + Balance Owed?", ENTER)
    answer(child, "Remote Agent selected for the ticket", "Alex" + ENTER)
    child.expect_exact("Your total is $65.50.")
    answer(child, "How was the payment made?", ENTER)
    answer(child, "Ticket number", "T1001" + ENTER)
    answer(child, "press Enter for the summary", ENTER)
    child.expect_exact("Call summary")
    child.expect(pexpect.EOF)
    screen = ANSI.sub("", child.before or "")
    child.close()
    assert child.exitstatus == 0, screen
    assert "caller is on a train; card XXXX XXXX XXXX 1111 (D-2-5)" in screen
    receipt = json.loads(next((tmp_path / "sessions").glob("*.json")).read_text(encoding="utf-8"))
    assert receipt["session"] == session_id
    assert [a["field"] for a in receipt["answers"]][:2] == ["existing_member", "member_plan"]
    assert receipt["invoice"]["total"] == "65.50"
    assert [n["text"] for n in receipt["notes"]] == ["caller is on a train; card XXXX XXXX XXXX 1111"]
    assert "4111 1111" not in (tmp_path / "sessions").joinpath("journal", f"{session_id}.jsonl").read_text()


def test_sigterm_closes_the_journal_quietly(tmp_path: Path) -> None:
    stop_by_signal(tmp_path, signal.SIGTERM)
    records = journal_records(tmp_path)
    assert records[-1]["event"] == "stopped" and records[-1]["reason"] == "SIGTERM"
    assert records[-1]["answers"] == 2


def test_ctrl_c_then_resume_with_answers_finishes_the_call(tmp_path: Path) -> None:
    import subprocess

    child = spawn(tmp_path, "--agent", "Dana")
    answer(child, "Existing member?", ENTER)
    answer(child, "Which plan is the member on?", "\x03")
    answer(child, "Stop here?", DOWN + ENTER)
    child.expect(r"Resume it with: callflow resume (\S+)")
    session_id = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert journal_records(tmp_path)[-1] == {**journal_records(tmp_path)[-1], "event": "stopped", "reason": "ctrl-c"}
    result = subprocess.run(
        [str(CALLFLOW), "resume", session_id, "--answers", str(ROOT / "tests/answers/d2/D-2-9-payg-addon-and-balance.yaml"), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, CALLFLOW_SESSIONS_DIR=str(tmp_path / "sessions")),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["invoice"]["total"] == "65.50"


def test_a_secret_is_not_echoed_and_a_resume_asks_for_it_again(tmp_path: Path) -> None:
    from sessionkit import PIN, SECRET_FLOW

    flow = tmp_path / "card.yaml"
    flow.write_text(SECRET_FLOW, encoding="utf-8")
    child = spawn_command(tmp_path, "run", str(flow), "--agent", "Dana")
    answer(child, "Caller name", "Robin" + ENTER)
    answer(child, "Account PIN", PIN + ENTER)
    answer(child, "Card number", "5105 1051 0510 5100" + ENTER)
    child.expect_exact("Describe the issue")
    drawn = drain(child)
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    screen = ANSI.sub("", (child.before or "") + drawn)
    child.close()
    assert PIN not in screen and "5105" not in screen  # typed without echo
    records = journal_records(tmp_path)
    assert [r.get("secret") for r in records if r["event"] == "answer"] == [None, True, True]

    child = spawn_command(tmp_path, "resume")
    # The PIN decides the way on, so it is asked again; the card number is not.
    child.expect_exact("The call needs the secret 'Account PIN' (A) again: secrets are never saved.")
    answer(child, "Account PIN", "WRONG1" + ENTER)
    child.expect_exact("two letters and four digits")
    child.send("\x7f" * 6 + PIN + ENTER)
    child.expect_exact("Replayed 3 answers from the journal.")
    child.expect_exact("Secret(s) not saved and not needed by any step: card")
    answer(child, "Describe the issue", "card 4000 0566 5566 5556 was declined" + ENTER)
    answer(child, "Ticket number", "T-77" + ENTER)
    answer(child, "press Enter for the summary", ENTER)
    child.expect_exact("Call summary")
    child.expect(pexpect.EOF)
    screen = ANSI.sub("", child.before or "")
    child.close()
    assert child.exitstatus == 0, screen
    assert PIN not in screen and "4000 0566" not in screen
    receipt = json.loads(next((tmp_path / "sessions").glob("*.json")).read_text(encoding="utf-8"))
    assert receipt["outcome"] == "paid" and receipt["ticket"]["fields"][0]["value"] == "card XXXX XXXX XXXX 5556 was declined"
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "sessions").rglob("*") if p.is_file())
    assert PIN not in written and "5105" not in written and "4000 0566" not in written


def test_an_undone_answer_is_offered_again_after_any_number_of_resumes(tmp_path: Path) -> None:
    """Esc, the process killed, resumed, killed again, resumed again: the
    question the back returned to still holds the answer it undid."""
    child = spawn(tmp_path, "--agent", "Dana")
    answer(child, "Existing member?", ENTER)  # Yes
    answer(child, "Which plan is the member on?", ENTER)  # Pay As You Go
    answer(child, "More than one contact on the account?", ENTER)  # No, the default
    answer(child, "Amount of invoices 30 days past due", "45.50" + ENTER)
    answer(child, "Add-on + Balance Owed?", ESC)  # back: the amount is undone
    child.expect_exact("Undid D-2-6 past due amount = $45.50")
    child.expect_exact("Amount of invoices 30 days past due")
    drain(child)
    child.kill(signal.SIGKILL)
    child.close()
    for resumed in range(2):
        child = spawn_command(tmp_path, "resume")
        child.expect_exact("Amount of invoices 30 days past due")
        held = ANSI.sub("", drain(child))
        # The prompt holds it after its hint "(amount, e.g. 45.50)", ready for Enter or a fix.
        assert "e.g. 45.50) 45.50" in held, (resumed, held)
        child.kill(signal.SIGKILL)
        child.close()
    events = [r["event"] for r in journal_records(tmp_path)]
    assert events.count("resume") == 2 and events[-1] == "resume" and "back" in events
