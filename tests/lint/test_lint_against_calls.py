"""Lint misses nothing a call can show: random flows are walked through the
engine with random answers, and every blank shown, payment before any
invoice line, and end with a required ticket field empty must have been
reported by the path rules at that node (CF207, CF301, CF302)."""

from __future__ import annotations

import os
import random
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lintkit import FIELDS, computing_flows, flows

from callflow.call.engine import Session
from callflow.call.events import (
    Ended,
    LineAdded,
    Noted,
    PastDueSet,
    PaymentTaken,
    Said,
    ToDo,
)
from callflow.call.summary import summarize
from callflow.call.values import InvalidAnswer
from callflow.flow.errors import FlowError
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.loader import validate_data
from callflow.flow.model import Choose, Flow, IfRoute
from callflow.flow.positions import PositionIndex
from callflow.flow.templates import BLANK
from callflow.lint import lint_flow
from callflow.lint.context import LintContext

MAX_ANSWERS = 30


def answer_for(question: Any, rng: random.Random) -> object:
    if isinstance(question, Choose):
        return rng.choice(question.options).key
    if question.type == "yesno":
        return rng.choice(["yes", "no"])
    if question.type == "choice":
        return rng.choice(question.options).key
    if question.type == "money":
        return rng.choice(["0", "5"])
    return "Sam"  # never empty: lint treats an asked optional field as known


def walk(flow: Flow, rng: random.Random) -> Session | None:
    """A call with random answers; None if the flow stops it (lint's other rules)."""
    try:
        session = Session(flow, agent="Dana")
        for _ in range(MAX_ANSWERS):
            prompt = session.prompt
            if prompt is None:
                return session
            session.answer(answer_for(prompt.question, rng))
    except FlowError:
        return None
    return session


UNDEFINED_PICK = {
    "id": "fuzz",
    "title": "Fuzz",
    "catalog": {},
    "fields": {"plan": FIELDS["plan"]},
    "nodes": {
        "N0": {"steps": [{"ask": "plan"}], "routes": [{"if": "not flag", "goto": "N1"}]},
        "N1": {"steps": [{"say": "{pick} {plan}"}], "end": "done"},
    },
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows(), st.integers(0, 2**32 - 1))
@example(UNDEFINED_PICK, 0)  # a blank from a name the flow never defines is CF201's, not an unrecorded value
def test_what_a_call_shows_wrong_lint_reported(data: dict[str, Any], seed: int) -> None:
    data["start"] = next(iter(data["nodes"]))
    flow = validate_data(Flow, data, "", "fuzz.yaml")
    findings = LintContext(LoadedFlow(flow, "fuzz.yaml", "", PositionIndex("", "fuzz.yaml"))).paths.findings
    unrecorded = {f.node_id for f in findings if f.kind == "unrecorded"}
    unrecorded_past_due = any(f.kind == "unrecorded" and f.read and f.read.how == "past_due" for f in findings)
    unrecorded_ticket = any(f.kind == "unrecorded" and f.read and f.read.loc[4] == "ticket" for f in findings)
    early_payment = {f.node_id for f in findings if f.kind == "payment_before_invoice"}
    incomplete = {f.node_id for f in findings if f.kind == "ticket_incomplete"}
    pick_defined = any("choose" in node for node in data["nodes"].values())
    rng = random.Random(seed)
    for _ in range(5):
        session = walk(flow, rng)
        if session is None:
            continue
        invoiced = False
        for frame in session.frames:
            for event in frame.events:
                if isinstance(event, (Said, ToDo, Noted)) and BLANK in event.text:
                    if not pick_defined and event.text.startswith(f"{BLANK} ") and event.text.count(BLANK) == 1:
                        continue  # '{pick} {plan}' in a flow without the choose 'pick': CF201, not a blank
                    assert event.node_id in unrecorded, f"blank not reported at {event.node_id}: {event.text}"
                if isinstance(event, (LineAdded, PastDueSet)):
                    invoiced = True
                if isinstance(event, PaymentTaken) and not invoiced:
                    assert event.node_id in early_payment or unrecorded_past_due, f"payment at {event.node_id}"
        summary = summarize(session)
        ended = [e for f in session.frames for e in f.events if isinstance(e, Ended)]
        if ended and summary.ticket_started and summary.ticket_missing:
            assert ended[-1].node_id in incomplete or unrecorded_ticket, (
                f"{summary.ticket_missing} empty at {ended[-1].node_id}, path {summary.path}"
            )


# -- flows that compute ------------------------------------------------------------------

ANSWERS = {"number": ["0", "1", "2", "3", "4"], "money": ["-5", "0", "5", "12.50"]}
REFUSALS = {  # what the engine refuses, and the rules that must have said it could happen
    "a division by zero": {"CF217"},
    "it is never negative": {"CF304"},
    "the invoice owes the customer": {"CF305"},
    "is not known yet": {"CF207"},
    "a quantity is a whole number, 0 or more": {"CF304", "CF210"},
}


STATS = {"walks": 0, "refused": 0, "never": 0}  # how much the walks met (printed with -s)


class Watched(Session):
    """A session that notes each condition it evaluates, at the node it stands at."""

    def __init__(self, flow: Flow) -> None:
        self.seen: set[tuple[str | None, str, bool]] = set()
        self.at: str | None = None
        super().__init__(flow, agent="Dana")

    def _advance(self, node_id: str, step_index: int, walk: Any, *, entering: bool, via: Any = None) -> Any:
        self.at = node_id
        return super()._advance(node_id, step_index, walk, entering=entering, via=via)

    def _enter(self, node_id: str, via: Any, walk: Any) -> Any:
        found = super()._enter(node_id, via, walk)
        self.at = found[0]
        return found

    def holds(self, condition: str) -> bool:
        result = super().holds(condition)
        self.seen.add((self.at, condition, result))
        return result


def candidates(question: Any, rng: random.Random) -> list[object]:
    if isinstance(question, Choose) or getattr(question, "type", "") == "choice":
        options = [o.key for o in question.options]
        rng.shuffle(options)
        return options
    kind = getattr(question, "type", "text")
    if kind == "yesno":
        return rng.sample(["yes", "no"], 2)
    if kind in ANSWERS:
        return rng.sample(ANSWERS[kind], len(ANSWERS[kind]))
    return ["Sam"]


def computing_walk(flow: Flow, rng: random.Random, refused: list[str]) -> Watched | None:
    try:
        session = Watched(flow)
        for _ in range(MAX_ANSWERS):
            prompt = session.prompt
            if prompt is None:
                return session
            for answer in candidates(prompt.question, rng):
                try:
                    session.answer(answer)
                    break
                except InvalidAnswer as exc:
                    if "cannot be taken" in str(exc):
                        refused.append(str(exc))
            else:
                return session  # every answer refused: the walk stops here
    except FlowError:
        return None
    return session


@settings(max_examples=int(os.environ.get("WALK_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(computing_flows(), st.integers(0, 2**32 - 1))
def test_what_a_computing_call_meets_lint_reported(data: dict[str, Any], seed: int) -> None:
    flow = validate_data(Flow, data, "", "fuzz.yaml")
    loaded = LoadedFlow(flow, "fuzz.yaml", "", PositionIndex("", "fuzz.yaml"))
    ctx = LintContext(loaded)
    codes = {d.code for d in lint_flow(loaded)}
    findings = ctx.paths.findings
    seen_by = ctx.paths
    unrecorded = {f.node_id for f in findings if f.kind == "unrecorded"}
    # Conditions lint calls never true where they stand, by node and text (all of a node's sites with that text).
    sites: dict[tuple[str, str], list[bool]] = {}
    for node_id, node in flow.nodes.items():
        for i, step in enumerate(node.steps):
            if step.when is not None and node_id in ctx.paths.node_in:
                sites.setdefault((node_id, step.when), []).append(seen_by.when_runs.get((node_id, i)) is False)
        for k, route in enumerate(node.routes or ()):
            if isinstance(route, IfRoute):
                sites.setdefault((node_id, route.if_), []).append(seen_by.routes_holding.get((node_id, k)) is False)
    never = {site for site, verdicts in sites.items() if all(verdicts)}
    STATS["never"] += len(never)
    rng = random.Random(seed)
    for _ in range(5):
        refused: list[str] = []
        session = computing_walk(flow, rng, refused)
        STATS["walks"] += 1
        STATS["refused"] += len(refused)
        for message in refused:
            for words, rules in REFUSALS.items():
                if words in message:
                    assert codes & rules, f"refused without {rules}: {message}"
        if session is None:
            continue
        for node_id, condition, result in session.seen:
            assert not (result and (node_id, condition) in never), f"{condition} held at {node_id}: lint said never"
        invoiced = False
        for frame in session.frames:
            for event in frame.events:
                if isinstance(event, (Said, ToDo, Noted)) and BLANK in event.text:
                    # A blank of a value not recorded (CF207), or of a name nothing defines (CF201).
                    assert event.node_id in unrecorded or "CF201" in codes, f"blank not reported at {event.node_id}: {event.text}"
                if isinstance(event, (LineAdded, PastDueSet)):
                    invoiced = True
                    if isinstance(event, LineAdded) and event.line.kind == "credit" and event.line.amount > 0:
                        assert "CF304" in codes, "a credit that charged"
                if isinstance(event, PaymentTaken):
                    assert invoiced or "CF301" in codes, f"payment at {event.node_id} before any line"
                    assert event.amount >= 0 or "CF304" in codes, "a negative payment"
        summary = summarize(session)
        if session.ended and summary.ticket_started and summary.ticket_missing:
            assert "CF302" in codes or "CF207" in codes, f"{summary.ticket_missing} empty, path {summary.path}"
