"""A refund desk that uses what issue 10 added to flows: computed values, a
credit, a refund, billed time, a checklist confirmation, follow-ups with an
owner and a due date, a procedure called from two places and a bounded loop.
Shared by the scenario, coverage, paths and walk tests."""

from __future__ import annotations

from pathlib import Path

DESK = """\
callflow: 1
id: desk
title: Refund desk
start: D-1
constants:
  fee: {money: 9.00}
catalog:
  BTL: {name: Bottle, price: 89.47}
  LAB: {name: Labour, price: 95.00}
fields:
  bottles: {type: number, prompt: How many bottles come back?, min: 1, max: 6}
  work: {type: duration, prompt: How long did the check take?, max: 8 hours}
  method:
    type: choice
    prompt: Paid how?
    options:
      - {label: Card, value: card}
      - {label: Cash, value: cash}
procedures:
  pay:
    start: P-1
    nodes:
      P-1:
        steps:
          - say: "That is {due} today."
          - ask: method
          - payment: {amount: due, method: "{method}"}
        return: true
nodes:
  D-1:
    steps:
      - ask: bottles
      - item: {code: BTL, quantity: bottles}
      - call: pay
      - set: {refund: "bottles * catalog.BTL.price - bottles * fee"}
      - credit: {label: "Return of {bottles} bottles", amount: refund}
      - refund: {amount: refund_due, method: to the card}
      - do: Log the admin account out
        confirm: admin_logged_out
      - follow_up: {text: "Restock {bottles} bottles", owner: Stores, due: today + 2}
    choose:
      id: checked
      prompt: Check the machine too?
      options:
        - {label: "Yes", value: "yes", goto: D-2}
        - {label: "No", value: "no", goto: D-4}
  D-2:
    steps:
      - ask: work
      - time: {code: LAB, duration: work, minimum: 1 hour}
      - call: pay
    next: D-3
  D-3:
    at_most: {times: 2, then: D-5}
    choose:
      id: fixed
      prompt: Fixed?
      options:
        - {label: "Yes", value: "yes", goto: D-4}
        - {label: "No", value: "no", goto: D-3}
  D-4:
    end: done
  D-5:
    end: escalated
"""

RETURN_TWO = """\
name: Two bottles back, machine checked for half an hour
today: 2026-03-01
agent: Dana
answers:
  bottles: "2"
  method: [card, cash]
  admin_logged_out: "not done: customer still working"
  checked: "yes"
  work: 30 min
  fixed: "yes"
expect:
  path: [D-1, pay/P-1, D-1, D-2, pay/P-1, D-2, D-3, D-4]
  outcome: done
  invoice:
    lines:
      - {code: BTL, kind: item, quantity: 2, amount: 178.94}
      - {kind: credit, name: Return of 2 bottles, amount: -160.94}
      - {code: LAB, kind: time, quantity: 1, unit_price: 95.00, amount: 95.00}
    total: 113.00
    paid: 273.94
    refunded: 160.94
    due: 0
    refund_due: 0
  payments:
    - {amount: 178.94, method: Card, node: pay/P-1}
    - {amount: 95.00, method: Cash, node: pay/P-1}
  refunds:
    - {amount: 160.94, method: to the card, node: D-1}
  checklist:
    admin_logged_out: {done: false, reason: customer still working}
  values:
    refund: $160.94
  follow_ups:
    - {text: Restock 2 bottles, owner: Stores, due: 2026-03-03}
"""


def desk(base: Path, *scenarios: tuple[str, str]) -> Path:
    """The desk flow in `base/flows/` with the given scenarios (file name, text)."""
    flow = base / "flows" / "desk.yaml"
    flow.parent.mkdir(parents=True, exist_ok=True)
    flow.write_text(DESK, encoding="utf-8")
    for name, text in scenarios:
        path = base / "flows" / "desk.scenarios" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return flow
