"""Small flows and helpers for the scenario, coverage, paths, walk and rehearse tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from typer.testing import CliRunner, Result

from callflow.cli import app

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
D2_SCENARIOS = FLOWS / "anything-computers-intake.scenarios"

# Six nodes, six edges (three options, a next, an if and an else), three ends.
SHOP = """\
callflow: 1
id: shop
title: Small shop
start: greet
catalog:
  "100": {name: Repair, price: 50.00}
  "200": {name: Rush fee, price: 12.50}
ticket_fields:
  kind: {label: Kind, required: true}
fields:
  owed: {type: money, prompt: Amount owed}
  method:
    type: choice
    prompt: Paid how?
    options:
      - {label: Card, value: card}
      - {label: Cash, value: cash}
  code: {prompt: Code, pattern: '[0-9]{4}', pattern_hint: four digits}
nodes:
  greet:
    steps:
      - say: "Hello, this is {agent}."
    choose:
      id: wants
      prompt: What do you want?
      options:
        - {label: Repair, value: repair, goto: repair}
        - {label: Rush repair, value: rush, goto: rush}
        - {label: Nothing, value: nothing, goto: bye}
  rush:
    steps:
      - item: "200"
    next: repair
  repair:
    steps:
      - ticket: {kind: Repair}
      - item: "100"
      - ask: owed
      - past_due: owed
    routes:
      - if: owed > 100
        goto: refuse
      - else: pay
  pay:
    steps:
      - ask: method
      - payment: {amount: due, method: "{method}"}
      - ask: code
    end: paid
  refuse:
    steps:
      - say: "Please settle the {owed} first."
    end: refused
  bye:
    end: no_sale
"""

# A loop: "not fixed" goes back to the question; each try asks `tried` again.
LOOP = """\
callflow: 1
id: loop
title: Try until fixed
start: try
fields:
  tried: {prompt: What did you try?}
nodes:
  try:
    steps:
      - ask: tried
    choose:
      id: fixed
      prompt: Fixed?
      options:
        - {label: "Yes", value: "yes", goto: done}
        - {label: "No", value: "no", goto: again}
  again:
    steps:
      - do: Try something else
    next: try
  done:
    end: fixed
"""

REPAIR_PAID = """\
name: Repair, nothing owed, paid by card
agent: Dana
answers:
  wants: Repair
  owed: "0"
  method: card
  code: "1234"
expect:
  path: [greet, repair, pay]
  outcome: paid
  ticket: {kind: Repair}
  invoice:
    lines:
      - {code: "100", quantity: 1, amount: 50.00}
    total: 50.00
    paid: $50.00
    due: 0
  payments:
    - {amount: "50.00", method: Card}
"""

RUSH_REFUSED = """\
name: Rush repair refused while $150.00 is owed
agent: Dana
answers:
  wants: rush
  owed: 150
expect:
  path_includes: [rush, refuse]
  outcome: refused
  invoice:
    lines:
      - {code: "200"}
      - {code: "100"}
    past_due: 150.00
    total: 212.50
  payments: []
"""


def write(base: Path, relative: str, text: str) -> Path:
    """Write a (dedented) file under `base`, making its folders."""
    path = base / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def shop(base: Path, *scenarios: tuple[str, str]) -> Path:
    """The shop flow in `base/flows/` with the given scenarios (file name, text)."""
    flow = write(base, "flows/shop.yaml", SHOP)
    for name, text in scenarios:
        write(base, f"flows/shop.scenarios/{name}", text)
    return flow


_runner = CliRunner()


def cli(*args: str) -> Result:
    return _runner.invoke(app, [str(a) for a in args])
