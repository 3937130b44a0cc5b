"""The example flows of docs/examples, written from docs/flow-format.md alone
(a password reset, a refund desk, a licence sale): each walks as its header
says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from callflow.call.engine import Session
from callflow.call.summary import Summary, summarize
from callflow.flow.loadedflow import load_flow
from callflow.lint import lint_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
TODAY = date(2026, 12, 1)


def walk(name: str, *answers: str) -> tuple[Session, Summary]:
    loaded = load_flow(str(EXAMPLES / name))
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    for answer in answers:
        session.answer(answer)
    assert session.ended
    return session, summarize(session)


def test_the_refund_desk_refunds_two_opened_bottles_as_160_94() -> None:
    _, summary = walk("refund-desk.yaml", "A-1001", "2", "yes", "card")
    assert [r.amount for r in summary.refunds] == [Decimal("160.94")]
    assert [(line.kind, line.amount) for line in summary.invoice.lines] == [
        ("credit", Decimal("-178.94")),
        ("item", Decimal("18.00")),
    ]
    assert summary.invoice.refund_due == Decimal("0.00")


def test_unopened_bottles_are_refunded_in_full() -> None:
    _, summary = walk("refund-desk.yaml", "A-1001", "1", "no", "store_credit")
    assert [r.amount for r in summary.refunds] == [Decimal("89.47")]


def test_the_licence_sale_pays_the_repair_then_the_licences() -> None:
    _, summary = walk("licence-sale.yaml", "no", "yes", "card", "4", "yes")
    # Repair $60 paid; 4 seats $480 less 10 % ($48) plus same-day activation $25.
    assert [p.amount for p in summary.payments] == [Decimal("60.00"), Decimal("457.00")]
    assert summary.invoice.total == Decimal("517.00") and summary.invoice.due == Decimal("0.00")
    assert summary.path[:2] == ("LS-1", "LS-1")


def test_three_failed_tries_book_a_callback_on_a_date_within_the_window() -> None:
    _, summary = walk("licence-sale.yaml", "no", "no", "no", "2026-12-04")
    assert summary.outcome == "callback_booked"
    assert summary.follow_ups[0].due == "2026-12-04" and summary.follow_ups[0].owner == "Specialist Team"
    assert summary.invoice.lines == ()


def test_a_callback_date_outside_the_window_is_refused() -> None:
    loaded = load_flow(str(EXAMPLES / "licence-sale.yaml"))
    session = Session(loaded.flow, loaded.index, today=TODAY)
    for answer in ("no", "no", "no"):
        session.answer(answer)
    from callflow.call.values import InvalidAnswer

    with pytest.raises(InvalidAnswer, match="2026-12-02 or later"):
        session.answer("2026-12-01")


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        (("104233", "password", "yes", "yes", "done", "yes"), "resolved"),
        (("104233", "mfa", "yes", "yes", "no", "yes", "yes", "yes", "done", "yes"), "resolved"),
        (("104233", "privilege", "yes", "yes", "yes", "done", "yes"), "escalated"),
        (("104233", "password", "no", "yes", "no", "yes", "yes", "no"), "identity_not_confirmed"),
    ],
)
def test_the_password_reset_checks_identity_as_the_request_needs(answers: tuple[str, ...], outcome: str) -> None:
    _, summary = walk("password-reset.yaml", *answers)
    assert summary.outcome == outcome


def test_the_examples_lint_clean_with_strict() -> None:
    report = lint_paths([str(EXAMPLES)])
    assert report.diagnostics == []
