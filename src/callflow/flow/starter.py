"""The flow `callflow new` writes: small, lint-clean with --strict, walked
end to end by the one scenario written with it."""

from __future__ import annotations

import re

from callflow.flow.scalars import NODE_ID_PATTERN

_NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<number>\d+)$")


def valid_id(text: str) -> bool:
    """Whether `text` can be a flow or node id (letters, digits, `-`, `_`, `.`)."""
    return bool(re.match(NODE_ID_PATTERN, text)) and len(text) <= 64


def next_ids(first: str) -> tuple[str, str]:
    """The ids of the two nodes after `first`: D-2-1 → D-2-2, D-2-3; START → START-2, START-3."""
    numbered = _NUMBERED.match(first)
    if numbered:
        stem, number = numbered["stem"], int(numbered["number"])
        width = len(numbered["number"])
        return f"{stem}{number + 1:0{width}d}", f"{stem}{number + 2:0{width}d}"
    return f"{first}-2", f"{first}-3"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_flow(flow_id: str, title: str, first: str, schema: str | None = None) -> str:
    """A flow that greets, sells one item, takes the payment and ends."""
    sale, goodbye = next_ids(first)
    head = f"# yaml-language-server: $schema={schema}\n" if schema else ""
    return f"""{head}# A new flow from `callflow new`: change the words, add nodes, and run
#   callflow lint --strict {flow_id}.yaml   and   callflow test
# The format: docs/flow-format.md.
callflow: 1
id: {flow_id}
title: {_quoted(title)}
start: {first}
role: Team Director

constants:
  company: Your Company

catalog:
  "100": {{name: REMOTE SUPPORT SESSION, price: 35.00}}

ticket_fields:
  title: {{label: Ticket Title, required: true}}

fields:
  caller_name:
    prompt: Caller's name

nodes:
  {first}:
    section: Greeting
    steps:
      - say: "Thank you for calling {{company}}. This is {{agent}}. May I have your name?"
      - ask: caller_name
      - ticket: {{title: "Call from {{caller_name}}"}}
    choose:
      id: wants_session
      prompt: Does the caller want a remote support session?
      options:
        - {{label: "Yes", value: "yes", goto: {sale}}}
        - {{label: "No", value: "no", goto: {goodbye}}}

  {sale}:
    section: Sale
    steps:
      - item: "100"
      - say: "Your total is {{total}}."
      - payment: {{amount: due, method: card}}
    next: {goodbye}

  {goodbye}:
    section: Goodbye
    steps:
      - say: "Thank you for calling {{company}}, {{caller_name}}."
    end: call_ended
"""


def starter_scenario(first: str) -> str:
    """The scenario of the starter flow: a caller who buys the session."""
    sale, goodbye = next_ids(first)
    return f"""# The call a new flow makes when the caller buys the session (docs/scenarios.md).
name: the caller buys a remote support session and pays by card
agent: Dana
answers:
  caller_name: Ann Example
  wants_session: "yes"
expect:
  path: [{first}, {sale}, {goodbye}]
  outcome: call_ended
  ticket:
    title: Call from Ann Example
  invoice:
    lines:
      - {{code: "100", quantity: 1, amount: 35.00}}
    total: 35.00
    due: 0
"""
