"""The engine: start, answer, back, `when:`, routes, loops, flow defects, and the
summary as a pure function of the answers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from callflow.call.answers import AnswerSet, load_answers
from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.events import (
    Ended,
    NodeEntered,
    Notified,
    PastDueSet,
    PaymentTaken,
    Said,
)
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import REDACTED, summarize
from callflow.call.values import InvalidAnswer
from callflow.flow.errors import AnswersError, FlowError
from callflow.flow.index import FlowIndex
from callflow.flow.model import Flow

MakeFlow = Callable[[str], Flow]

# A one-time caller gets a ticket and item 310, may owe a balance, pays, and
# is transferred; a member is sent to chat.
SHOP = """\
id: shop
title: Shop
start: A
constants: {company: Acme}
catalog:
  "310": {name: ONE-TIME REMOTE SESSION, price: 35.00}
  "320": {name: ADD-ON, price: 20.00}
ticket_fields:
  issue_type: {label: Issue Type, required: true}
  assignee: {label: Assignee, required: true}
fields:
  owed: {type: money, prompt: Past due amount?}
  remote_agent: {prompt: Remote agent}
  card: {prompt: Card number, secret: true, pattern: '[0-9]{4}'}
  method:
    type: choice
    prompt: How paid?
    options: [{label: Card, value: card}, {label: Cash, value: cash}]
nodes:
  A:
    section: Leads
    steps:
      - say: "This is {agent} at {company}."
    choose:
      id: plan
      prompt: One time or member?
      options:
        - {label: One time, value: one_time, goto: B}
        - {label: Member, value: member, goto: M}
  B:
    section: One Time
    role: Director
    steps:
      - ticket: {issue_type: "0 – One Time Remote Session"}
      - item: "310"
      - ask: owed
      - past_due: owed
        when: owed > 0
      - say: "Your total is {total}."
      - ask: method
      - ask: card
        when: method == 'card'
      - payment: {amount: due, method: "{method}"}
      - ask: remote_agent
      - ticket: {assignee: "{remote_agent}"}
      - notify: {to: Remote Agent, message: "Card {card} paid {paid}"}
    end: transferred
  M:
    steps:
      - say: Ok.
    end: chat_ended
"""

STRAIGHT = ["one_time", "45.50", "card", "4242", "Sam"]


@pytest.fixture()
def shop(make_flow: MakeFlow) -> Flow:
    return make_flow(SHOP)


def walk(flow: Flow, answers: list[Any], agent: str | None = "Dana") -> Session:
    session = Session(flow, agent=agent)
    for raw in answers:
        session.answer(raw)
    return session


def said(session: Session) -> list[str]:
    return [e.text for f in session.frames for e in f.events if isinstance(e, Said)]


# -- start and answer ---------------------------------------------------------------------


def test_start_shows_the_first_node_and_waits_at_its_question(shop: Flow) -> None:
    session = Session(shop, agent="Dana")
    shown = session.shown()
    assert shown[0] == NodeEntered("A", "Leads", None, None)
    assert shown[1] == Said("A", "This is Dana at Acme.")
    prompt = session.prompt
    assert prompt is not None
    assert (prompt.node_id, prompt.field_id, prompt.is_choose, prompt.previous) == ("A", "plan", True, None)
    assert not session.ended
    assert session.current_node() == "A"


def test_unknown_agent_is_a_visible_blank(shop: Flow) -> None:
    assert Session(shop).shown()[1] == Said("A", "This is _____ at Acme.")


def test_answer_walks_to_the_next_question_collecting_what_it_passes(shop: Flow) -> None:
    session = Session(shop, agent="Dana")
    events = session.answer("One time")
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["NodeEntered", "TicketSet", "LineAdded"]
    assert events[0] == NodeEntered("B", "One Time", None, "Director", events[0].via)  # type: ignore[union-attr]
    line = events[2].line  # type: ignore[union-attr]
    assert (line.code, line.name, line.quantity, line.unit_price, line.amount) == (
        "310", "ONE-TIME REMOTE SESSION", 1, Decimal("35.00"), Decimal("35.00")
    )
    prompt = session.prompt
    assert prompt is not None and (prompt.node_id, prompt.step_index, prompt.field_id) == ("B", 2, "owed")
    assert session.totals.subtotal == Decimal("35.00")


def test_amounts_are_filled_as_they_stand_at_each_step(shop: Flow) -> None:
    session = walk(shop, ["one_time", "$45.50"])
    assert session.shown() == [PastDueSet("B", "owed", Decimal("45.50")), Said("B", "Your total is $80.50.")]
    session.answer("card")
    session.answer("4242")
    payment = session.shown()[0]
    assert payment == PaymentTaken("B", Decimal("80.50"), "Card", None)
    assert session.totals.due == Decimal("0.00")


def test_an_invalid_answer_changes_nothing(shop: Flow) -> None:
    session = walk(shop, ["one_time"])
    before = (session.prompt, len(session.frames), session.totals)
    with pytest.raises(InvalidAnswer, match="is not an amount"):
        session.answer("lots")
    assert (session.prompt, len(session.frames), session.totals) == before
    assert session.value("owed") is None


def test_the_call_ends_with_its_outcome(shop: Flow) -> None:
    session = walk(shop, ["member"])
    assert session.ended and session.prompt is None
    assert session.shown()[-1] == Ended("M", "chat_ended")
    assert session.current_node() == "M"
    with pytest.raises(InvalidAnswer, match="the call has ended"):
        session.answer("x")


# -- back ------------------------------------------------------------------------------------


def test_back_at_the_first_question_is_refused(shop: Flow) -> None:
    session = Session(shop)
    prompt = session.prompt
    assert session.back() is None
    assert session.prompt == prompt and len(session.frames) == 1


def test_back_undoes_ticket_fields_and_invoice_lines(shop: Flow) -> None:
    session = walk(shop, ["one_time"])
    assert summarize(session).ticket_started
    assert session.back() is not None
    summary = summarize(session)
    assert not summary.ticket_started and summary.ticket == ()
    assert summary.invoice.lines == () and session.totals.subtotal == Decimal("0.00")
    assert summary.path == ("A",)
    assert session.value("plan") is None
    prompt = session.prompt
    assert prompt is not None and prompt.field_id == "plan" and prompt.previous == "one_time"


def test_back_undoes_past_due_and_offers_the_previous_answer(shop: Flow) -> None:
    session = walk(shop, ["one_time", "45.50"])
    assert session.totals.past_due == Decimal("45.50")
    session.back()
    assert session.totals.past_due == Decimal("0.00")
    assert summarize(session).invoice.past_due == Decimal("0.00")
    prompt = session.prompt
    assert prompt is not None and prompt.field_id == "owed" and prompt.previous == Decimal("45.50")
    session.answer("0")
    assert session.shown() == [Said("B", "Your total is $35.00.")]


def test_back_undoes_payments_and_notifications(shop: Flow) -> None:
    session = walk(shop, STRAIGHT)
    summary = summarize(session)
    assert summary.invoice.paid == Decimal("80.50") and summary.outcome == "transferred"
    assert session.back() is not None  # remote_agent
    assert summarize(session).notifications == () and summarize(session).outcome is None
    assert session.back() is not None  # card: the payment came after it
    summary = summarize(session)
    assert summary.payments == () and summary.invoice.paid == Decimal("0.00")
    assert session.totals.paid == Decimal("0.00")
    assert summary.ticket_value("assignee") is None


def test_going_back_twice_offers_each_previous_answer_in_turn(shop: Flow) -> None:
    session = walk(shop, ["one_time", "45.50", "cash"])
    session.back()
    assert session.prompt is not None and session.prompt.previous == "cash"
    session.back()
    assert session.prompt is not None and session.prompt.previous == Decimal("45.50")
    session.answer("10")  # a new answer: nothing to offer any more
    assert session.prompt is not None and session.prompt.field_id == "method" and session.prompt.previous is None


def test_back_after_the_end_reopens_the_last_question(shop: Flow) -> None:
    session = walk(shop, STRAIGHT)
    assert session.ended
    assert session.back() is not None
    assert not session.ended and summarize(session).outcome is None
    prompt = session.prompt
    assert prompt is not None and (prompt.field_id, prompt.previous) == ("remote_agent", "Sam")
    session.answer("Alex")
    assert summarize(session).ticket_value("assignee") == "Alex"


# -- when: steps and routes ---------------------------------------------------------------------


def test_when_skips_steps_whose_condition_does_not_hold(shop: Flow) -> None:
    session = walk(shop, ["one_time", "0", "cash"])
    prompt = session.prompt
    assert prompt is not None and prompt.field_id == "remote_agent"  # card was not asked
    assert not any(isinstance(e, PastDueSet) for f in session.frames for e in f.events)
    assert session.totals.total == Decimal("35.00")


ROUTES = """\
id: r
title: R
start: A
fields:
  owed: {type: money, prompt: Owed?}
  plan: {type: choice, prompt: Plan?, options: [{label: Help Desk, value: hd}, {label: Remote, value: ra}, {label: Other, value: other}]}
nodes:
  A:
    steps: [{ask: owed}, {ask: plan}]
    routes:
      - if: owed > 0 and plan in ['hd', 'ra']
        goto: BALANCE
      - if: plan == 'hd' or plan == 'ra'
        goto: MEMBER
      - else: OTHER
  BALANCE: {end: balance}
  MEMBER: {end: member}
  OTHER: {end: other}
"""


@pytest.mark.parametrize(
    ("owed", "plan", "outcome"),
    [("10", "hd", "balance"), ("10", "ra", "balance"), ("0", "hd", "member"), ("10", "other", "other")],
)
def test_routes_take_the_first_that_holds_else_the_default(
    make_flow: MakeFlow, owed: str, plan: str, outcome: str
) -> None:
    summary = summarize(walk(make_flow(ROUTES), [owed, plan]))
    assert summary.outcome == outcome
    assert summary.path == ("A", outcome.upper())


def test_no_matching_route_without_else_is_a_flow_error_that_changes_nothing(make_flow: MakeFlow) -> None:
    flow = make_flow(ROUTES.replace("      - else: OTHER\n", ""))
    session = walk(flow, ["10"])
    with pytest.raises(FlowError, match=r"^node 'A': no route matched and there is no 'else'$"):
        session.answer("other")
    prompt = session.prompt
    assert prompt is not None and prompt.field_id == "plan"
    assert session.value("plan") is None and len(session.answers()) == 1


def test_a_loop_without_a_question_is_a_flow_error(make_flow: MakeFlow) -> None:
    flow = make_flow(
        """\
        id: l
        title: L
        start: A
        nodes:
          A: {choose: {id: go, prompt: Go?, options: [{label: "Yes", goto: B}]}}
          B: {steps: [{say: round}], next: C}
          C: {next: B}
        """
    )
    session = Session(flow)
    with pytest.raises(FlowError, match=r"goes round in a loop from node '.*' without asking anything"):
        session.answer("Yes")
    assert session.prompt is not None and session.prompt.node_id == "A"


def test_a_loop_bounded_by_at_most_goes_round_as_often_as_it_says(make_flow: MakeFlow) -> None:
    # Five rounds of a two-node flow are more hops than the flow has nodes:
    # the engine must not take that for a loop without end.
    flow = make_flow(
        """\
        id: l
        title: L
        start: A
        nodes:
          A: {at_most: {times: 5, then: B}, steps: [{say: round}], next: A}
          B: {end: resolved}
        """
    )
    session = Session(flow)
    assert session.ended and summarize(session).outcome == "resolved"
    assert summarize(session).path.count("A") == 5


def test_a_loop_left_on_a_visit_count_goes_round_as_often_as_it_says(make_flow: MakeFlow) -> None:
    flow = make_flow(
        """\
        id: l
        title: L
        start: A
        nodes:
          A:
            steps: [{say: round}]
            routes:
              - if: visits('A') >= 40
                goto: B
              - else: A
          B: {end: resolved}
        """
    )
    session = Session(flow)
    assert session.ended and summarize(session).path.count("A") == 40


def test_a_loop_counting_to_a_huge_number_is_stopped_not_spun(make_flow: MakeFlow) -> None:
    flow = make_flow(
        """\
        id: l
        title: L
        start: A
        nodes:
          A:
            steps: [{say: round}]
            routes:
              - if: visits('A') >= 1000000000 and visits('B') > 0
                goto: B
              - else: A
          B: {end: resolved}
        """
    )
    with pytest.raises(FlowError, match=r"goes round in a loop from node 'A' without asking anything"):
        Session(flow)


def test_a_loop_whose_only_question_is_skipped_is_a_flow_error(make_flow: MakeFlow) -> None:
    flow = make_flow(
        """\
        id: l
        title: L
        start: A
        fields:
          again: {type: yesno, prompt: Again?}
        nodes:
          A:
            steps: [{ask: again, when: never_set}]
            next: A
        """
    )
    with pytest.raises(FlowError, match=r"goes round in a loop"):
        Session(flow)


def test_flow_defects_met_while_walking(make_flow: MakeFlow) -> None:
    flow = make_flow(
        """\
        id: d
        title: D
        start: A
        fields:
          t: {prompt: T}
        nodes:
          A: {choose: {id: go, prompt: Go?, options: [{label: a, goto: NOWHERE}, {label: b, goto: B}, {label: c, goto: C}]}}
          B: {steps: [{item: "999"}], end: x}
          C: {steps: [{ask: t}, {past_due: t}], end: x}
        """
    )
    session = Session(flow)
    with pytest.raises(FlowError, match=r"^the flow goes to node 'NOWHERE', which does not exist$"):
        session.answer("a")
    with pytest.raises(FlowError, match=r"^node 'B' adds item '999', which is not in the catalog$"):
        session.answer("b")
    session.answer("c")
    with pytest.raises(FlowError, match=r"^node 'C': past_due names 't', which is not a money field$"):
        session.answer("text")


# -- loops: a question asked more than once -----------------------------------------------------

LOOP = """\
id: loop
title: Loop
start: A
catalog:
  "310": {name: SESSION, price: 35.00}
fields:
  device: {prompt: Device?}
  more: {type: yesno, prompt: Another device?}
nodes:
  A:
    steps:
      - ask: device
      - item: "310"
      - say: "Added {device}; total {total}."
      - ask: more
    routes:
      - if: more
        goto: A
      - else: DONE
  DONE:
    steps: [{say: "Last device: {device}"}]
    end: done
"""


def test_a_loop_asks_again_and_back_restores_the_previous_value(make_flow: MakeFlow) -> None:
    session = walk(make_flow(LOOP), ["laptop", "yes", "printer"])
    assert session.value("device") == "printer"
    assert said(session)[-1] == "Added printer; total $70.00."
    session.back()
    assert session.value("device") == "laptop"  # not forgotten: the first answer is back
    assert session.totals.subtotal == Decimal("35.00")
    prompt = session.prompt
    assert prompt is not None and prompt.field_id == "device" and prompt.previous == "printer"
    session.answer("phone")
    session.answer("no")
    summary = summarize(session)
    assert summary.path == ("A", "A", "DONE")
    assert [(a.field_id, a.value) for a in summary.answers] == [
        ("device", "laptop"), ("more", True), ("device", "phone"), ("more", False)
    ]
    assert summary.invoice.total == Decimal("70.00")
    assert said(session)[-1] == "Last device: phone"


def test_a_loop_takes_a_list_in_an_answers_file(make_flow: MakeFlow) -> None:
    flow = make_flow(LOOP)
    answers = AnswerSet.from_mapping({"device": ["laptop", "printer", "phone"], "more": ["yes", "yes", "no"]})
    session = Session(flow)
    drive(session, ScriptedFrontEnd(answers))
    summary = summarize(session)
    assert summary.path == ("A", "A", "A", "DONE")
    assert [line.code for line in summary.invoice.lines] == ["310", "310", "310"]
    assert summary.invoice.total == Decimal("105.00")


def test_a_list_that_runs_out_names_the_question_and_node(make_flow: MakeFlow, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("answers:\n  device: [laptop, printer]\n  more: [yes, yes]\n", encoding="utf-8")
    answers = load_answers(str(path))
    with pytest.raises(AnswersError) as caught:
        drive(Session(make_flow(LOOP)), ScriptedFrontEnd(answers))
    assert caught.value.message == (
        f"{path}:2:3: 'device' is asked again at node A but has only 2 answers: give a list with one per time"
    )


def test_an_invalid_answer_in_a_list_is_reported_at_its_item(make_flow: MakeFlow, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("answers:\n  device: [laptop, printer]\n  more:\n    - yes\n    - perhaps\n", encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        drive(Session(make_flow(LOOP)), ScriptedFrontEnd(load_answers(str(path))))
    assert caught.value.message == f"{path}:5:7: the answer to 'more' at node A does not fit: 'perhaps' is not yes or no"


# -- the summary: a pure function of the answers -------------------------------------------------


def test_same_answers_give_the_same_summary(shop: Flow) -> None:
    first = summarize(walk(shop, STRAIGHT)).to_dict()
    second = summarize(walk(shop, STRAIGHT)).to_dict()
    assert first == second
    assert first["invoice"] == {
        "currency": "USD",
        "lines": [
            {"code": "310", "name": "ONE-TIME REMOTE SESSION", "quantity": 1, "unit_price": "35.00", "amount": "35.00", "kind": "item"}
        ],
        "subtotal": "35.00",
        "past_due": "45.50",
        "total": "80.50",
        "paid": "80.50",
        "refunded": "0.00",
        "due": "0.00",
        "refund_due": "0.00",
    }
    assert first["ticket"] == {
        "number": None,  # the test flow marks no field as the ticket's number
        "started": True,
        "fields": [
            {"key": "issue_type", "label": "Issue Type", "value": "0 – One Time Remote Session"},
            {"key": "assignee", "label": "Assignee", "value": "Sam"},
        ],
        "missing": [],
    }


def test_back_and_change_gives_the_summary_of_the_straight_answers(shop: Flow) -> None:
    session = Session(shop, agent="Dana")
    session.answer("member")
    session.back()
    session.answer("one_time")
    session.answer("100")
    session.answer("cash")
    session.back()
    session.back()
    session.answer("45.50")
    for raw in STRAIGHT[2:]:
        session.answer(raw)
    assert summarize(session).to_dict() == summarize(walk(shop, STRAIGHT)).to_dict()
    assert said(session) == said(walk(shop, STRAIGHT))


def test_secret_answers_are_redacted_in_the_summary_and_shown_as_secret_in_words(shop: Flow) -> None:
    session = walk(shop, STRAIGHT)
    data = summarize(session).to_dict()
    card = next(a for a in data["answers"] if a["field"] == "card")
    assert card == {"node": "B", "field": "card", "prompt": "Card number", "value": REDACTED, "display": REDACTED, "secret": True}
    assert "4242" not in repr(data)
    assert summarize(session).notifications == (Notified("B", "Remote Agent", "Card [secret] paid $80.50"),)
    assert session.value("card") == "4242"  # kept in memory for the walk itself


def test_required_ticket_fields_left_empty_are_listed(make_flow: MakeFlow) -> None:
    flow = make_flow(SHOP.replace("      - ticket: {assignee: \"{remote_agent}\"}\n", ""))
    summary = summarize(walk(flow, STRAIGHT))
    assert summary.ticket_missing == ("Assignee",)


def test_no_ticket_no_missing_fields(shop: Flow) -> None:
    summary = summarize(walk(shop, ["member"]))
    assert (summary.ticket_started, summary.ticket_missing, summary.invoice.total) == (False, (), Decimal("0.00"))


# -- each step costs O(1) in the size of the flow --------------------------------------------------


class _WatchedNodes(dict):  # type: ignore[type-arg]
    """A node table that records every node looked up and refuses scans."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.looked_up: list[str] = []

    def get(self, key: Any, default: Any = None) -> Any:
        self.looked_up.append(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.looked_up.append(key)
        return super().__getitem__(key)

    def _scan(self, *args: Any) -> Any:
        raise AssertionError("the engine scanned every node")

    __iter__ = keys = values = items = __contains__ = _scan  # type: ignore[assignment]


def test_answering_looks_up_only_the_nodes_it_walks(make_flow: MakeFlow) -> None:
    filler = "".join(f"  Z{i}: {{end: never}}\n" for i in range(2000))
    flow = make_flow(SHOP + filler)
    index = FlowIndex.build(flow)  # built once at load, outside the walk
    nodes = _WatchedNodes(flow.nodes)
    watched = copy.copy(flow)
    object.__setattr__(watched, "nodes", nodes)  # frozen: swap the table in the copy only
    assert watched.nodes is nodes
    session = Session(watched, index, agent="Dana")
    for raw in STRAIGHT:
        session.answer(raw)
    assert session.ended
    assert set(nodes.looked_up) == {"A", "B"}
    assert len(nodes.looked_up) <= 2 + len(STRAIGHT)


# -- catalog placeholders ----------------------------------------------------------------------


def test_catalog_placeholders_read_price_and_name_of_any_item_code(make_flow: MakeFlow) -> None:
    flow = make_flow(
        """\
        id: c
        title: C
        start: A
        catalog:
          "320": {name: PAY AS YOU GO REMOTE SESSION, price: 20}
          "310.1": {name: HALF SESSION, price: 17.5}
        nodes:
          A:
            steps:
              - say: "{catalog.320.name} costs {catalog.320.price}."
              - say: "{catalog.310.1.name} costs {catalog.310.1.price}."
              - say: "[{catalog.320.nme}] [{catalog.999.price}] [{catalog.320}]"
            end: x
        """
    )
    assert [e.text for e in Session(flow).shown() if isinstance(e, Said)] == [
        "PAY AS YOU GO REMOTE SESSION costs $20.00.",
        "HALF SESSION costs $17.50.",  # item codes may hold dots
        "[_____] [_____] [_____]",  # a misspelt attribute is a blank, not the item's name
    ]


def test_a_condition_compares_with_a_catalog_price_as_an_amount(make_flow: MakeFlow) -> None:
    flow = make_flow(
        """\
        id: c
        title: C
        start: A
        catalog:
          "310": {name: ONE-TIME REMOTE SESSION, price: 35}
          "310.1": {name: HALF SESSION, price: 17.5}
        fields:
          budget: {type: money, prompt: Budget}
        nodes:
          A:
            steps:
              - ask: budget
            routes:
              - if: budget >= catalog.310.price
                goto: WHOLE
              - if: budget >= catalog.310.1.price and catalog.310.1.name == 'HALF SESSION'
                goto: HALF
              - else: NONE
          WHOLE: {end: whole}
          HALF: {end: half}
          NONE: {end: none}
        """
    )
    outcomes = {}
    for budget in ("35.00", "34.99", "17.50", "17.49"):
        session = Session(flow)
        session.answer(budget)
        outcomes[budget] = summarize(session).outcome
    assert outcomes == {"35.00": "whole", "34.99": "half", "17.50": "half", "17.49": "none"}
