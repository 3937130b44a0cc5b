"""A whole call of tests/language/desk.yaml in a real terminal, typed the way a
person types: a bounded loop, billed time, a procedure call, a credit, a
computed refund, a refund refused then taken, a checklist item not done (with
Esc out of its reason), a callback date; at 80x24 and on a wide terminal. The
screens are read off a virtual terminal, then the saved receipts."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from languagekit import DESK
from terminalkit import BACKSPACE, CALLFLOW, DOWN, ENTER, ESC, Terminal, terminal_env

pytestmark = pytest.mark.skipif(not CALLFLOW.exists(), reason="callflow is not installed next to this Python")


def block(screen: str, first: str, lines: int) -> list[str]:
    """`lines` lines of the screen from the last one that starts with `first`."""
    rows = screen.splitlines()
    start = max(i for i, row in enumerate(rows) if row.startswith(first))
    return rows[start : start + lines]


@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (160, 40)], ids=["80x24", "160x40"])
def test_a_desk_call_typed_by_a_person(tmp_path: Path, columns: int, rows: int) -> None:
    today = date.today()
    callback = today + timedelta(days=2)
    sessions = tmp_path / "sessions"
    call = Terminal(["run", str(DESK)], cwd=tmp_path, env=terminal_env(sessions), columns=columns, rows=rows)
    wide = columns > 100

    call.answers("Your name", "Dana" + ENTER)
    call.shows("This is Dana.")
    call.answers("Caller's name", "Robin" + ENTER)
    for _ in range(3):
        call.answers("Does the test page print now?", DOWN + ENTER)  # No

    call.prompt("How long was the on-site visit?")
    screen = call.shows("TRY reached 3 times")
    if wide:
        assert call.open_prompt() == "? How long was the on-site visit?  (time, e.g. 45 min, 1 h 30, 1:30; 15 min to 8 h)"
    else:
        # At 80 columns what to type goes on its own line: the line typed on does not wrap.
        assert block(screen, "  ⟳", 5) == [
            "  ⟳ TRY reached 3 times: going to ESCALATE",
            "",
            "ESCALATE  On-site › Bill the visit  ·  Team Director ───────────────────────────",
            "  ℹ Three tries did not fix it: a technician went on site.",
            "  ▸ time, e.g. 45 min, 1 h 30, 1:30; 15 min to 8 h",
        ]
        assert call.open_prompt() == "? How long was the on-site visit?"
    assert call.status().startswith(" ESCALATE · On-site ")
    call.types("2:30" + ENTER)
    call.answers("Was the visit expedited?", ENTER)  # Yes

    call.prompt("How is it paid?")
    screen = call.shows("» Card")
    assert "? How long was the on-site visit?  2 h 30 min" in screen
    assert "  + Time: ONSITE – On-site work (expedited)  2.5 h × $190.00/h = $475.00" in screen
    assert "pay/P-1  Payment › Take payment  ·  Team Director" in screen
    assert "  ↳ called from ESCALATE" in screen
    assert "│ Your total due is $500.00." in screen
    assert "  Invoice now: total $500.00 · due $500.00" in screen
    call.types(ENTER)  # Card

    call.prompt("How many ink bottles come back?")
    screen = call.shows("↩ back in ESCALATE after pay")
    assert "  ✔ Payment recorded: $500.00 — Card" in screen
    assert "  Invoice now: total $500.00 · paid $500.00 · due $0.00" in screen
    call.types("2.5" + ENTER)
    call.shows("'2.5' is not a whole number")  # refused while typing, nothing recorded
    call.types(BACKSPACE * 3 + "2" + ENTER)

    call.prompt("Amount to refund now")
    screen = call.shows("= refund: $160.94")
    assert "  − Credit: BTL – Ink bottle  2 × -$89.47 = -$178.94" in screen
    assert "  + Invoice: FEE – Restocking fee  2 × $9.00 = $18.00" in screen
    assert "We owe you $160.94 for 2 bottles, less the restocking fee." in screen
    assert "  Invoice now: total $339.06 · paid $500.00 · due $0.00 · refund due $160.94" in screen
    call.types("500" + ENTER)
    # The prompt comes again, holding what was typed.
    screen = call.until(lambda s: "cannot be taken" in s and call.open_prompt().endswith("500"), "asked again with 500")
    if wide:
        assert (
            "  ✗ that answer cannot be taken: the refund would be $500.00, more than the $160.94 the invoice owes"
            " the customer" in screen
        )
    else:
        assert block(screen, "  ✗", 2) == [
            "  ✗ that answer cannot be taken: the refund would be $500.00, more than the",
            "    $160.94 the invoice owes the customer",
        ]
    call.types(BACKSPACE * 3 + "160.94" + ENTER)

    call.prompt("— done?")
    screen = call.shows("» Done")
    assert "  ↺ Refund paid back: $160.94 — to the card used" in screen
    assert "  ☐ Log the return of 2 bottles in the stock sheet" in screen
    assert "  Invoice now: total $339.06 · paid $500.00 · refunded $160.94 · due $0.00" in screen
    assert block(screen, "☐ Log the return of 2 bottles in the stock sheet — done?", 5)[1:] == [
        " » Done",
        "   Not done…",
        "   ---------------",
        "   ← Back",
    ]
    call.types(DOWN + ENTER)  # Not done…
    call.answers("Why was it not done?", ESC)  # on second thought: back to the list
    call.prompt("— done?")
    screen = call.shows("↩ Back to done / not done", "» Not done…")  # the list opens on Not done…
    call.types(ENTER)
    call.answers("Why was it not done?", "sheet is locked" + ENTER)

    call.prompt("Callback date")
    first, last = (today + timedelta(days=1)).isoformat(), (today + timedelta(days=14)).isoformat()
    screen = call.shows(f"{first} to {last}")  # the actual dates of this call
    call.types(callback.isoformat() + ENTER)
    call.at_end()  # the last words stay on screen until Enter
    screen = call.shows("● Call ends: resolved")
    assert "Call summary" not in screen
    call.types(ENTER)
    assert call.ends() == 0, call.transcript()
    screen = call.transcript()
    assert f"? Callback date  {callback:%a %d %b %Y} (in 2 days)" in screen
    assert f"  ↻ Follow-up: Call Robin back about the printer — Dana, due {callback.isoformat()} (in 2" in screen
    assert "  ✉ Notify Dana: Return of 2 bottles for Robin" in screen
    assert "Call summary" in screen and "  ● Call ends: resolved" in screen
    assert "  ☒ Log the return of 2 bottles in the stock sheet  not done: sheet is locked" in screen
    assert "  • $160.94 — to the card used  at RETURN" in screen
    assert "  • refund = $160.94" in screen
    assert f"  • Call Robin back about the printer — Dana, due {callback.isoformat()} (in 2 days)" in screen
    assert "            Refunded" in screen and "$160.94" in screen
    assert "  ONSITE    On-site work (expedited)   2.5 h   $190.00/h    $475.00" in screen
    assert "  BTL       Ink bottle (credit)            2     -$89.47   -$178.94" in screen
    assert all(len(line) <= columns for line in screen.splitlines())

    receipt = json.loads(next(sessions.glob("*.json")).read_text(encoding="utf-8"))
    assert receipt["today"] == today.isoformat()
    assert receipt["path"] == ["START", "TRY", "TRY", "TRY", "ESCALATE", "pay/P-1", "ESCALATE", "RETURN"]
    assert [(line["kind"], line["code"], line["amount"]) for line in receipt["invoice"]["lines"]] == [
        ("item", "CALLOUT", "25.00"),
        ("time", "ONSITE", "475.00"),
        ("credit", "BTL", "-178.94"),
        ("item", "FEE", "18.00"),
    ]
    invoice = receipt["invoice"]
    assert (invoice["total"], invoice["paid"], invoice["refunded"], invoice["due"], invoice["refund_due"]) == (
        "339.06", "500.00", "160.94", "0.00", "0.00",
    )  # fmt: skip
    assert receipt["refunds"] == [{"node": "RETURN", "amount": "160.94", "method": "to the card used", "note": None}]
    assert receipt["checklist"] == [
        {
            "node": "RETURN",
            "id": "stock_logged",
            "text": "Log the return of 2 bottles in the stock sheet",
            "done": False,
            "reason": "sheet is locked",
        }
    ]
    assert receipt["values"] == [{"node": "RETURN", "name": "refund", "value": "160.94", "display": "$160.94"}]
    assert receipt["follow_ups"] == [
        {"node": "RETURN", "text": "Call Robin back about the printer", "owner": "Dana", "due": callback.isoformat()}
    ]
    # Only the answers taken are recorded: not the refused 500, not 2.5 bottles.
    assert [a["display"] for a in receipt["answers"] if a["field"] in ("bottles", "refund_amount")] == ["2", "$160.94"]

    markdown = next(sessions.glob("*.md")).read_text(encoding="utf-8")
    assert f"| Date of the call | {today.isoformat()} |" in markdown
    assert "| ONSITE | On-site work (expedited) | 2.5 h | $190.00/h | $475.00 |" in markdown
    assert "| BTL | Ink bottle (credit) | 2 | -$89.47 | -$178.94 |" in markdown
    assert "| | Refunded | | | $160.94 |" in markdown
    assert "- [ ] Log the return of 2 bottles in the stock sheet — not done: sheet is locked (RETURN)" in markdown
    assert "- $160.94 — to the card used at RETURN" in markdown
    assert f"- Call Robin back about the printer — Dana, due {callback.isoformat()} (RETURN)" in markdown


def test_a_call_stopped_after_a_checklist_item_not_done_resumes_with_its_reason(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    call = Terminal(["run", str(DESK), "--agent", "Dana"], cwd=tmp_path, env=terminal_env(sessions), columns=80, rows=24)
    call.answers("Caller's name", "Robin" + ENTER)
    for _ in range(3):
        call.answers("Does the test page print now?", DOWN + ENTER)
    call.answers("How long was the on-site visit?", "2:30" + ENTER)
    call.answers("Was the visit expedited?", ENTER)
    call.answers("How is it paid?", ENTER)
    call.answers("How many ink bottles come back?", "2" + ENTER)
    call.answers("Amount to refund now", "160.94" + ENTER)
    call.answers("— done?", DOWN + ENTER)
    call.answers("Why was it not done?", "sheet is locked" + ENTER)
    call.answers("Callback date", "\x03")
    call.answers("Stop here?", DOWN + ENTER)  # save and quit
    assert call.ends() == 130

    resumed = Terminal(["resume"], cwd=tmp_path, env=terminal_env(sessions), columns=80, rows=24)
    resumed.child.timeout = 5  # it goes on at once, or it asks about answers that no longer fit
    resumed.prompt("Callback date")
    assert "Replayed 10 answers from the journal." in resumed.transcript()
    resumed.types((date.today() + timedelta(days=2)).isoformat() + ENTER)
    resumed.at_end()
    resumed.types(ENTER)
    assert resumed.ends() == 0
    receipt = json.loads(next(sessions.glob("*.json")).read_text(encoding="utf-8"))
    assert [(c["done"], c["reason"]) for c in receipt["checklist"]] == [(False, "sheet is locked")]
