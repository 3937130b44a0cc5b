"""The Markdown receipt of a call that uses the whole flow language: credits and
billed time among the lines, refunds, the checklist, computed values,
follow-ups with owner and due date, and the call's date."""

from __future__ import annotations

from languagekit import ANSWERS, walked

from callflow.call.summary import summarize
from callflow.record.markdown import receipt_markdown


def section(markdown: str, title: str) -> list[str]:
    """The lines under `## title`, up to the next section."""
    lines = markdown.splitlines()
    start = lines.index(f"## {title}") + 2
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line]


def desk_receipt(answers: list[str] | None = None) -> str:
    session, _ = walked(answers) if answers is not None else walked()
    data = summarize(session).to_dict()
    return receipt_markdown({**data, "session": "20261123-100000-abcdef"})


def test_the_invoice_has_credits_time_refunded_and_due() -> None:
    assert section(desk_receipt(), "Invoice (USD)") == [
        "| Code | Item | Qty | Price | Amount |",
        "|---|---|---:|---:|---:|",
        "| CALLOUT | Call-out fee | 1 | $25.00 | $25.00 |",
        "| ONSITE | On-site work (expedited) | 2.5 h | $190.00/h | $475.00 |",
        "| BTL | Ink bottle (credit) | 2 | -$89.47 | -$178.94 |",
        "| FEE | Restocking fee | 2 | $9.00 | $18.00 |",
        "| | **Total** | | | **$339.06** |",
        "| | Paid | | | $500.00 |",
        "| | Refunded | | | $160.94 |",
        "| | Due | | | $0.00 |",
    ]


def test_refunds_checklist_values_follow_ups_and_the_date() -> None:
    markdown = desk_receipt()
    assert "| Date of the call | 2026-11-23 |" in markdown
    assert "**Path:** START → TRY → TRY → TRY → ESCALATE → pay/P-1 → ESCALATE → RETURN" in markdown
    assert section(markdown, "Payments") == ["- $500.00 — Card at pay/P-1"]
    assert section(markdown, "Refunds") == ["- $160.94 — to the card used at RETURN"]
    assert section(markdown, "Checklist") == [
        "- [ ] Log the return of 2 bottles in the stock sheet — not done: sheet is locked (RETURN)"
    ]
    assert section(markdown, "Computed values") == ["- refund = $160.94 (RETURN)"]
    # A receipt is read later: the due date stands alone, not "in 2 days".
    assert section(markdown, "Follow-ups") == ["- Call Robin back about the printer — Dana, due 2026-11-25 (RETURN)"]
    assert "| RETURN | Log the return of 2 bottles in the stock sheet | Not done: sheet is locked |" in markdown


def test_a_ticked_item_is_a_ticked_box() -> None:
    markdown = desk_receipt([*ANSWERS[:9], "done", ANSWERS[10]])
    assert section(markdown, "Checklist") == ["- [x] Log the return of 2 bottles in the stock sheet — done (RETURN)"]


def test_a_refund_still_owed_is_a_line_of_its_own() -> None:
    session, _ = walked()
    data = summarize(session).to_dict()
    data["invoice"] = {**data["invoice"], "refunded": "0.00", "refund_due": "160.94"}
    lines = section(receipt_markdown(data), "Invoice (USD)")
    assert lines[-2:] == ["| | Due | | | $0.00 |", "| | **Refund due (owed to the customer)** | | | **$160.94** |"]
    assert "| | Refunded | | | $0.00 |" not in lines


def test_a_receipt_without_the_new_keys_still_reads() -> None:
    """Receipt data written before issue 10 (no refunds, checklist, values, today)."""
    session, _ = walked()
    data = summarize(session).to_dict()
    for key in ("refunds", "checklist", "values", "today"):
        del data[key]
    for key in ("refunded", "refund_due"):
        del data["invoice"][key]
    for line in data["invoice"]["lines"]:
        line.pop("kind", None)
        line.pop("unit", None)
    markdown = receipt_markdown(data)
    assert "## Checklist" not in markdown and "Date of the call" not in markdown
    assert "| | Due | | | $0.00 |" in markdown


def test_control_characters_in_a_receipt_are_marks() -> None:
    session, _ = walked(["Ro\x1b[2Jbin", *ANSWERS[1:]])
    markdown = receipt_markdown(summarize(session).to_dict())
    assert "\x1b" not in markdown
    assert "- Call Ro␛[2Jbin back about the printer — Dana, due 2026-11-25 (RETURN)" in markdown


def test_a_note_taken_inside_a_procedure_names_its_node_as_written() -> None:
    session, _ = walked()
    data = {**summarize(session).to_dict(), "notes": [{"node": "ESCALATE/pay/P-1", "field": "method", "text": "card | cash"}]}
    assert section(receipt_markdown(data), "Notes") == ["- card \\| cash (pay/P-1)"]
