"""What is certainly recorded, invoiced and set on every path to each step.

One forward dataflow over the graph, at step granularity inside a node,
iterated to a fixed point (never by listing paths, so diamonds cost nothing):

- must-facts, true on every path: a field or `choose` answer is recorded; an
  invoice line (an item or a past-due balance) exists; a required ticket
  field is set; "no ticket yet, or the required field is set";
- a may-fact, true on some path: a payment has been taken.

Must-facts meet by intersection where paths join; the may-fact by union.

Branches are not always forgotten where they join: each node keeps a few
*cases*, each a set of possible values of the names conditions read
(valuesets.py) with the facts that hold in it. So "the ticket gets its
connection from `when: scheduled_now == 'yes'` on one branch and from `when:
permission == 'yes'` on the other" is judged per branch. A `when:` that the
case's values decide runs or is skipped; one they do not decide (it reads a
money amount, say) records its facts under guards (guards.py). Cases that
differ only in answers no condition reads any more fall together, and beyond
a few cases they are merged, which only makes lint more careful.

Facts are bits of an int, so a node costs a few integer operations per case
unless guards are involved. The findings are read off the fixed point in one
more pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from callflow.flow.expressions import Expr
from callflow.flow.graph import FlowGraph
from callflow.flow.model import Flow
from callflow.flow.names import Symbols
from callflow.flow.scalars import AMOUNT_NAMES
from callflow.lint.evaluation import unique_names
from callflow.lint.facts import (
    EMPTY,
    PAID,
    Case,
    CompiledNode,
    Finding,
    FState,
    add_case,
    compile_node,
    step_reads,
)
from callflow.lint.guards import (
    DNF,
    FALSE,
    TRUE,
    Guard,
    both,
    conjuncts,
    either,
    holds,
    negation,
    without,
)
from callflow.lint.sites import TemplateSite
from callflow.lint.valuesets import ValueModel, VState

# A node whose cases change this often drops its guards (plain bits always settle).
MAX_UPDATES_WITH_GUARDS = 64

Check = Callable[[int, FState, Guard, VState], None]


class PathAnalysis:
    """The fixed point, and the findings read off it."""

    def __init__(
        self,
        flow: Flow,
        graph: FlowGraph,
        symbols: Symbols,
        parsed: dict[str, Expr],
        templates: Sequence[TemplateSite],
        order: list[str],
    ) -> None:
        self.flow = flow
        self.graph = graph
        self.order = order
        self.model = ValueModel(graph, symbols, parsed)
        self.parse = parsed
        reads = step_reads(flow, symbols, templates)
        self.known: dict[str, int] = {}
        for name in sorted({r.name for per_node in reads.values() for rs in per_node.values() for r in rs}):
            self.known[name] = len(self.known)
        self.required = [key for key, spec in flow.ticket_fields.items() if spec.required]
        k = len(self.required)
        self.ts = len(self.known)  # ticket field set: bits ts .. ts+k-1
        self.to = self.ts + k  # no ticket yet, or the ticket field set: bits to .. to+k-1
        self.inv = self.to + k  # an invoice line exists
        self.kmask = (1 << k) - 1
        self.tokmask = self.kmask << self.to
        self.nodes = {
            node_id: compile_node(node, reads.get(node_id, {}), parsed, self.known, self.required, self.ts, self.inv)
            for node_id, node in flow.nodes.items()
        }
        self.node_in: dict[str, list[Case]] = {}
        self.feasible: set[tuple[str, int]] = set()
        self._run()
        self.when_outcomes: dict[tuple[str, int], set[bool | None]] = {}
        self.findings = self._check()

    def names_of(self, expr: Expr) -> frozenset[str]:
        return frozenset(unique_names(expr))

    # -- through one node ----------------------------------------------------------------

    def transfer(self, node_id: str, case: Case, check: Check | None = None) -> Case:
        """The case after the node's steps and its choose (before its edges)."""
        compiled = self.nodes[node_id]
        if compiled.simple and not case.facts.guarded and check is None:
            facts = case.facts
            must = facts.must | compiled.gen | compiled.choose_bit
            if compiled.has_ticket:
                must = (must & ~self.tokmask) | (((must >> self.ts) & self.kmask) << self.to)
            values = self.model.through_node(node_id, case.values)
            return Case(values, FState(must, facts.may | (PAID if compiled.pays else 0), EMPTY))
        return self._replay(node_id, compiled, case, check)

    def _replay(self, node_id: str, compiled: CompiledNode, case: Case, check: Check | None) -> Case:
        steps = self.flow.nodes[node_id].steps
        model = self.model
        values = case.values
        must, may = case.facts.must, case.facts.may
        guarded = dict(case.facts.guarded)

        def get(bit: int) -> DNF:
            return TRUE if must >> bit & 1 else guarded.get(bit, FALSE)

        def put(bit: int, dnf: DNF) -> None:
            nonlocal must
            if dnf == TRUE:
                must |= 1 << bit
                guarded.pop(bit, None)
            else:
                must &= ~(1 << bit)
                if dnf:
                    guarded[bit] = dnf
                else:
                    guarded.pop(bit, None)

        for i, op in enumerate(compiled.ops):
            guard: Guard = frozenset()
            condition = op[1]
            if condition is not None and (check is not None or op[0] != "other"):
                outcomes = model.outcomes(values, condition)
                if check is not None:
                    self.when_outcomes.setdefault((node_id, i), set()).update(outcomes)
                if not outcomes or outcomes == {False}:
                    continue  # this step never runs here
                if outcomes != {True}:
                    guard = conjuncts(condition)
            if check is not None:
                check(i, FState(must, may, guarded), guard, values)
            kind = op[0]
            if not guard and not guarded:
                # The common case: plain bits.
                if kind == "ask":
                    must |= op[2]
                elif kind == "ticket":
                    must |= op[2] << self.ts
                    must = (must & ~self.tokmask) | (((must >> self.ts) & self.kmask) << self.to)
                elif kind == "invoice":
                    must |= 1 << self.inv
                elif kind == "pay":
                    may |= PAID
            else:
                changed: frozenset[str] = frozenset()
                if kind == "ask":
                    if op[2]:
                        bit = op[2].bit_length() - 1
                        put(bit, TRUE if not guard else either(get(bit), frozenset((guard,))))
                    changed = frozenset((op[3],))
                elif kind == "ticket":
                    self._ticket(op[2], guard, get, put)
                elif kind == "invoice":
                    put(self.inv, TRUE if not guard else either(get(self.inv), frozenset((guard,))))
                    changed = AMOUNT_NAMES
                elif kind == "pay":
                    may |= PAID
                    changed = AMOUNT_NAMES
                if changed and guarded:
                    for bit, dnf in list(guarded.items()):
                        kept = without(dnf, changed, self.names_of)
                        if kept is not dnf:
                            put(bit, kept)
            if kind == "ask" and model.tracked:
                values = model.after(steps[i], values)
        if compiled.choose_bit:
            must |= compiled.choose_bit
        return Case(values, FState(must, may, guarded or EMPTY))

    def _ticket(self, keys: int, guard: Guard, get: Callable[[int], DNF], put: Callable[[int, DNF], None]) -> None:
        for j in range(len(self.required)):
            is_set, ok = self.ts + j, self.to + j
            sets = keys >> j & 1
            if not guard:
                if sets:
                    put(is_set, TRUE)
                put(ok, get(is_set))
            elif sets:
                put(is_set, either(get(is_set), frozenset((guard,))))
                put(ok, either(get(ok), frozenset((guard,))))
            else:
                # Skipped: as before. Run: the ticket is started, so only a set field is fine.
                put(ok, either(both(get(ok), negation(guard)), get(is_set)))

    def out_edges(self, node_id: str, case: Case) -> list[tuple[str, int, Case | None]]:
        """(target, edge index, case along the edge or None) for each edge to an existing node."""
        edges = self.graph.out[node_id]
        found: list[tuple[str, int, Case | None]] = []
        for edge, values in zip(edges, self.model.edges(node_id, case.values), strict=True):
            if edge.target not in self.flow.nodes:
                continue
            if values is None:
                found.append((edge.target, edge.branch, None))
                continue
            facts = case.facts
            if facts.guarded and values is not case.values:
                facts = self._decide(facts, values)
            found.append((edge.target, edge.branch, Case(values, facts)))
        return found

    def _decide(self, facts: FState, values: VState) -> FState:
        """Settle the guards that narrowed values now decide."""
        model = self.model
        must = facts.must
        guarded: dict[int, DNF] = {}
        for bit, dnf in facts.guarded.items():
            kept: list[Guard] = []
            for guard in dnf:
                literals = []
                for expr, positive in guard:
                    outcomes = model.outcomes(values, expr)
                    if outcomes == {positive}:
                        continue
                    if outcomes == {not positive}:
                        break
                    literals.append((expr, positive))
                else:
                    kept.append(frozenset(literals))
            settled = either(FALSE, frozenset(kept)) if kept else FALSE
            if settled == TRUE:
                must |= 1 << bit
            elif settled:
                guarded[bit] = settled
        return FState(must, facts.may, guarded or EMPTY)

    # -- the fixed point --------------------------------------------------------------

    def _run(self) -> None:
        order = self.order
        if not order:
            return
        live = self.model.live
        node_in = self.node_in
        node_in[order[0]] = [Case(self.model.initial, FState(self.tokmask, 0))]
        updates: dict[str, int] = {}
        dirty = {order[0]}
        while dirty:
            for node_id in order:
                if node_id not in dirty:
                    continue
                dirty.discard(node_id)
                for case in tuple(node_in[node_id]):
                    after = self.transfer(node_id, case)
                    for target, index, out in self.out_edges(node_id, after):
                        if out is None:
                            continue
                        self.feasible.add((node_id, index))
                        cases = node_in.setdefault(target, [])
                        if not add_case(self.model, cases, out, live[target]):
                            continue
                        count = updates[target] = updates.get(target, 0) + 1
                        if count > MAX_UPDATES_WITH_GUARDS:
                            cases[:] = [Case(c.values, FState(c.facts.must, c.facts.may, EMPTY)) for c in cases]
                        dirty.add(target)

    # -- findings -----------------------------------------------------------------------

    def fact(self, facts: FState, bit: int, assume: Guard, values: VState) -> bool:
        if facts.must >> bit & 1:
            return True
        dnf = facts.guarded.get(bit)
        if not dnf:
            return False
        return holds(dnf, assume, self.model.space([values]))

    def _check(self) -> list[Finding]:
        found: dict[tuple[Any, ...], Finding] = {}
        flow = self.flow
        for node_id, cases in self.node_in.items():
            node = flow.nodes[node_id]
            compiled = self.nodes[node_id]
            if not (compiled.reads or node.end is not None or any(op[0] in ("pay", "invoice") or op[1] is not None for op in compiled.ops)):
                continue  # nothing here to check
            missing: dict[str, None] = {}
            for case in cases:

                def check(i: int, facts: FState, guard: Guard, values: VState, node_id: str = node_id) -> None:
                    for finding in self._check_step(node_id, i, facts, guard, values):
                        read = finding.read
                        key: tuple[Any, ...] = (finding.kind, node_id, i)
                        if read is not None:
                            key += (read.loc, read.placeholder)
                        found.setdefault(key, finding)

                out = self.transfer(node_id, case, check)
                if node.end is not None:
                    for j, key in enumerate(self.required):
                        if not self.fact(out.facts, self.to + j, frozenset(), out.values):
                            missing.setdefault(key)
            if missing:
                keys = tuple(missing)
                bits = [self.to + self.required.index(k) for k in keys]

                def all_set(case: Case, bits: list[int] = bits) -> bool:
                    return all(case.facts.must >> b & 1 for b in bits)

                via = self._via(node_id, all_set)
                found[("ticket", node_id)] = Finding("ticket_incomplete", node_id, -1, missing=keys, via=via)
        return list(found.values())

    def _check_step(self, node_id: str, i: int, facts: FState, guard: Guard, values: VState) -> list[Finding]:
        compiled = self.nodes[node_id]
        op = compiled.ops[i]
        findings: list[Finding] = []
        for read in compiled.reads.get(i, ()):
            bit = self.known[read.name]
            if self.fact(facts, bit, guard, values):
                continue
            later = next(
                (k for k in range(i + 1, len(compiled.ops)) if compiled.ops[k][0] == "ask" and compiled.ops[k][3] == read.name),
                None,
            )
            via = None if later is not None else self._via(node_id, self._holding(bit))
            findings.append(Finding("unrecorded", node_id, i, read=read, via=via, later_step=later))
        if op[0] == "pay" and not self.fact(facts, self.inv, guard, values):
            via = self._via(node_id, lambda c: bool(c.facts.must >> self.inv & 1))
            findings.append(Finding("payment_before_invoice", node_id, i, via=via))
        if op[0] == "invoice" and op[2] and facts.may & PAID:
            via = self._via(node_id, lambda c: not c.facts.may & PAID)
            findings.append(Finding("item_after_payment", node_id, i, via=via))
        return findings

    @staticmethod
    def _holding(bit: int) -> Callable[[Case], bool]:
        return lambda case: bool(case.facts.must >> bit & 1)

    def _via(self, node_id: str, fine: Callable[[Case], bool]) -> str | None:
        """A node whose way into this one carries the problem (for the message)."""
        for edge in self.graph.into[node_id]:
            for case in self.node_in.get(edge.source, ()):
                for _target, index, out in self.out_edges(edge.source, self.transfer(edge.source, case)):
                    if index == edge.branch and out is not None and not fine(out):
                        return edge.source
        return None

    # -- for the condition rules --------------------------------------------------------

    def never_runs(self, node_id: str, step_index: int) -> bool:
        """A `when:` step that no case reaching it runs."""
        return self.when_outcomes.get((node_id, step_index)) == {False}

    def cases_at(self, node_id: str, step_index: int) -> list[VState]:
        """The value cases before a step (the node's step count: after the steps)."""
        steps = self.flow.nodes[node_id].steps
        return [self.model.through_steps(steps[:step_index], c.values) for c in self.node_in.get(node_id, ())]
