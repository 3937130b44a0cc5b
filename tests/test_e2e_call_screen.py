"""A whole D-2 call typed in a real terminal at 80x24, read off a virtual
screen the way the director reads it: at every prompt the status line names
the node and the call's clock; a card number typed into a note, a text
answer or an amount is nowhere on the screen; back names what it undid;
Ctrl-C then "go on" shows the half-typed prompt once; Ctrl-R changes an
earlier answer; the end node's words stay on screen until Enter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sessionkit import marked_d2
from terminalkit import BACKSPACE, CALLFLOW, CTRL_C, CTRL_N, CTRL_R, DOWN, ENTER, ESC, UP, Terminal, terminal_env

pytestmark = pytest.mark.skipif(not CALLFLOW.exists(), reason="callflow is not installed next to this Python")

CARD = "4111 1111 1111 1111"
CLOCK = re.compile(r"  (\d\d):(\d\d) · total \$\d+\.\d\d · due \$\d+\.\d\d$")


def at(call: Terminal, prompt: str, node: str) -> str:
    """Wait for the prompt; the status line under it names the node and the clock."""
    call.prompt(prompt)
    status = call.status()
    assert status.startswith(f" {node} · "), (node, call.text())
    assert CLOCK.search(status), status
    assert len(status) <= 80
    return call.text()


def test_a_whole_d2_call_at_80x24(tmp_path: Path) -> None:
    flow = marked_d2(tmp_path / "flows")
    sessions = tmp_path / "sessions"
    call = Terminal(["run", str(flow), "--agent", "Dana"], cwd=tmp_path, env=terminal_env(sessions), columns=80, rows=24)

    screen = at(call, "Existing member?", "D-2-1")
    assert [line for line in screen.splitlines() if line][-1] == " ↑↓ Enter pick · Esc back · Ctrl-N note · Ctrl-R review · Ctrl-C stop"
    call.types(ESC)  # nothing to undo yet
    call.shows("↩ Nothing to undo: this is the first question.")
    at(call, "Existing member?", "D-2-1")
    call.types(ENTER)  # Yes

    at(call, "Which plan is the member on?", "D-2-5")
    call.types(ENTER)  # Pay As You Go
    at(call, "More than one contact on the account?", "D-2-13")
    call.types(ENTER)  # No: the list opens on it (the flow's default)

    screen = at(call, "Amount of invoices 30 days past due", "D-2-6")
    # The question's keys are in the status line, not on the prompt line.
    assert call.open_prompt() == "? Amount of invoices 30 days past due (0 if none)"
    assert [line for line in screen.splitlines() if line][-1] == " Enter take · Esc back · Ctrl-N note · Ctrl-R review · Ctrl-C stop"
    call.types(CTRL_N)
    call.answers("Note:", f"caller reads card {CARD}" + ENTER)
    call.shows("✎ Note: caller reads card XXXX XXXX XXXX 1111")
    at(call, "Amount of invoices 30 days past due", "D-2-6")
    call.types(CARD + ENTER)  # a card number in an amount: refused, never taken
    call.shows("a card number is never kept: type the amount or number asked for")
    call.types(BACKSPACE * len(CARD) + "45.50" + ENTER)

    screen = at(call, "Add-on + Balance Owed?", "D-2-14")
    assert "? Amount of invoices 30 days past due (0 if none)  $45.50" in screen
    call.types(ENTER)  # Yes
    at(call, "Remote Agent selected for the ticket", "D-2-15")
    call.types(f"Alex, card {CARD} on file" + ENTER)

    screen = at(call, "How was the payment made?", "D-2-15")
    assert "? Remote Agent selected for the ticket  Alex, card XXXX XXXX XXXX 1111 on" in call.transcript()
    assert "Your total is $65.50." in call.transcript()
    assert "You can also call" in screen  # the payment options procedure, said just before
    call.types(ENTER)  # Online

    screen = at(call, "Ticket number", "hand_over_ticket/HAND-OVER")
    assert "· in D-2-9 · Pay" in call.status()  # the procedure says where it was called from
    assert "✔ Payment recorded: $65.50 — Online" in screen
    call.types(ESC)  # the payment method was wrong
    screen = at(call, "How was the payment made?", "D-2-15")
    undid = " ".join(screen.split())
    assert "↩ Undid D-2-15 payment method = Online: Anything Computers.org icon > Access your account;" in undid
    assert "removed: payment $65.50" in undid
    # The node as it now stands: the total, unpaid, right above what was undone.
    assert "Invoice now: total $65.50 · due $65.50" in screen
    call.types(DOWN + ENTER)  # given to me

    at(call, "Ticket number", "hand_over_ticket/HAND-OVER")
    call.types("T-20" + CTRL_C)
    call.answers("Stop here?", ENTER)  # go on with the call
    screen = at(call, "Ticket number", "hand_over_ticket/HAND-OVER")
    assert "· in D-2-9 · Pay" in call.status()  # the procedure says where it was called from
    assert call.open_prompt() == "? Ticket number (from the ticket receipt) T-20"
    assert screen.count("Ticket number (from the ticket receipt)") == 1  # the half-typed prompt, once
    call.types("01" + ENTER)

    call.at_end()
    screen = call.text()
    for said in (
        "Here is your ticket # T-2001.",
        "Please hold again while I transfer you to a Remote Agent.",
        "☐ Re-Assign chat to Remote Agent",
        "● Call ends: transferred to remote agent",
    ):
        assert said in screen, screen
    assert "Call summary" not in screen
    assert call.status().startswith(" D-2-9 · Pay As You Go Member")

    call.types(CTRL_R)  # at the end: change the remote agent after all
    call.prompt("Change which answer?")
    review = call.text()
    assert "  D-2-15  Remote Agent selected for the ticket  Alex, card XXXX XXXX XXXX" in review
    assert "» hand_over_ticket/HAND-OVER  Ticket number (from the ticket receipt)" in review
    call.types(UP + UP + ENTER)  # the remote agent
    at(call, "Remote Agent selected for the ticket", "D-2-15")
    call.types(BACKSPACE * 40 + "Alex" + ENTER)
    call.at_end()
    changed = " ".join(call.text().split())
    assert "✎ Changed D-2-15 remote agent: Alex, card XXXX XXXX XXXX 1111 on file → Alex;" in changed
    assert "2 of the 2 later answers given again" in changed
    assert "Here is your ticket # T-2001." in call.text()
    call.types(ENTER)

    assert call.ends() == 0, call.transcript()
    everything = call.transcript()
    assert CARD not in everything and "4111" not in everything
    assert all(len(line) <= 80 for line in everything.splitlines())
    assert "Ticket number T-2001" in " ".join(everything.split()[everything.split().index("summary") :])

    receipt = json.loads(next(sessions.glob("*.json")).read_text(encoding="utf-8"))
    assert receipt["ticket"]["number"] == "T-2001"
    assert [f["value"] for f in receipt["ticket"]["fields"] if f["key"] == "assignee"] == ["Alex"]
    assert [p["method"] for p in receipt["payments"]] == ["Payment details given to me (chat or phone)"]
    asked = list(dict.fromkeys(answer["node"] for answer in receipt["answers"]))
    assert [t["node"] for t in receipt["time_per_node"]] == [*asked, receipt["path"][-1]]
    assert receipt["notes"][0]["text"] == "caller reads card XXXX XXXX XXXX 1111"
    journal = next((sessions / "journal").glob("*.jsonl")).read_text(encoding="utf-8")
    assert "4111" not in journal
    kinds = [json.loads(line)["event"] for line in journal.splitlines()]
    assert kinds.count("back") == 1 and kinds.count("change") == 1 and kinds[-2:] == ["end", "receipt"]
    written = "".join(p.read_text(encoding="utf-8") for p in sessions.glob("*.*"))
    assert "4111" not in written
