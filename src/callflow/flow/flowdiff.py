"""What a change to a flow does to calls, not to lines: two flows compared as
a director would walk them.

Nodes added and removed, the words to say (a word diff), invoice lines,
items and prices, the ways on (next, choose options, routes and their
conditions, at_most), fields and ticket fields, ends and their outcomes, and
any other step. Procedures are compared as written, their nodes named
`procedure/NODE`. Formatting, comments and key order change nothing here.
Pure: two flows in, a list of changes out.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from callflow.flow.model import ElseRoute, Flow, IfRoute, Node, Procedure

WORD_STEPS = frozenset(("say", "do", "note"))
INVOICE_STEPS = frozenset(("item", "credit", "time", "past_due", "payment", "refund"))


@dataclass(frozen=True)
class Change:
    """One difference a call would show."""

    kind: str  # see KINDS
    where: str  # the node, field, item, ticket field, constant or procedure it is about
    text: str  # one line for a person
    old: str | None = None
    new: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "where": self.where, "text": self.text, "old": self.old, "new": self.new}


KINDS = {
    "flow": "the flow's id, title, start, currency or role",
    "node-added": "a node (or a procedure's node) only the new flow has",
    "node-removed": "a node only the old flow has",
    "end-added": "an end (an outcome) the new flow can reach that the old one cannot",
    "end-removed": "an end the old flow has that the new one does not",
    "words": "words to say, do or note changed (a word diff)",
    "route": "where a node goes: next, choose options, routes and their conditions, at_most",
    "invoice": "an invoice line, past-due balance, payment or refund step changed",
    "item": "a catalog item added, removed, renamed or repriced",
    "field": "a field added, removed, or its type, prompt, options or bounds changed",
    "ticket-field": "a ticket field added, removed or changed, or the ticket fields a node sets",
    "constant": "a constant added, removed or changed",
    "procedure": "a procedure added or removed",
    "step": "any other step added, removed or changed (ask, set, notify, follow_up, call, when)",
}


def word_diff(old: str, new: str) -> str:
    """`[-removed-]{+added+}` between the words of two texts, like git --word-diff."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def shown_value(value: Any) -> str:
    """A model value as short text: `{code: 310, quantity: 2}`."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value}"
    if isinstance(value, str):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = []
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if v is None or v == f.default or (f.default_factory is not dataclasses.MISSING and v == f.default_factory()):
                continue
            parts.append(f"{f.name.rstrip('_')}: {shown_value(v)}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    return str(value)


def step_kind(step: Any) -> str:
    return str(getattr(step, "kind", type(step).__name__))


def step_text(step: Any) -> str:
    kind = step_kind(step)
    body = getattr(step, kind, None)
    text = f"{kind}: {shown_value(body)}"
    extra = [f"{f.name}: {shown_value(getattr(step, f.name))}" for f in dataclasses.fields(step) if f.name not in (kind, "when") and getattr(step, f.name) is not None]
    if extra:
        text += " (" + ", ".join(extra) + ")"
    when = getattr(step, "when", None)
    return f"{text} when {when}" if when else text


def all_nodes(flow: Flow, procedures: Mapping[str, Procedure] | None = None) -> dict[str, Node]:
    """The flow's nodes and its procedures' nodes (`procedure/NODE`), as written."""
    nodes = dict(flow.nodes)
    for name, procedure in (procedures if procedures is not None else flow.procedures).items():
        for node_id, node in procedure.nodes.items():
            nodes[f"{name}/{node_id}"] = node
    return nodes


def compare(old: Flow | None, new: Flow, old_procedures: Mapping[str, Procedure] | None = None,
            new_procedures: Mapping[str, Procedure] | None = None) -> list[Change]:
    """Every difference in behaviour from `old` to `new` (None: a new flow)."""
    if old is None:
        return [Change("node-added", n, f"node {n} added (a new flow)") for n in all_nodes(new, new_procedures)]
    changes: list[Change] = []
    changes += _flow_keys(old, new)
    old_nodes, new_nodes = all_nodes(old, old_procedures), all_nodes(new, new_procedures)
    for node_id in old_nodes:
        if node_id not in new_nodes:
            changes.append(Change("node-removed", node_id, f"node {node_id} removed", _node_line(old_nodes[node_id]), None))
    for node_id, node in new_nodes.items():
        if node_id not in old_nodes:
            changes.append(Change("node-added", node_id, f"node {node_id} added", None, _node_line(node)))
    changes += _ends(old_nodes, new_nodes)
    for node_id, node in new_nodes.items():
        if node_id in old_nodes:
            changes += _node(node_id, old_nodes[node_id], node)
    changes += _definitions("item", "catalog item", old.catalog, new.catalog)
    changes += _definitions("field", "field", old.fields, new.fields)
    changes += _definitions("ticket-field", "ticket field", old.ticket_fields, new.ticket_fields)
    changes += _definitions("constant", "constant", old.constants, new.constants)
    old_names = set(old_procedures if old_procedures is not None else old.procedures)
    new_names = set(new_procedures if new_procedures is not None else new.procedures)
    for name in sorted(old_names - new_names):
        changes.append(Change("procedure", name, f"procedure {name} removed"))
    for name in sorted(new_names - old_names):
        changes.append(Change("procedure", name, f"procedure {name} added"))
    return changes


def _flow_keys(old: Flow, new: Flow) -> Iterator[Change]:
    for key in ("id", "title", "start", "currency", "role"):
        a, b = getattr(old, key), getattr(new, key)
        if a != b:
            yield Change("flow", key, f"flow {key}: {shown_value(a)} → {shown_value(b)}", shown_value(a), shown_value(b))


def _node_line(node: Node) -> str:
    where = " › ".join(p for p in (node.section, node.title) if p)
    return f"{where}; {_way(node)}" if where else _way(node)


def _way(node: Node) -> str:
    if node.next is not None:
        return f"next: {node.next}"
    if node.end is not None:
        return f"end: {node.end}"
    if node.return_:
        return "return"
    if node.choose is not None:
        return "choose: " + ", ".join(f"{o.label} → {o.goto}" for o in node.choose.options)
    if node.routes is not None:
        return "routes: " + "; ".join(_route(r) for r in node.routes)
    return "no way on"


def _route(route: IfRoute | ElseRoute) -> str:
    return f"if {route.if_} → {route.goto}" if isinstance(route, IfRoute) else f"else → {route.else_}"


def _ends(old_nodes: Mapping[str, Node], new_nodes: Mapping[str, Node]) -> Iterator[Change]:
    def ends(nodes: Mapping[str, Node]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for node_id, node in nodes.items():
            if node.end is not None:
                found.setdefault(node.end, []).append(node_id)
        return found

    before, after = ends(old_nodes), ends(new_nodes)
    for outcome, where in before.items():
        if outcome not in after:
            yield Change("end-removed", ", ".join(where), f"end '{outcome}' removed (was at {', '.join(where)})", outcome, None)
    for outcome, where in after.items():
        if outcome not in before:
            yield Change("end-added", ", ".join(where), f"end '{outcome}' added at {', '.join(where)}", None, outcome)


def _node(node_id: str, old: Node, new: Node) -> Iterator[Change]:
    for key in ("section", "title", "role"):
        a, b = getattr(old, key), getattr(new, key)
        if a != b:
            yield Change("words", node_id, f"{node_id} {key}: {shown_value(a)} → {shown_value(b)}", shown_value(a), shown_value(b))
    if _way(old) != _way(new) or old.at_most != new.at_most:
        yield from _routes(node_id, old, new)
    yield from _steps(node_id, list(old.steps), list(new.steps))


def _routes(node_id: str, old: Node, new: Node) -> Iterator[Change]:
    if old.at_most != new.at_most:
        a, b = shown_value(old.at_most), shown_value(new.at_most)
        yield Change("route", node_id, f"{node_id} at_most: {a} → {b}", a, b)
    if _way(old) == _way(new):
        return
    if old.choose is not None and new.choose is not None:
        before = {o.key: o for o in old.choose.options}
        after = {o.key: o for o in new.choose.options}
        for key, option in before.items():
            if key not in after:
                yield Change("route", node_id, f"{node_id} option '{option.label}' → {option.goto} removed", f"{option.label} → {option.goto}", None)
        for key, option in after.items():
            was = before.get(key)
            if was is None:
                yield Change("route", node_id, f"{node_id} option '{option.label}' → {option.goto} added", None, f"{option.label} → {option.goto}")
            elif (was.label, was.goto) != (option.label, option.goto):
                a, b = f"{was.label} → {was.goto}", f"{option.label} → {option.goto}"
                yield Change("route", node_id, f"{node_id} option {a} now {b}", a, b)
        if old.choose.prompt != new.choose.prompt:
            yield Change("words", node_id, f"{node_id} question: {word_diff(old.choose.prompt, new.choose.prompt)}", old.choose.prompt, new.choose.prompt)
        return
    if old.routes is not None and new.routes is not None:
        a_routes, b_routes = [_route(r) for r in old.routes], [_route(r) for r in new.routes]
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_routes, b_routes, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            gone = "; ".join(a_routes[i1:i2]) or None
            came = "; ".join(b_routes[j1:j2]) or None
            what = "removed" if came is None else "added" if gone is None else "changed"
            text = f"{node_id} route {what}: " + (f"{gone} → now {came}" if gone and came else (gone or came or ""))
            yield Change("route", node_id, text, gone, came)
        return
    way_before, way_after = _way(old), _way(new)
    yield Change("route", node_id, f"{node_id} goes on differently: {way_before} → now {way_after}", way_before, way_after)


def _steps(node_id: str, old: list[Any], new: list[Any]) -> Iterator[Change]:
    a, b = [step_text(s) for s in old], [step_text(s) for s in new]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        # Pair steps of the same kind where one was edited in place.
        while removed and added and step_kind(removed[0]) == step_kind(added[0]):
            yield _edited(node_id, removed.pop(0), added.pop(0))
        for step in removed:
            yield Change(_kind_of(step), node_id, f"{node_id} step removed: {step_text(step)}", step_text(step), None)
        for step in added:
            yield Change(_kind_of(step), node_id, f"{node_id} step added: {step_text(step)}", None, step_text(step))


def _edited(node_id: str, old: Any, new: Any) -> Change:
    kind = step_kind(old)
    before, after = step_text(old), step_text(new)
    if kind in WORD_STEPS:
        a, b = shown_value(getattr(old, kind)), shown_value(getattr(new, kind))
        text = f"{node_id} {kind}: {word_diff(a, b)}"
        if getattr(old, "when", None) != getattr(new, "when", None):
            text += f" (when: {getattr(old, 'when', None) or 'always'} → {getattr(new, 'when', None) or 'always'})"
        return Change("words", node_id, text, before, after)
    return Change(_kind_of(old), node_id, f"{node_id} {kind}: {before} → now {after}", before, after)


def _kind_of(step: Any) -> str:
    kind = step_kind(step)
    if kind in WORD_STEPS:
        return "words"
    if kind in INVOICE_STEPS:
        return "invoice"
    if kind == "ticket":
        return "ticket-field"
    return "step"


def _definitions(kind: str, label: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    for name, value in old.items():
        if name not in new:
            yield Change(kind, name, f"{label} {name} removed: {shown_value(value)}", shown_value(value), None)
    for name, value in new.items():
        if name not in old:
            yield Change(kind, name, f"{label} {name} added: {shown_value(value)}", None, shown_value(value))
        elif old[name] != value:
            was = old[name]
            if type(was) is type(value) and dataclasses.is_dataclass(value):
                for f in dataclasses.fields(value):
                    a, b = getattr(was, f.name), getattr(value, f.name)
                    if a != b:
                        shown_a, shown_b = shown_value(a), shown_value(b)
                        yield Change(kind, name, f"{label} {name} {f.name}: {shown_a} → now {shown_b}", shown_a, shown_b)
                continue
            a, b = shown_value(was), shown_value(value)
            yield Change(kind, name, f"{label} {name}: {a} → now {b}", a, b)
