"""Coverage counts the edges as the author wrote them: a procedure's own edges
once however many nodes call it, a call per call site, a return per returning
node, a node's way on once however many parts its calls cut it into, and an
`at_most` limit as an edge a scenario has to take."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from deskkit import RETURN_TWO, desk
from scenariokit import cli

from callflow.flow.loadedflow import load_flow
from callflow.testing.coverage import FlowCoverage

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
  loyal: {type: yesno, prompt: A loyal customer?}
procedures:
  greet:
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
      - ask: loyal
      - call: greet
        when: loyal
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
    start: P-1
    nodes:
      P-1:
        steps:
          - ask: method
        routes:
          - if: method == 'card'
            goto: P-2
          - else: P-3
      P-2:
        steps:
          - payment: {amount: due, method: card}
        return: true
      P-3:
        steps:
          - payment: {amount: due, method: cash}
        return: true
"""


def _shop(tmp_path: Path, *scenarios: tuple[str, str]) -> Path:
    for name, text in {"shop.yaml": SHOP, "common/pay.yaml": PAY}.items():
        path = tmp_path / "flows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name, text in scenarios:
        path = tmp_path / "flows" / "shop.scenarios" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path / "flows" / "shop.yaml"


def test_edges_are_counted_as_written(tmp_path: Path) -> None:
    coverage = FlowCoverage.of(load_flow(str(_shop(tmp_path)), cache=False))
    assert [e.describe() for e in coverage.edges] == [
        "A → greet/G-1 (call greet)",
        "A → pay/P-1 (call pay)",
        "A → B (if more)",
        "A → C (else)",
        "B → pay/P-1 (call pay)",
        "B → C (next)",
        "greet/G-1 → caller (return)",
        "pay/P-1 → pay/P-2 (if method == 'card')",
        "pay/P-1 → pay/P-3 (else)",
        "pay/P-2 → caller (return)",
        "pay/P-3 → caller (return)",
    ]
    assert coverage.nodes == ["A", "B", "C", "greet/G-1", "pay/P-1", "pay/P-2", "pay/P-3"]
    assert coverage.ends == ["C"]


CARD_THEN_CASH = """\
name: Add-on paid in cash after the session by card
answers:
  caller: Jane
  loyal: "yes"
  method: [card, cash]
  more: "yes"
expect:
  path: [A, greet/G-1, A, pay/P-1, pay/P-2, A, B, pay/P-1, pay/P-3, B, C]
  payments:
    - {amount: 35.00, method: card, node: pay/P-2}
    - {amount: 20.00, method: cash, node: pay/P-3}
"""


def test_a_procedures_edges_taken_from_either_caller_count_once(tmp_path: Path) -> None:
    flow = _shop(tmp_path, ("card-then-cash.yaml", CARD_THEN_CASH))
    result = cli("test", flow, "--coverage")
    # card from A, cash from B: both ways through pay, each reached from one caller.
    assert "7/7   100 %  10/11  90.9 %" in result.stdout
    assert "  edges:\n    A → C (else)\n" in result.stdout


def test_each_call_site_is_its_own_edge(tmp_path: Path) -> None:
    no_addon = CARD_THEN_CASH.replace("method: [card, cash]", "method: cash").replace('more: "yes"', 'more: "no"')
    no_addon = no_addon.split("expect:")[0] + "expect:\n  outcome: done\n"
    flow = _shop(tmp_path, ("no-addon.yaml", no_addon))
    result = cli("test", flow, "--coverage", "--format", "json")
    data = json.loads(result.stdout)
    [coverage] = data["coverage"]
    missed = [(e["from"], e["to"], e["way"], e["decision"]) for e in coverage["missed"]["edges"]]
    assert missed == [
        ("A", "B", "routes", "if more"),
        ("B", "pay/P-1", "call", "call pay"),
        ("B", "C", "next", "next"),
        ("pay/P-1", "pay/P-2", "routes", "if method == 'card'"),
        ("pay/P-2", "caller", "return", "return"),
    ]
    assert coverage["missed"]["nodes"] == ["B", "pay/P-2"]


def test_a_limit_is_an_edge_to_cover(tmp_path: Path) -> None:
    flow = desk(tmp_path, ("two.yaml", RETURN_TWO))
    out = cli("test", flow, "--coverage").stdout
    assert "    D-3 → D-5 (at most 2 times)" in out
    assert "  ends:  D-5" in out
    stuck = (
        RETURN_TWO.replace('fixed: "yes"', 'fixed: ["no", "no"]')
        .replace("D-2, D-3, D-4]", "D-2, D-3, D-3, D-5]")
        .replace("outcome: done", "outcome: escalated")
    )
    never = RETURN_TWO.replace('checked: "yes"', 'checked: "no"').replace("  work: 30 min\n  fixed: \"yes\"\n", "")
    never = never.replace("method: [card, cash]", "method: card")
    never = never.split("expect:")[0] + "expect:\n  outcome: done\n"
    desk(tmp_path, ("stuck.yaml", stuck), ("never.yaml", never))
    result = cli("test", flow, "--coverage", "--fail-under", "100")
    assert result.exit_code == 0, result.stdout
    assert "6/6   100 %  9/9   100 %  2/2   100 %" in result.stdout


def test_minimal_routes_cover_a_procedures_edges_once_not_once_per_caller(tmp_path: Path) -> None:
    from callflow.testing.paths import covering
    from callflow.testing.routelisting import paths_report

    loaded = load_flow(str(_shop(tmp_path)), cache=False)
    every = paths_report(loaded, limit=1000)
    minimal = paths_report(loaded, limit=1000, minimal=True)
    # Card from one caller and cash from the other cover both ways through pay.
    assert len(covering([f.route for f in every.founds])) == 3
    assert [f.route.shown_nodes for f in minimal.founds] == [
        ["A", "greet/G-1", "A", "pay/P-1", "pay/P-2", "A", "B", "pay/P-1", "pay/P-3", "B", "C"],
        ["A", "greet/G-1", "A", "pay/P-1", "pay/P-2", "A", "C"],
    ]
    coverage = FlowCoverage.of(loaded)
    for found in minimal.founds:
        assert found.session is not None
        from callflow.testing.coverage import reached_by

        coverage.add(reached_by(found.session))
    assert coverage.percent == 100
