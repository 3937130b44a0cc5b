"""What the director reads, rendered at 80 columns: every kind of step the flow
language produces, the end-of-call summary, and control characters kept harmless."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from languagekit import ANSWERS, DESK, TODAY, console, lines, walked

from callflow.call.engine import Session
from callflow.call.events import InvoiceLine, NodeEntered, Via
from callflow.call.summary import summarize
from callflow.call.values import InvalidAnswer
from callflow.flow.controls import visible
from callflow.flow.loadedflow import load_flow
from callflow.record.wording import due_words, follow_up_words, hours_words
from callflow.terminal.screen import event_renderable, invoice_line, node_context, show_session_events
from callflow.terminal.summaryview import summary_renderable


@pytest.fixture(scope="module")
def desk() -> tuple[Session, list[list[str]]]:
    return walked()


def test_the_third_try_goes_on_to_where_the_limit_says(desk: tuple[Session, list[list[str]]]) -> None:
    _, screens = desk
    assert screens[4] == [
        "  ⟳ TRY reached 3 times: going to ESCALATE",
        "",
        "ESCALATE  On-site › Bill the visit  ·  Team Director ───────────────────────────",
        "  ℹ Three tries did not fix it: a technician went on site.",
    ]


def test_billed_time_and_a_procedure_called_from_the_node(desk: tuple[Session, list[list[str]]]) -> None:
    _, screens = desk
    assert screens[6] == [
        "  + Invoice: CALLOUT – Call-out fee  $25.00",
        "  + Time: ONSITE – On-site work (expedited)  2.5 h × $190.00/h = $475.00",
        "",
        "pay/P-1  Payment › Take payment  ·  Team Director ──────────────────────────────",
        "  ↳ called from ESCALATE",
        "╭─ Say ────────────────────────────────────────────────────────────────────────╮",
        "│ Your total due is $500.00.                                                   │",
        "╰──────────────────────────────────────────────────────────────────────────────╯",
        "  Invoice now: total $500.00 · due $500.00",
    ]


def test_after_the_procedure_the_call_is_back_in_the_node_that_called_it(desk: tuple[Session, list[list[str]]]) -> None:
    _, screens = desk
    assert screens[7] == [
        "  ✔ Payment recorded: $500.00 — Card",
        "",
        "ESCALATE  On-site › Bill the visit  ·  Team Director ───────────────────────────",
        "  ↩ back in ESCALATE after pay",
        "╭─ Say ────────────────────────────────────────────────────────────────────────╮",
        "│ Thank you, Robin: we received $500.00.                                       │",
        "╰──────────────────────────────────────────────────────────────────────────────╯",
        "",
        "RETURN  Returns › Bottles back  ·  Team Director ───────────────────────────────",
        "  Invoice now: total $500.00 · paid $500.00 · due $0.00",
    ]


def test_a_credit_a_fee_a_computed_value_and_what_is_owed_back(desk: tuple[Session, list[list[str]]]) -> None:
    _, screens = desk
    assert screens[8] == [
        "  − Credit: BTL – Ink bottle  2 × -$89.47 = -$178.94",
        "  + Invoice: FEE – Restocking fee  2 × $9.00 = $18.00",
        "  = refund: $160.94",
        "╭─ Say ────────────────────────────────────────────────────────────────────────╮",
        "│ We owe you $160.94 for 2 bottles, less the restocking fee.                   │",
        "╰──────────────────────────────────────────────────────────────────────────────╯",
        "  Invoice now: total $339.06 · paid $500.00 · due $0.00 · refund due $160.94",
    ]


def test_the_refund_then_the_checklist_item_to_tick(desk: tuple[Session, list[list[str]]]) -> None:
    _, screens = desk
    assert screens[9] == [
        "  ↺ Refund paid back: $160.94 — to the card used",
        "  ☐ Log the return of 2 bottles in the stock sheet",
        "  Invoice now: total $339.06 · paid $500.00 · refunded $160.94 · due $0.00",
    ]


def test_a_follow_up_with_its_owner_and_due_date_and_a_filled_notification(
    desk: tuple[Session, list[list[str]]],
) -> None:
    _, screens = desk
    assert screens[11] == [
        "  ↻ Follow-up: Call Robin back about the printer — Dana, due 2026-11-25 (in 2",
        "    days)",
        "  ✉ Notify Dana: Return of 2 bottles for Robin",
        "",
        "  ● Call ends: resolved",
    ]


def test_the_summary_at_80_columns(desk: tuple[Session, list[list[str]]]) -> None:
    session, _ = desk
    con, out = console()
    con.print(summary_renderable(summarize(session).to_dict()))
    assert lines(out) == [
        "───────────────────────────────── Call summary ─────────────────────────────────",
        "  Flow       Printer desk",
        "  Agent      Dana",
        "  Date       2026-11-23",
        "  Outcome    resolved",
        "  Path       START → TRY → TRY → TRY → ESCALATE → pay/P-1 → ESCALATE → RETURN",
        "No ticket was created.",
        "Invoice (USD)",
        "",
        "  Code      Item                         Qty       Price     Amount",
        " ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━",
        "  CALLOUT   Call-out fee                   1      $25.00     $25.00",
        "  ONSITE    On-site work (expedited)   2.5 h   $190.00/h    $475.00",
        "  BTL       Ink bottle (credit)            2     -$89.47   -$178.94",
        "  FEE       Restocking fee                 2       $9.00     $18.00",
        "",
        "            Total                                           $339.06",
        "            Paid                                            $500.00",
        "            Refunded                                        $160.94",
        "            Due                                               $0.00",
        "",
        "Checklist",
        "  ☒ Log the return of 2 bottles in the stock sheet  not done: sheet is locked",
        "Payments",
        "  • $500.00 — Card  at pay/P-1",
        "Refunds",
        "  • $160.94 — to the card used  at RETURN",
        "Computed values",
        "  • refund = $160.94",
        "Notifications",
        "  • Dana: Return of 2 bottles for Robin",
        "Follow-ups",
        "  • Call Robin back about the printer — Dana, due 2026-11-25 (in 2 days)",
    ]


def test_a_refund_still_owed_is_in_the_summary(desk: tuple[Session, list[list[str]]]) -> None:
    session, _ = desk
    data = summarize(session).to_dict()
    data["invoice"] = {**data["invoice"], "refunded": "0.00", "refund_due": "160.94"}
    con, out = console()
    con.print(summary_renderable(data))
    assert "            Refund due (owed to the customer)                        $160.94" in lines(out)
    assert not any(line.lstrip().startswith("Refunded") for line in lines(out))


def test_a_refund_beyond_what_is_owed_is_refused_and_nothing_changes() -> None:
    loaded = load_flow(str(DESK))
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    for answer in ANSWERS[:8]:
        session.answer(answer)
    with pytest.raises(InvalidAnswer, match=r"more than the \$160.94 the invoice owes the customer"):
        session.answer("500")
    assert session.prompt is not None and session.prompt.field_id == "refund_amount"
    assert session.totals.refund_due == Decimal("160.94")


def test_a_checklist_item_done_reads_done() -> None:
    session, _ = walked([*ANSWERS[:9], "done", ANSWERS[10]])
    con, out = console()
    con.print(summary_renderable(summarize(session).to_dict()))
    assert "  ☑ Log the return of 2 bottles in the stock sheet  done" in lines(out)


# -- the pieces ------------------------------------------------------------------------


def test_rounded_hours_say_the_time_too() -> None:
    assert hours_words(Decimal("2.50")) == "2.5 h"
    assert hours_words(Decimal("0.83")) == "0.83 h (50 min)"
    assert hours_words(2) == "2 h"
    line = InvoiceLine("ONSITE", "On-site work", Decimal("0.83"), Decimal("95.00"), Decimal("79.17"), "time", "h")
    assert invoice_line(line, "USD").plain == "  + Time: ONSITE – On-site work  0.83 h (50 min) × $95.00/h = $79.17"


def test_a_credit_by_amount_has_no_code_and_no_breakdown() -> None:
    line = InvoiceLine(None, "Loyalty discount 10 %", Decimal(1), Decimal("-33.90"), Decimal("-33.90"), "credit")
    assert invoice_line(line, "USD").plain == "  − Credit: Loyalty discount 10 %  -$33.90"


def test_due_dates_are_told_from_the_calls_date() -> None:
    today = "2026-11-23"
    assert [due_words(d, today) for d in ("2026-11-23", "2026-11-24", "2026-11-22", "2026-12-03", "2026-11-20")] == [
        "2026-11-23 (today)",
        "2026-11-24 (tomorrow)",
        "2026-11-22 (yesterday)",
        "2026-12-03 (in 10 days)",
        "2026-11-20 (3 days ago)",
    ]
    assert due_words(None, today) is None
    assert follow_up_words({"text": "Ring back", "owner": None, "due": None}, today) == "Ring back"
    assert follow_up_words({"text": "Ring back", "owner": "Sam", "due": "2026-11-24"}, None) == "Ring back — Sam, due 2026-11-24"


def test_nested_procedures_and_continuations_say_where_they_are() -> None:
    inside = NodeEntered("A/pay/P-1/card/C-1", None, None, None, Via("A/pay/P-1", "next", 0))
    assert node_context(inside) == "↳ called from pay/P-1"
    back = NodeEntered("A/pay/P-1#2", None, None, None, Via("A/pay/P-1/card/C-1", "next", 0))
    assert node_context(back) == "↩ back in pay/P-1 after card  ·  ↳ called from A"
    assert node_context(NodeEntered("A", None, None, None, None)) is None
    con, out = console()
    con.print(event_renderable(back, "USD"))
    assert lines(out)[0].startswith("pay/P-1 ─")


# -- control characters -------------------------------------------------------------------

HOSTILE = """\
callflow: 1
id: cc
title: "Desk \\e[31mred"
start: A
fields:
  name: {prompt: "Name \\e[2J?"}
nodes:
  A:
    title: "T\\e]0;pwned\\a"
    steps:
      - ask: name
      - say: "Hello {name} \\e[5m"
      - do: "Tick \\u202eevil"
      - follow_up: {text: "Call {name}", owner: "{name}"}
    end: "done"
"""


def test_control_characters_from_the_flow_and_the_answers_are_shown_not_obeyed(tmp_path: Path) -> None:
    path = tmp_path / "cc.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    loaded = load_flow(str(path), cache=False)
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    con, out = console()
    show_session_events(con, session, session.shown())
    show_session_events(con, session, session.answer("Bo\x1b[31mb\x07"))
    con.print(summary_renderable(summarize(session).to_dict()))
    shown = out.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "A  T␛]0;pwned␇" in shown
    assert "Hello Bo␛[31mb␇ ␛[5m" in shown
    assert "☐ Tick <U+202E>evil" in shown
    assert "Flow       Desk ␛[31mred" in shown
    assert "Call Bo␛[31mb␇ — Bo␛[31mb␇" in shown


def test_visible_keeps_newlines_tabs_and_ordinary_text() -> None:
    assert visible("a\nb\tc é ✓") == "a\nb\tc é ✓"
    assert visible("\x00\x1b\x7f\x9b") == "␀␛␡<U+009B>"


def test_the_recap_on_resuming_names_procedure_nodes_as_written() -> None:
    from callflow.terminal.sessionlist import recap_renderable

    session, _ = walked(ANSWERS[:8])
    con, out = console()
    con.print(recap_renderable(session, [{"node": "pay/P-1", "text": "card \x1b[8mhidden"}]))
    shown = lines(out)
    assert "  pay/P-1     How is it paid?                    Card" in shown
    assert "  ESCALATE    How long was the on-site visit?    2 h 30 min" in shown
    assert "  ✎ Note (pay/P-1): card ␛[8mhidden" in shown


def test_a_node_reads_as_written_expanded_or_not() -> None:
    from callflow.record.wording import node_words

    assert [node_words(n) for n in ("ESCALATE/pay/P-1", "ESCALATE#2", "pay/P-1", "D-2-8", "A/pay/P-1/card/C-1#2")] == [
        "pay/P-1",
        "ESCALATE",
        "pay/P-1",
        "D-2-8",
        "card/C-1",
    ]
