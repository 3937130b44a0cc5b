"""Random flows for the lint tests: loops, conditional asks, tickets, items
and payments, over a few fields of every kind; and flows that compute
(`computing_flows`): computed values, lines from expressions, credits,
refunds, visit counts and at_most limits."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

FIELDS = {
    "flag": {"type": "yesno", "prompt": "Flag?"},
    "plan": {"type": "choice", "prompt": "Plan", "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]},
    "amount": {"type": "money", "prompt": "Amount"},
    "name": {"prompt": "Name", "required": "false"},
}
CONDITIONS = ["flag", "not flag", "plan == 'a'", "plan != 'b'", "amount > 0", "flag and amount > 0", "pick == 'x'"]


@st.composite
def flows(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 8))
    ids = [f"N{i}" for i in range(count)]
    target = st.sampled_from([*ids, "GONE"])
    nodes: dict[str, Any] = {}
    for node_id in ids:
        steps = []
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["ask", "say", "ticket", "item", "payment", "past_due"]))
            step: dict[str, Any] = {
                "ask": {"ask": draw(st.sampled_from(sorted(FIELDS)))},
                "say": {"say": draw(st.sampled_from(["Hi {name}", "Total {total}", "{pick} {plan}", "Plain"]))},
                "ticket": {"ticket": {draw(st.sampled_from(["kind", "title"])): "{name}"}},
                "item": {"item": "1"},
                "payment": {"payment": {"amount": draw(st.sampled_from(["due", "amount"]))}},
                "past_due": {"past_due": "amount"},
            }[kind]
            if draw(st.booleans()):
                step["when"] = draw(st.sampled_from(CONDITIONS))
            steps.append(step)
        node: dict[str, Any] = {"steps": steps}
        way = draw(st.sampled_from(["next", "choose", "routes", "end", "none"]))
        if way == "next":
            node["next"] = draw(target)
        elif way == "choose":
            node["choose"] = {
                "id": "pick",
                "prompt": "Pick",
                "options": [{"label": "X", "value": "x", "goto": draw(target)}, {"label": "Y", "value": "y", "goto": draw(target)}],
            }
        elif way == "routes":
            routes: list[Any] = [{"if": draw(st.sampled_from(CONDITIONS)), "goto": draw(target)} for _ in range(draw(st.integers(1, 3)))]
            if draw(st.booleans()):
                routes.append({"else": draw(target)})
            node["routes"] = routes
        elif way == "end":
            node["end"] = "done"
        nodes[node_id] = node
    return {
        "id": "fuzz",
        "title": "Fuzz",
        "start": draw(st.sampled_from([*ids, "GONE"])),
        "catalog": {"1": {"name": "ITEM", "price": "5"}},
        "ticket_fields": {"kind": {"required": "true"}, "title": {}},
        "fields": FIELDS,
        "nodes": nodes,
    }


# -- flows that compute --------------------------------------------------------------------

COMPUTING_FIELDS = {
    **FIELDS,
    "count": {"type": "number", "prompt": "How many?", "max": "4"},
    "seats": {"type": "number", "prompt": "Seats?", "min": "1", "max": "3"},
    "level": {
        "type": "choice",
        "prompt": "Level",
        "ordered": True,
        "options": [{"label": "Low", "value": "low"}, {"label": "Mid", "value": "mid"}, {"label": "High", "value": "high"}],
    },
    "discount": {"type": "money", "prompt": "Discount", "min": "-5", "max": "10"},
}
COMPUTING_CONDITIONS = [
    *CONDITIONS,
    "count > 2",
    "count > 1 and count < 2",
    "count * 2 >= seats",
    "fee > 10",
    "fee <= 10",
    "level > 'low'",
    "level in ['mid', 'high']",
    "visits('N0') >= 2",
    "visits('N1') == 1",
    "total > 0",
    "due == 0",
    "count / seats > 1",
    "seats > 0 and amount / seats > 2",
    "amount - discount < 0",
    "count > 3 or count < 1",
]
SETS = ["count * 2.5", "amount - 5", "count / seats", "amount / count", "max(count - seats, 0)", "round(amount / 3)"]


@st.composite
def computing_flows(draw: st.DrawFn) -> dict[str, Any]:
    """Random flows with computed values, invoice lines from expressions, credits,
    refunds, visit counts and at_most limits."""
    count = draw(st.integers(1, 6))
    ids = [f"N{i}" for i in range(count)]
    target = st.sampled_from(ids)
    nodes: dict[str, Any] = {}
    for node_id in ids:
        steps = []
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["ask", "ask", "say", "set", "item", "credit", "payment", "refund", "ticket"]))
            step: dict[str, Any] = {
                "ask": {"ask": draw(st.sampled_from(sorted(COMPUTING_FIELDS)))},
                "say": {"say": draw(st.sampled_from(["Fee {fee}", "{count} of {seats}", "{name}", "Due {due}"]))},
                "set": {"set": {"fee": draw(st.sampled_from(SETS))}},
                "item": {"item": {"code": "1", "quantity": draw(st.sampled_from(["1", "count", "seats - 1", "count - 1"]))}},
                "credit": {"credit": {"label": "Off", "amount": draw(st.sampled_from(["discount", "5", "amount"]))}},
                "payment": {"payment": {"amount": draw(st.sampled_from(["due", "amount", "discount"]))}},
                "refund": {"refund": {"amount": draw(st.sampled_from(["refund_due", "amount", "min(amount, refund_due)"]))}},
                "ticket": {"ticket": {"kind": "{name}"}},
            }[kind]
            if draw(st.booleans()):
                step["when"] = draw(st.sampled_from(COMPUTING_CONDITIONS))
            steps.append(step)
        node: dict[str, Any] = {"steps": steps}
        way = draw(st.sampled_from(["next", "choose", "routes", "end", "end"]))
        if way == "next":
            node["next"] = draw(target)
        elif way == "choose":
            node["choose"] = {
                "id": "pick",
                "prompt": "Pick",
                "options": [{"label": "X", "value": "x", "goto": draw(target)}, {"label": "Y", "value": "y", "goto": draw(target)}],
            }
        elif way == "routes":
            routes: list[Any] = [{"if": draw(st.sampled_from(COMPUTING_CONDITIONS)), "goto": draw(target)} for _ in range(draw(st.integers(1, 2)))]
            routes.append({"else": draw(target)})
            node["routes"] = routes
        else:
            node["end"] = "done"
        if draw(st.integers(0, 3)) == 0:
            node["at_most"] = {"times": draw(st.integers(1, 3)), "then": draw(target)}
        nodes[node_id] = node
    return {
        "id": "fuzz",
        "title": "Fuzz",
        "start": ids[0],
        "catalog": {"1": {"name": "ITEM", "price": "5"}},
        "ticket_fields": {"kind": {"required": "true"}, "title": {}},
        "fields": COMPUTING_FIELDS,
        "nodes": nodes,
    }
