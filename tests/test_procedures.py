"""Sub-procedures: called from several nodes, returning to the caller; in the
same file or in a library under flows/; seen through by the engine and lint,
with every problem at the file:line:col where it was written."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from callflow.call.engine import Session
from callflow.call.summary import summarize
from callflow.flow.loadedflow import load_flow, resolve_library
from callflow.flow.procedures import call_site, shown
from callflow.lint import lint_paths

SHOP = """\
callflow: 1
id: shop
title: Shop
start: A
uses: [common/pay.yaml]
catalog:
  "310": {name: SESSION, price: 35.00}
  "320": {name: ADD-ON, price: 20.00}
fields:
  caller: {prompt: Caller?}
  more: {type: yesno, prompt: Add the add-on?}
procedures:
  greet:
    title: Greeting
    start: G-1
    nodes:
      G-1:
        steps:
          - say: "Hello {caller}."
        return: true
nodes:
  A:
    steps:
      - ask: caller
      - call: greet
      - item: "310"
      - call: pay
      - ask: more
    routes:
      - if: more
        goto: B
      - else: C
  B:
    steps:
      - item: "320"
      - call: pay
    next: C
  C:
    steps:
      - call: greet
      - say: "Thank you, {caller}: paid {paid}."
    end: done
"""

PAY = """\
callflow: 1
library: pay
fields:
  method:
    type: choice
    prompt: How is it paid?
    options:
      - {label: Card, value: card}
      - {label: Cash, value: cash}
procedures:
  pay:
    title: Take payment
    start: P-1
    nodes:
      P-1:
        steps:
          - say: "Your total due is {due}."
          - ask: method
          - payment: {amount: due, method: "{method}"}
        return: true
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / "flows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder / "flows" / next(iter(files))


def test_a_procedure_runs_where_it_is_called_and_comes_back_to_the_next_step(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path, {"shop.yaml": SHOP, "common/pay.yaml": PAY})), cache=False)
    session = Session(loaded.flow, loaded.index, agent="Dana")
    said = [e.text for e in session.answer("Jane") if e.kind == "say"]
    assert session.prompt is not None and session.prompt.field_id == "method"
    said += [e.text for e in session.answer("card") if e.kind == "say"]  # paid the session
    assert session.prompt is not None and session.prompt.field_id == "more"
    said += [e.text for e in session.answer("yes") if e.kind == "say"]
    assert session.prompt is not None and session.prompt.field_id == "method"  # pay, called again from B
    said += [e.text for e in session.answer("cash") if e.kind == "say"]
    assert said == [
        "Hello Jane.",
        "Your total due is $35.00.",
        "Your total due is $20.00.",
        "Hello Jane.",
        "Thank you, Jane: paid $55.00.",
    ]
    summary = summarize(session)
    assert summary.path == ("A", "greet/G-1", "A", "pay/P-1", "A", "B", "pay/P-1", "B", "C", "greet/G-1", "C")
    assert [p.amount for p in summary.payments] == [Decimal("35.00"), Decimal("20.00")]
    assert summary.invoice.due == Decimal("0.00")
    assert summary.to_dict()["payments"][0]["node"] == "pay/P-1"


def test_back_across_a_procedure_undoes_what_it_did(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path, {"shop.yaml": SHOP, "common/pay.yaml": PAY})), cache=False)
    session = Session(loaded.flow, loaded.index)
    session.answer("Jane")
    session.answer("card")
    assert session.back()
    assert session.prompt is not None and session.prompt.field_id == "method"
    assert session.totals.paid == Decimal("0.00")
    assert session.prompt.previous == "card"


def test_each_call_site_has_its_own_copy_named_after_its_caller(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path, {"shop.yaml": SHOP, "common/pay.yaml": PAY})), cache=False)
    copies = sorted(n for n in loaded.flow.nodes if n.endswith("pay/P-1"))
    assert copies == ["A#2/pay/P-1", "B/pay/P-1"]
    assert [shown(c) for c in copies] == ["pay/P-1", "pay/P-1"]
    assert [call_site(c) for c in copies] == ["A", "B"]
    origin = loaded.origins["B/pay/P-1"]
    assert origin.path is not None and origin.path.endswith("common/pay.yaml")
    assert origin.prefix == ("procedures", "pay", "nodes", "P-1")
    # The continuation keeps the rest of the node, and its steps' place in the file.
    assert loaded.origins["A#3"].step_offset == 4


def test_a_problem_inside_a_library_procedure_is_reported_once_where_it_is_written(tmp_path: Path) -> None:
    broken = PAY.replace("Your total due is {due}.", "Your total due is {dew}.")
    flow = write(tmp_path, {"shop.yaml": SHOP, "common/pay.yaml": broken})
    report = lint_paths([str(flow)])
    found = [(Path(d.path).name, d.line, d.col, d.code) for d in report.diagnostics]
    # Called from two places, reported once, in the library at the placeholder.
    assert found == [("pay.yaml", 17, 37, "CF201")]


def test_a_flow_and_its_library_defining_one_name_two_ways_is_an_error(tmp_path: Path) -> None:
    clash = SHOP.replace("  caller: {prompt: Caller?}\n", "  caller: {prompt: Caller?}\n  method: {prompt: Method?}\n")
    flow = write(tmp_path, {"shop.yaml": clash, "common/pay.yaml": PAY})
    report = lint_paths([str(flow)])
    problems = [d for d in report.diagnostics if d.code == "CF010"]
    assert [(Path(d.path).name, d.line) for d in problems] == [("pay.yaml", 4)]
    assert "fields 'method' is defined differently in" in problems[0].message


def test_a_library_outside_the_folder_of_flows_is_refused(tmp_path: Path) -> None:
    flow = write(tmp_path, {"shop.yaml": SHOP.replace("common/pay.yaml", "../../secrets.yaml")})
    assert resolve_library(str(flow), "../../secrets.yaml") is None
    assert resolve_library(str(flow), "/etc/passwd") is None
    report = lint_paths([str(flow)])
    [problem] = [d for d in report.diagnostics if d.code == "CF013"]
    assert "outside the folder of flows" in problem.message
    assert (problem.line, problem.col) == (5, 8)


def test_a_library_linted_on_its_own_is_checked_without_its_callers(tmp_path: Path) -> None:
    write(tmp_path, {"shop.yaml": SHOP, "common/pay.yaml": PAY})
    # Alone, nobody invoiced anything before the payment: that is the caller's business.
    assert lint_paths([str(tmp_path / "flows" / "common" / "pay.yaml")]).diagnostics == []


def test_the_shop_with_two_payments_lints_clean(tmp_path: Path) -> None:
    write(tmp_path, {"shop.yaml": SHOP, "common/pay.yaml": PAY})
    assert lint_paths([str(tmp_path / "flows")]).diagnostics == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("      - call: greet\n      - item", "      - call: greeet\n      - item"), "CF110"),
        (('          - say: "Hello {caller}."\n', '          - say: "Hello {caller}."\n          - call: greet\n'), "CF111"),
        (("    start: G-1", "    start: G-2"), "CF113"),
    ],
)
def test_what_a_call_cannot_do_is_a_lint_error(tmp_path: Path, change: tuple[str, str], code: str) -> None:
    flow = write(tmp_path, {"shop.yaml": SHOP.replace(*change), "common/pay.yaml": PAY})
    assert code in {d.code for d in lint_paths([str(flow)]).diagnostics}


def test_a_call_skipped_by_its_condition_adds_no_step_to_the_path(tmp_path: Path) -> None:
    # The rest of the node follows on under the same header: no "A" twice.
    flow = SHOP.replace("      - call: greet\n      - item", "      - call: greet\n        when: \"false\"\n      - item")
    loaded = load_flow(str(write(tmp_path, {"shop.yaml": flow, "common/pay.yaml": PAY})), cache=False)
    session = Session(loaded.flow, loaded.index)
    session.answer("Jane")
    session.answer("card")
    session.answer("no")
    assert summarize(session).path == ("A", "pay/P-1", "A", "C", "greet/G-1", "C")


CONFIRM_PAY = PAY.replace(
    '          - ask: method\n',
    "        choose:\n          id: receipt\n          prompt: Receipt by e-mail?\n          options:\n"
    "            - {label: 'Yes', goto: P-2}\n            - {label: 'No', goto: P-2}\n      P-2:\n        steps:\n"
    "          - ask: method\n",
)


def test_a_choose_in_a_procedure_called_twice_is_one_question_not_a_clash(tmp_path: Path) -> None:
    write(tmp_path, {"shop.yaml": SHOP, "common/pay.yaml": CONFIRM_PAY})
    loaded = load_flow(str(tmp_path / "flows" / "shop.yaml"), cache=False)
    assert sum(1 for n in loaded.flow.nodes.values() if n.choose is not None and n.choose.id == "receipt") == 2
    assert [d.code for d in lint_paths([str(tmp_path / "flows")]).diagnostics] == []


def test_a_choose_id_taken_in_another_file_names_that_file(tmp_path: Path) -> None:
    # The flow's own node asks "receipt" too: a real clash, reported with where the other one is.
    clash = SHOP.replace(
        "  C:\n    steps:\n",
        "  C:\n    choose:\n      id: receipt\n      prompt: Paper receipt?\n      options:\n"
        "        - {label: 'Yes', goto: D}\n  D:\n    steps:\n",
    )
    flow = write(tmp_path, {"shop.yaml": clash, "common/pay.yaml": CONFIRM_PAY})
    problems = [d for d in lint_paths([str(flow)]).diagnostics if d.code == "CF206"]
    assert [(Path(d.path).name, d.line, d.col) for d in problems] == [("shop.yaml", 40, 11)]
    library = tmp_path / "flows" / "common" / "pay.yaml"
    assert f"already the choose id of node 'pay/P-1' ({library}:19)" in problems[0].message


def test_a_problem_in_a_library_two_flows_use_is_reported_once_for_the_folder(tmp_path: Path) -> None:
    broken = PAY.replace("Your total due is {due}.", "Your total due is {dew}.")
    other = SHOP.replace("id: shop", "id: other-shop")
    write(tmp_path, {"shop.yaml": SHOP, "other.yaml": other, "common/pay.yaml": broken})
    report = lint_paths([str(tmp_path / "flows")])
    assert [(Path(d.path).name, d.line, d.col, d.code) for d in report.diagnostics] == [("pay.yaml", 17, 37, "CF201")]
    assert len(report.files) == 3
