"""Random flows for the lint tests: loops, conditional asks, tickets, items
and payments, over a few fields of every kind."""

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
