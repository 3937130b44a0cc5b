"""What the flow language computes on a call: computed values, invoice lines
from expressions, credits, billable time, several payments, refunds, bounded
loops, today, ordered choices, confirmations and richer follow-ups. Each
construct is walked through the engine the way a call goes."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

import pytest

from callflow.call.engine import Session
from callflow.call.events import Computed, Limited, LineAdded, PaymentTaken, RefundGiven, Said
from callflow.call.summary import summarize
from callflow.call.values import InvalidAnswer
from callflow.flow.loadedflow import LoadedFlow, flow_from_text

TODAY = date(2026, 12, 1)


def load(text: str) -> LoadedFlow:
    return flow_from_text(textwrap.dedent(text), "inline.yaml", cache=False)


def call(text: str, *answers: object, today: date = TODAY) -> Session:
    loaded = load(text)
    session = Session(loaded.flow, loaded.index, agent="Dana", today=today)
    for answer in answers:
        session.answer(answer)
    return session


def said(session: Session) -> list[str]:
    return [e.text for f in session.frames for e in f.events if isinstance(e, Said)]


REFUND_DESK = """\
id: refund-desk
title: Refund desk
start: R-1
constants:
  restocking_fee: {money: 9.00}
catalog:
  BTL: {name: WATER FILTER BOTTLE, price: 89.47}
  RESTOCK: {name: RESTOCKING FEE, price: 9.00}
fields:
  bottles: {type: number, prompt: How many bottles come back?, min: 1, max: 6}
  method:
    type: choice
    prompt: Refund to?
    options: [{label: The card used, value: card}, {label: Store credit, value: credit}]
nodes:
  R-1:
    steps:
      - ask: bottles
      - credit: {code: BTL, quantity: bottles}
      - item: {code: RESTOCK, quantity: bottles}
      - set: {refund: "bottles * catalog.BTL.price - bottles * restocking_fee"}
      - say: "We refund {refund} for {bottles} bottles."
      - ask: method
      - refund: {amount: refund_due, method: "{method}"}
      - say: "Refunded {refunded}; still owed {refund_due}."
    end: refunded
"""


def test_the_refund_desk_refunds_two_bottles_as_160_94() -> None:
    session = call(REFUND_DESK, "2", "card")
    assert said(session) == ["We refund $160.94 for 2 bottles.", "Refunded $160.94; still owed $0.00."]
    summary = summarize(session)
    lines = [(line.kind, line.code, line.quantity, line.amount) for line in summary.invoice.lines]
    assert lines == [("credit", "BTL", Decimal(2), Decimal("-178.94")), ("item", "RESTOCK", Decimal(2), Decimal("18.00"))]
    assert summary.invoice.total == Decimal("-160.94")
    assert [r.amount for r in summary.refunds] == [Decimal("160.94")]
    assert (summary.invoice.due, summary.invoice.refund_due) == (Decimal("0.00"), Decimal("0.00"))
    assert summary.to_dict()["values"] == [{"node": "R-1", "name": "refund", "value": "160.94", "display": "$160.94"}]


def test_a_count_refuses_a_fraction_and_what_the_field_does_not_allow() -> None:
    session = call(REFUND_DESK)
    for typed, why in (("2.5", "is not a whole number"), ("7", "at most 6"), ("0", "at least 1")):
        with pytest.raises(InvalidAnswer, match=why):
            session.answer(typed)
    assert session.prompt is not None and session.prompt.field_id == "bottles"


def test_a_refund_beyond_what_the_invoice_owes_is_refused_and_nothing_changes() -> None:
    flow = REFUND_DESK.replace("amount: refund_due", "amount: refund + 1")
    session = call(flow, "2")
    with pytest.raises(InvalidAnswer, match=r"the refund would be \$161.94, more than the \$160.94 the invoice owes"):
        session.answer("card")
    assert session.prompt is not None and session.prompt.field_id == "method"
    assert summarize(session).refunds == ()


LICENCES = """\
id: licences
title: Licence sale
start: L-1
catalog:
  LIC: {name: OFFICE LICENCE, price: 120.00}
  FIX: {name: REPAIR, price: 60.00}
fields:
  seats: {type: number, prompt: How many licences?, min: 0, max: 50}
  loyal: {type: yesno, prompt: Loyalty member?}
nodes:
  L-1:
    steps:
      - item: FIX
      - payment: {amount: due, method: card}
      - ask: seats
      - item: {code: LIC, quantity: seats}
      - ask: loyal
      - credit: {label: "Loyalty discount 10 %", amount: "round(subtotal * 10%)"}
        when: loyal
      - say: "Due now {due} (paid {paid} so far)."
      - payment: {amount: due, method: card}
    end: sold
"""


def test_a_second_sale_after_a_payment_is_due_next_and_paid_by_the_second_payment() -> None:
    session = call(LICENCES, "3", "yes")
    # 3 x 120 = 360 due after the repair was paid; 10 % of the subtotal 420 off.
    assert said(session) == ["Due now $318.00 (paid $60.00 so far)."]
    summary = summarize(session)
    assert [p.amount for p in summary.payments] == [Decimal("60.00"), Decimal("318.00")]
    assert summary.invoice.total == Decimal("378.00") and summary.invoice.due == Decimal("0.00")
    credit = summary.invoice.lines[-1]
    assert (credit.kind, credit.name, credit.amount) == ("credit", "Loyalty discount 10 %", Decimal("-42.00"))


def test_a_quantity_of_zero_adds_no_line() -> None:
    session = call(LICENCES, "0", "no")
    assert [line.code for line in summarize(session).invoice.lines] == ["FIX"]


ONSITE = """\
id: onsite
title: On-site work
start: W-1
constants:
  onsite_rate: {money: 95.00}
catalog:
  ONSITE: {name: ON-SITE LABOR, price: 95.00}
fields:
  expedited: {type: yesno, prompt: Expedited visit?}
  worked: {type: duration, prompt: Time on site}
nodes:
  W-1:
    steps:
      - ask: expedited
      - ask: worked
      - time: {code: ONSITE, duration: worked, minimum: 1 hour}
        when: not expedited
      - time: {code: ONSITE, duration: worked, minimum: 2 hours, multiplier: 2, label: "ON-SITE LABOR, EXPEDITED"}
        when: expedited
    end: billed
"""


@pytest.mark.parametrize(
    ("expedited", "worked", "hours", "unit_price", "amount"),
    [
        ("no", "45 min", "1.00", "95.00", "95.00"),  # the one-hour minimum
        ("no", "1 h 30 min", "1.50", "95.00", "142.50"),
        ("no", "50", "1.00", "95.00", "95.00"),
        ("yes", "1:30", "2.00", "190.00", "380.00"),  # double rate, two-hour minimum
        ("yes", "2.5 h", "2.50", "190.00", "475.00"),
        ("no", "1 h 10 min", "1.17", "95.00", "110.83"),  # billed by the minute
    ],
)
def test_billable_time_has_a_minimum_and_a_multiplier(
    expedited: str, worked: str, hours: str, unit_price: str, amount: str
) -> None:
    [line] = summarize(call(ONSITE, expedited, worked)).invoice.lines
    assert (line.kind, line.unit, line.quantity, line.unit_price, line.amount) == (
        "time",
        "h",
        Decimal(hours),
        Decimal(unit_price),
        Decimal(amount),
    )


TROUBLESHOOT = """\
id: troubleshoot
title: Troubleshooting
start: T-1
fields:
  fixed: {type: yesno, prompt: Did that fix it?}
nodes:
  T-1:
    at_most: {times: 3, then: ESCALATE}
    steps:
      - say: "Try number {tries}."
        when: "false"
      - say: "Restart the router (attempt {attempt})."
      - ask: fixed
    routes:
      - if: fixed
        goto: DONE
      - else: T-1
  DONE:
    end: resolved
  ESCALATE:
    steps:
      - say: "Escalating after {attempt} attempts."
    end: escalated
"""


def test_a_loop_runs_at_most_so_many_times_then_goes_elsewhere() -> None:
    flow = TROUBLESHOOT.replace("      - say: \"Try number {tries}.\"\n        when: \"false\"\n", "").replace(
        "    steps:\n      - say: \"Restart", "    steps:\n      - set: {attempt: \"visits('T-1')\"}\n      - say: \"Restart"
    )
    session = call(flow, "no", "no", "no")
    assert session.ended
    summary = summarize(session)
    assert summary.outcome == "escalated"
    assert summary.path == ("T-1", "T-1", "T-1", "ESCALATE")
    assert said(session)[-2:] == ["Restart the router (attempt 3).", "Escalating after 3 attempts."]
    assert any(isinstance(e, Limited) for f in session.frames for e in f.events)
    # Back undoes the limit and the visit: the third try is asked again.
    assert session.back()
    assert session.prompt is not None and session.visits("T-1") == 3
    session.answer("yes")
    assert summarize(session).outcome == "resolved"


def test_visits_can_be_read_in_conditions() -> None:
    flow = """\
    id: v
    title: V
    start: A
    fields:
      ok: {type: yesno, prompt: OK?}
    nodes:
      A:
        steps:
          - ask: ok
        routes:
          - if: ok or visits('A') >= 2
            goto: B
          - else: A
      B:
        end: done
    """
    assert summarize(call(flow, "no", "no")).path == ("A", "A", "B")


DATES = """\
id: dates
title: Callback
start: C-1
fields:
  callback: {type: date, prompt: Callback date, min: today, max: today + 30}
nodes:
  C-1:
    steps:
      - ask: callback
      - set: {wait: callback - today, remind: callback - 1}
      - say: "We call back on {callback}, in {wait} days; reminder {remind}."
      - follow_up: {text: "Call {agent}'s customer back", owner: "{agent}", due: callback}
      - say: "Soon."
        when: callback < today + 7
    end: booked
"""


def test_today_is_the_calls_date_and_dates_move_by_days() -> None:
    session = call(DATES, "2026-12-05")
    assert said(session) == ["We call back on 2026-12-05, in 4 days; reminder 2026-12-04.", "Soon."]
    [follow_up] = summarize(session).follow_ups
    assert (follow_up.text, follow_up.owner, follow_up.due) == ("Call Dana's customer back", "Dana", "2026-12-05")
    assert summarize(session).today == "2026-12-01"


def test_date_bounds_follow_the_calls_date() -> None:
    session = call(DATES)
    with pytest.raises(InvalidAnswer, match=r"must be 2026-12-01 or later"):
        session.answer("2026-11-30")
    with pytest.raises(InvalidAnswer, match=r"must be 2026-12-31 or earlier"):
        session.answer("2027-01-01")
    later = call(DATES, today=date(2027, 6, 1))
    later.answer("2027-06-20")
    assert summarize(later).follow_ups[0].due == "2027-06-20"


ORDERED = """\
id: ordered
title: Ordered
start: A
fields:
  severity:
    type: choice
    ordered: true
    prompt: How bad?
    options: [{label: Low, value: low}, {label: Medium, value: medium}, {label: High, value: high}]
nodes:
  A:
    steps:
      - ask: severity
    routes:
      - if: severity >= 'medium'
        goto: ESCALATE
      - else: DONE
  ESCALATE:
    end: escalated
  DONE:
    end: done
"""


@pytest.mark.parametrize(("answer", "outcome"), [("low", "done"), ("medium", "escalated"), ("high", "escalated")])
def test_an_ordered_choice_compares_by_the_order_of_its_options(answer: str, outcome: str) -> None:
    # Alphabetically 'high' < 'low' < 'medium': by position it is low < medium < high.
    assert summarize(call(ORDERED, answer)).outcome == outcome


CHECKLIST = """\
id: checklist
title: Checklist
start: A
fields:
  team_leader: {prompt: Team leader on duty}
nodes:
  A:
    steps:
      - ask: team_leader
      - do: Log out of the admin account
        confirm: admin_logged_out
      - say: "The admin account is logged out."
        when: admin_logged_out
      - notify: {to: "{team_leader}", message: "Session closed"}
    end: done
"""


def test_a_confirmed_checklist_item_is_recorded_done_or_not_done_with_a_reason() -> None:
    done = call(CHECKLIST, "Kim", "done")
    assert said(done) == ["The admin account is logged out."]
    [item] = summarize(done).checklist
    assert (item.id, item.text, item.done, item.reason) == ("admin_logged_out", "Log out of the admin account", True, None)
    assert summarize(done).notifications[0].to == "Kim"

    not_done = call(CHECKLIST, "Kim", "not done: the customer is still using it")
    assert said(not_done) == []
    [item] = summarize(not_done).checklist
    assert (item.done, item.reason) == (False, "the customer is still using it")
    assert summarize(not_done).to_dict()["checklist"][0]["reason"] == "the customer is still using it"


def test_not_done_needs_a_reason_and_back_offers_the_previous_answer() -> None:
    session = call(CHECKLIST, "Kim")
    with pytest.raises(InvalidAnswer, match="say why it was not done"):
        session.answer("not done")
    session.answer("not done: no access")
    assert session.back()
    assert session.prompt is not None and session.prompt.previous == "not done: no access"


def test_a_computed_value_shows_on_screen_and_goes_back_with_its_answer() -> None:
    session = call(REFUND_DESK, "3")
    computed = [e for e in session.shown() if isinstance(e, Computed)]
    assert [(c.name, c.display) for c in computed] == [("refund", "$241.41")]
    assert session.back()
    assert session.value("refund") is None


@pytest.mark.parametrize("typed", ["99999999999999999999999999", "9999999999999.99"])
def test_an_amount_beyond_what_callflow_carries_is_refused_where_it_is_typed(typed: str) -> None:
    flow = """\
    id: big
    title: Big
    start: A
    fields:
      owed: {type: money, prompt: Past due?}
    nodes:
      A:
        steps:
          - ask: owed
          - past_due: owed
        end: done
    """
    session = call(flow)
    with pytest.raises(InvalidAnswer, match="the largest amount callflow carries"):
        session.answer(typed)


def test_a_computation_beyond_what_callflow_carries_refuses_the_answer_not_the_call() -> None:
    flow = """\
    id: big
    title: Big
    start: A
    catalog:
      X: {name: X, price: 999999999.00}
    fields:
      n: {type: number, prompt: How many?}
    nodes:
      A:
        steps:
          - ask: n
          - item: {code: X, quantity: n}
        end: done
    """
    session = call(flow)
    with pytest.raises(InvalidAnswer, match="beyond the largest amount"):
        session.answer("999999")
    session.answer("2")
    assert summarize(session).invoice.total == Decimal("1999999998.00")


def test_a_division_by_zero_refuses_the_answer_that_leads_to_it() -> None:
    flow = """\
    id: split
    title: Split
    start: A
    fields:
      people: {type: number, prompt: Split between how many?}
    nodes:
      A:
        steps:
          - ask: people
          - set: {share: "100 / people"}
        end: done
    """
    session = call(flow)
    with pytest.raises(InvalidAnswer, match="division by zero"):
        session.answer("0")
    session.answer("4")
    assert session.value("share") == Decimal(25)


def test_payments_and_refunds_are_events_with_their_amounts() -> None:
    session = call(REFUND_DESK, "1", "credit")
    kinds = [type(e) for f in session.frames for e in f.events if isinstance(e, (LineAdded, PaymentTaken, RefundGiven))]
    assert kinds == [LineAdded, LineAdded, RefundGiven]


def test_billed_time_at_the_largest_rate_is_refused_not_a_crash() -> None:
    flow = ONSITE.replace("{code: ONSITE, duration: worked, minimum: 1 hour}", "{code: ONSITE, duration: worked, rate: 999999999999.99, multiplier: 999999999999}")
    session = call(flow, "no")
    with pytest.raises(InvalidAnswer, match="beyond the largest amount"):
        session.answer("8760 h")
