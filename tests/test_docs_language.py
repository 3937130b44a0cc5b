"""The examples of docs/flow-format.md that show the language walk as the text
says: each complete example is loaded, linted clean and walked."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from callflow.call.engine import Session
from callflow.call.summary import summarize
from callflow.flow.loadedflow import load_flow
from callflow.lint import lint_paths

DOC = Path(__file__).resolve().parents[1] / "docs" / "flow-format.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def block(first_line: str) -> str:
    found = [b for b in BLOCKS if b.startswith(first_line) or f"\n{first_line}\n" in f"\n{b}"]
    assert len(found) == 1, f"docs/flow-format.md should have one example with {first_line!r}"
    return found[0]


def walk(path: Path, *answers: str) -> Session:
    loaded = load_flow(str(path))
    session = Session(loaded.flow, loaded.index, agent="Dana", today=date(2026, 12, 1))
    for answer in answers:
        session.answer(answer)
    return session


def save(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "flows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_refund_desk_example_refunds_160_94(tmp_path: Path) -> None:
    path = save(tmp_path, "refund.yaml", block("id: refund-desk-example"))
    session = walk(path, "2")
    summary = summarize(session)
    assert session.ended and summary.outcome == "refunded"
    assert [r.amount for r in summary.refunds] == [Decimal("160.94")]
    assert (summary.invoice.total, summary.invoice.refund_due) == (Decimal("-160.94"), Decimal("0.00"))


def test_the_troubleshooting_example_escalates_after_three_tries(tmp_path: Path) -> None:
    path = save(tmp_path, "try.yaml", block("id: troubleshoot-example"))
    summary = summarize(walk(path, "no", "no", "no"))
    assert summary.path == ("TRY", "TRY", "TRY", "ESCALATE")
    assert summary.outcome == "escalated"
    assert summarize(walk(path, "no", "yes")).outcome == "resolved"


def test_the_procedure_example_takes_payment_from_its_library(tmp_path: Path) -> None:
    save(tmp_path, "common/payment.yaml", block("# flows/common/payment.yaml"))
    path = save(tmp_path, "shop.yaml", block("# flows/shop.yaml"))
    assert lint_paths([str(tmp_path / "flows")]).diagnostics == []
    summary = summarize(walk(path, "account"))
    assert summary.path == ("S-1", "take_payment/PAY-1", "S-1")
    assert summary.payments[0].amount == Decimal("35.00") and summary.payments[0].method == "Online account"


def test_the_language_examples_lint_clean(tmp_path: Path) -> None:
    for name, first in (("refund.yaml", "id: refund-desk-example"), ("try.yaml", "id: troubleshoot-example")):
        path = save(tmp_path, name, block(first))
        assert lint_paths([str(path)]).diagnostics == []
