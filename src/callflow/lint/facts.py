"""The facts the path analysis tracks, and each node's steps compiled into
operations on them (callflow.lint.dataflow runs them to a fixed point).

A fact is a bit of an int: a recorded name, a required ticket field set, "no
ticket yet or the field set", an invoice line exists; and the one may-fact,
a payment taken. Facts that hold only under conditions are kept as guards
(callflow.lint.guards).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from callflow.flow.expressions import Expr
from callflow.flow.invoicesteps import ItemStep, PastDueStep, PaymentStep
from callflow.flow.model import Flow, Node
from callflow.flow.names import Symbols
from callflow.flow.steps import AskStep, TicketStep
from callflow.flow.templates import Placeholder
from callflow.lint.evaluation import unique_names
from callflow.lint.guards import DNF, FALSE, TRUE, both
from callflow.lint.sites import TemplateSite
from callflow.lint.valuesets import ValueModel, VState

PAID = 1  # the may-fact
EMPTY: dict[int, DNF] = {}


class FState:
    """The facts at one point: bits that hold on every path, bits that hold
    on some path, and facts that hold only under guards (never changed once made)."""

    __slots__ = ("guarded", "may", "must")

    def __init__(self, must: int, may: int, guarded: dict[int, DNF] | None = None) -> None:
        self.must = must
        self.may = may
        self.guarded = guarded if guarded is not None else EMPTY

    def __eq__(self, other: object) -> bool:
        return (
            self is other
            or (isinstance(other, FState)
            and self.must == other.must
            and self.may == other.may
            and self.guarded == other.guarded)
        )

    __hash__ = None  # type: ignore[assignment]


class Case(NamedTuple):
    values: VState
    facts: FState


class Read(NamedTuple):
    """A step reading a recorded value: a placeholder, `past_due:` or a payment amount."""

    name: str
    loc: tuple[Any, ...]
    text: str | None = None  # the template, for a placeholder
    placeholder: Placeholder | None = None
    how: str = "placeholder"  # "placeholder", "past_due" or "amount"


class Finding(NamedTuple):
    """Something the path analysis found, for a rule to report."""

    kind: str  # "unrecorded", "payment_before_invoice", "ticket_incomplete", "item_after_payment"
    node_id: str
    step_index: int  # -1: the node's end
    read: Read | None = None
    missing: tuple[str, ...] = ()  # ticket fields
    via: str | None = None  # a node on a path where it happens
    later_step: int | None = None  # the same node records the value after this step


class CompiledNode:
    """A node's steps compiled for the analysis."""

    __slots__ = ("choose_bit", "gen", "has_ticket", "ops", "pays", "reads", "simple")

    def __init__(
        self,
        ops: list[tuple[Any, ...]],
        simple: bool,  # no `when:`: the node is a handful of bit operations
        gen: int,
        has_ticket: bool,
        pays: bool,
        choose_bit: int,
        reads: dict[int, list[Read]],
    ) -> None:
        self.ops = ops
        self.simple = simple
        self.gen = gen
        self.has_ticket = has_ticket
        self.pays = pays
        self.choose_bit = choose_bit
        self.reads = reads


def meet(a: FState, b: FState) -> FState:
    """Where paths join: must-facts by intersection, the may-fact by union."""
    if a is b or a == b:
        return a
    must = a.must & b.must
    may = a.may | b.may
    if not a.guarded and not b.guarded:
        return FState(must, may, EMPTY)
    guarded: dict[int, DNF] = {}
    for bit in set(a.guarded) | set(b.guarded):
        da = TRUE if a.must >> bit & 1 else a.guarded.get(bit, FALSE)
        db = TRUE if b.must >> bit & 1 else b.guarded.get(bit, FALSE)
        dnf = both(da, db)
        if dnf and dnf != TRUE:
            guarded[bit] = dnf
    return FState(must, may, guarded or EMPTY)


def step_reads(flow: Flow, symbols: Symbols, templates: Sequence[TemplateSite]) -> dict[str, dict[int, list[Read]]]:
    """The steps that read a recorded value, by node and step index."""
    fields = flow.fields
    found: dict[str, dict[int, list[Read]]] = {}

    def add(node_id: str, index: int, read: Read) -> None:
        found.setdefault(node_id, {}).setdefault(index, []).append(read)

    for site in templates:
        for placeholder in site.placeholders:
            symbol = symbols.resolve(placeholder.name)
            if symbol is not None and symbol.recorded:
                add(site.node_id, site.step_index, Read(placeholder.name, site.loc, site.text, placeholder))
    for node_id, node in flow.nodes.items():
        for i, step in enumerate(node.steps):
            base = ("nodes", node_id, "steps", i)
            if isinstance(step, PastDueStep) and step.past_due in fields:
                add(node_id, i, Read(step.past_due, (*base, "past_due"), how="past_due"))
            elif isinstance(step, PaymentStep) and step.payment.amount in fields:
                add(node_id, i, Read(step.payment.amount, (*base, "payment", "amount"), how="amount"))
    return found

def compile_node(
    node: Node,
    reads: dict[int, list[Read]],
    parsed: dict[str, Expr],
    known: dict[str, int],
    required_fields: list[str],
    ts: int,
    inv: int,
) -> CompiledNode:
    """A node's steps as operations on fact bits: `known` numbers the recorded
    names, ticket-field bits start at `ts`, the invoice bit is `inv`."""
    ops: list[tuple[Any, ...]] = []
    simple = True
    gen = tickets = 0
    has_ticket = pays = False
    required = {key: j for j, key in enumerate(required_fields)}
    for step in node.steps:
        guard = None if step.when is None else parsed[step.when]
        # A `when:` on words or a checklist item changes no fact.
        simple = simple and (guard is None or not isinstance(step, (AskStep, TicketStep, ItemStep, PastDueStep, PaymentStep)))
        if isinstance(step, AskStep):
            bit = 1 << known[step.ask] if step.ask in known else 0
            ops.append(("ask", guard, bit, step.ask))
            gen |= bit
        elif isinstance(step, TicketStep):
            keys = 0
            for key in step.ticket:
                if key in required:
                    keys |= 1 << required[key]
            ops.append(("ticket", guard, keys))
            tickets |= keys
            has_ticket = True
        elif isinstance(step, (ItemStep, PastDueStep)):
            ops.append(("invoice", guard, isinstance(step, ItemStep)))
            gen |= 1 << inv
        elif isinstance(step, PaymentStep):
            ops.append(("pay", guard))
            pays = True
        else:
            ops.append(("other", guard))
    choose_bit = 0
    if node.choose is not None and node.choose.id in known:
        choose_bit = 1 << known[node.choose.id]
    return CompiledNode(ops, simple, gen | (tickets << ts), has_ticket, pays, choose_bit, reads)


# -- the cases a node keeps ------------------------------------------------------------

# Beyond this many cases at a node they are merged (lint grows more careful).
MAX_CASES = 8


def add_case(model: ValueModel, cases: list[Case], new: Case, live: int) -> bool:
    """Add a case arriving at a node; whether what the node holds changed."""
    if new.facts.guarded:
        live |= guard_bits(model, new.facts)
    values = model.forget(new.values, live)
    for k, old in enumerate(cases):
        if old.values == values or model.covers(old.values, values):
            facts = meet(old.facts, new.facts)
            if facts == old.facts:
                return False
            cases[k] = Case(old.values, facts)
            return True
    cases.append(Case(values, new.facts))
    if len(cases) > MAX_CASES:
        squeeze(model, cases)
    return True

def guard_bits(model: ValueModel, facts: FState) -> int:
    """Tracked names a guard reads: they must keep their values."""
    bits = 0
    tracked = model.tracked
    for dnf in facts.guarded.values():
        for guard in dnf:
            for expr, _ in guard:
                for name in unique_names(expr):
                    if name in tracked:
                        bits |= 1 << tracked[name]
    return bits

def squeeze(model: ValueModel, cases: list[Case]) -> None:
    """Merge cases: first those with the same facts, then all of them."""
    by_facts: dict[tuple[int, int, tuple[Any, ...]], Case] = {}
    for case in cases:
        key = (case.facts.must, case.facts.may, tuple(sorted(case.facts.guarded.items(), key=lambda kv: kv[0])))
        found = by_facts.get(key)
        by_facts[key] = case if found is None else Case(model.join(found.values, case.values), found.facts)
    merged = list(by_facts.values())
    if len(merged) > MAX_CASES:
        values, facts = merged[0].values, merged[0].facts
        for case in merged[1:]:
            values = model.join(values, case.values)
            facts = meet(facts, case.facts)
        merged = [Case(values, facts)]
    cases[:] = merged
