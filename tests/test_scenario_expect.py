"""What scenarios can expect of the calls issue 10's flows make: refunds,
credit and time lines, what is refunded and still owed back, computed values,
checklist confirmations, follow-ups with an owner and a due date, and nodes of
procedures named as a person reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from deskkit import RETURN_TWO, desk
from scenariokit import cli

SCENARIO = "flows/desk.scenarios/two.yaml"


def _test(tmp_path: Path, text: str) -> tuple[int, str, Path]:
    desk(tmp_path, ("two.yaml", text))
    path = tmp_path / SCENARIO
    result = cli("test", path)
    return result.exit_code, result.stdout, path


def test_the_desk_call_meets_every_kind_of_expectation(tmp_path: Path) -> None:
    code, out, _ = _test(tmp_path, RETURN_TWO)
    assert code == 0, out
    assert "1 passed, 0 failed" in out


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("refund: $160.94", "refund: 160.00"), "values.refund: expected 160.00, got $160.94"),
        (
            ("admin_logged_out: {done: false, reason: customer still working}", "admin_logged_out: done"),
            "checklist.admin_logged_out: expected done, got not done: customer still working",
        ),
        (
            ("admin_logged_out: {done: false, reason: customer still working}", 'admin_logged_out: "not done: busy"'),
            "checklist.admin_logged_out: expected not done: busy, got not done: customer still working",
        ),
        (("- {amount: 160.94, method: to the card", "- {amount: 150.00, method: to the card"), "refunds[1].amount: expected $150.00, got $160.94"),
        (("    refund_due: 0", "    refund_due: 5.00"), "invoice.refund_due: expected $5.00, got $0.00"),
        (("    refunded: 160.94", "    refunded: 0"), "invoice.refunded: expected $0.00, got $160.94"),
        (("{kind: credit, name: Return", "{kind: item, name: Return"), "invoice.lines[2].kind: expected item, got credit"),
        (("{code: LAB, kind: time, quantity: 1,", "{code: LAB, kind: time, quantity: 1.5,"), "invoice.lines[3].quantity: expected 1.5, got 1"),
        (("due: 2026-03-03}", "due: 2026-03-04}"), "follow_ups[1].due: expected '2026-03-04', got '2026-03-03'"),
        (("owner: Stores", "owner: Sam"), "follow_ups[1].owner: expected 'Sam', got 'Stores'"),
        (("method: Card, node: pay/P-1", "method: Card, node: D-1"), "payments[1].node: expected D-1, got pay/P-1"),
    ],
)
def test_each_new_expectation_reports_exactly_what_differs_at_its_line(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    text = RETURN_TWO.replace(*change)
    assert text != RETURN_TWO
    code, out, path = _test(tmp_path, text)
    assert code == 1, out
    [reported] = [line.strip() for line in out.splitlines() if problem in line]
    where, _, _ = reported.partition(f" {problem}")
    line = int(where.removeprefix(f"{path}:").split(":")[0])
    assert change[1].strip().split(",")[-1].strip(" {}") in text.splitlines()[line - 1] or change[1].strip() in "\n".join(
        text.splitlines()[line - 2 : line + 1]
    )


def test_a_missing_refund_is_counted_and_what_the_call_gave_is_shown(tmp_path: Path) -> None:
    text = RETURN_TWO.replace("  refunds:\n    - {amount: 160.94, method: to the card, node: D-1}\n", "  refunds: []\n")
    code, out, path = _test(tmp_path, text)
    assert code == 1
    assert f"{path}:{_line_of(text, 'refunds: []')}:3: refunds: expected 0 refund(s), got 1" in out
    assert "actual:   $160.94 to the card at D-1" in out


def test_follow_ups_written_as_plain_texts_still_check_the_texts(tmp_path: Path) -> None:
    text = RETURN_TWO.replace("    - {text: Restock 2 bottles, owner: Stores, due: 2026-03-03}\n", "    - Restock 2 bottles\n")
    assert _test(tmp_path, text)[0] == 0
    wrong = text.replace("    - Restock 2 bottles\n", "    - Restock 3 bottles\n")
    code, out, path = _test(tmp_path, wrong)
    assert code == 1
    line = _line_of(wrong, "Restock 3 bottles")
    assert f"{path}:{line}:7: follow_ups[1]: expected 'Restock 3 bottles', got 'Restock 2 bottles'" in out


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('"not done: customer still working"', '"not done"'),
        ("{done: no, reason: customer still working}", "{done: no}"),
        ("done", "done"),
        ("[done]", "[done]"),
    ],
)
def test_confirmations_are_answered_and_expected_in_any_of_their_forms(tmp_path: Path, answer: str, expected: str) -> None:
    text = RETURN_TWO.replace('admin_logged_out: "not done: customer still working"', f"admin_logged_out: {answer}")
    text = text.replace("admin_logged_out: {done: false, reason: customer still working}", f"admin_logged_out: {expected}")
    code, out, _ = _test(tmp_path, text)
    assert code == 0, out


def test_a_confirmation_never_asked_is_expected_as_null(tmp_path: Path) -> None:
    text = RETURN_TWO.replace("admin_logged_out: {done: false, reason: customer still working}", "admin_logged_out: null")
    code, out, path = _test(tmp_path, text)
    assert code == 1
    line = _line_of(text, "admin_logged_out: null")
    assert f"{path}:{line}:5: checklist.admin_logged_out: expected never confirmed, got not done: customer still working" in out


def test_names_the_flow_does_not_have_are_refused_with_a_suggestion(tmp_path: Path) -> None:
    text = RETURN_TWO.replace("    admin_logged_out: {done", "    admin_logged_ou: {done").replace("    refund: $160.94", "    refnd: $160.94")
    text = text.replace("node: pay/P-1}", "node: pay/P-9}", 1)
    code, out, path = _test(tmp_path, text)
    assert code == 3
    assert (
        f"{path}:{_line_of(text, 'admin_logged_ou:')}:5: CF010 error: 'admin_logged_ou' is not a checklist confirmation "
        "of flow 'desk' (did you mean 'admin_logged_out'?)" in out
    )
    assert f"{path}:{_line_of(text, 'refnd:')}:5: CF010 error: 'refnd' is not a value flow 'desk' computes (did you mean 'refund'?)" in out
    assert "'pay/P-9' is not a node of flow 'desk' (did you mean 'pay/P-1'?)" in out


def test_a_mapping_answer_to_a_question_that_is_not_a_confirmation_is_refused(tmp_path: Path) -> None:
    text = RETURN_TWO.replace('  bottles: "2"', "  bottles: {done: yes}")
    code, out, path = _test(tmp_path, text)
    assert code == 3
    assert f"{path}:5:12: CF010 error: the answer to 'bottles' should be text, not a mapping" in out


def test_a_credit_line_without_a_code_is_expected_by_its_kind_and_amount(tmp_path: Path) -> None:
    text = RETURN_TWO.replace("      - {kind: credit, name: Return of 2 bottles, amount: -160.94}\n", "      - {kind: credit}\n")
    assert _test(tmp_path, text)[0] == 0
    empty = RETURN_TWO.replace("      - {kind: credit, name: Return of 2 bottles, amount: -160.94}\n", "      - {}\n")
    code, out, _ = _test(tmp_path, empty)
    assert code == 3
    assert "an invoice line needs at least one of: code, kind, name, quantity, unit_price, amount" in out


def test_the_example_of_docs_scenarios_md_is_the_desk_scenario_and_passes(tmp_path: Path) -> None:
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "scenarios.md").read_text(encoding="utf-8")
    block = re.search(r"is expected like this:\n\n```yaml\n(.*?)```", doc, re.S)
    assert block, "docs/scenarios.md lost its example of issue 10's expectations"
    code, out, _ = _test(tmp_path, block.group(1))
    assert code == 0, out


def test_what_stops_a_call_inside_a_procedure_names_the_node_as_written(tmp_path: Path) -> None:
    missing = RETURN_TWO.replace("  method: [card, cash]\n", "")
    code, out, _ = _test(tmp_path, missing)
    assert code == 1
    assert "no answer for 'method' (Paid how?) asked at node pay/P-1" in out
    wrong = RETURN_TWO.replace("  method: [card, cash]\n", "  method: [cheque, cash]\n")
    code, out, _ = _test(tmp_path, wrong)
    assert code == 1
    assert "the answer to 'method' at node pay/P-1 does not fit: 'cheque' is not one of the options" in out


def test_the_json_schema_takes_the_new_expectations_as_callflow_and_editors_read_them() -> None:
    import yaml
    from test_scenario_files import EditorLoader, _schema_validator

    from callflow.flow.yamlsource import parse_yaml

    validator = _schema_validator()
    variants = [
        RETURN_TWO,
        RETURN_TWO.replace("admin_logged_out: {done: false, reason: customer still working}", "admin_logged_out: [done, null]")
        .replace("admin_logged_out: [done, null]", 'admin_logged_out: ["not done"]'),
        RETURN_TWO.replace('admin_logged_out: "not done: customer still working"', "admin_logged_out: {done: no, reason: busy}"),
    ]
    for text in variants:
        for data in (parse_yaml(text, "s.yaml"), yaml.load(text, Loader=EditorLoader)):
            assert [e.message for e in validator.iter_errors(data)] == []
    bad = yaml.load(RETURN_TWO.replace("    admin_logged_out: {done: false", "    admin_logged_out: {don: false"), Loader=EditorLoader)
    assert not validator.is_valid(bad)
    assert not validator.is_valid(yaml.load(RETURN_TWO.replace("today: 2026-03-01", "today: soon"), Loader=EditorLoader))
