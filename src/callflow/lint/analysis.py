"""The path analysis: what can hold at every step of a flow, exactly.

At each point the analysis keeps the set of every combination of what a call
may have done so far (callflow.lint.states): the answers conditions read, by
the values and regions that tell them apart (callflow.lint.encoding), and
the facts the rules need (a value is recorded, an invoice line exists, a
payment was taken, the ticket is started, a required ticket field is set, a
line added after a payment is not paid yet). Where ways meet, the sets are
joined; loops are run until nothing changes (there are finitely many sets,
and joining only adds). Nothing is capped: a choice with forty options, or
twenty conditions that combine, is judged as exactly as one.

What no later step reads is forgotten where a way enters a node (liveness),
so the sets stay small: a `choose` answer read by one `when:` in the next
node is forgotten after it. The parts of the graph are run in order, each
once unless it is a loop (callflow.flow.graph.components), and each step is
checked when its node has its final state (callflow.lint.findings).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Protocol

from callflow.flow.expressions import Expr, parse_expression
from callflow.flow.exprtypes import Checker
from callflow.flow.graph import FlowGraph, components
from callflow.flow.invoicesteps import CreditStep, ItemStep, PastDueStep, PaymentStep, TimeStep
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.model import Flow, IfRoute
from callflow.flow.names import Symbols
from callflow.flow.scalars import AMOUNT_NAMES
from callflow.lint.bdd import BDD, TRUE, TooLarge
from callflow.lint.checks import Planner, StepPlan, hazard_exprs
from callflow.lint.encoding import Encoding
from callflow.lint.findings import Findings
from callflow.lint.liveness import Liveness
from callflow.lint.machine import Machine
from callflow.lint.outcomes import Num
from callflow.lint.program import Compiler, presence
from callflow.lint.sites import ConditionSite, ExpressionSite, TemplateSite
from callflow.lint.states import ANYTHING, NOWHERE, State, States
from callflow.lint.tables import Tables

ZERO = Decimal(0)


class LintContext(Protocol):
    """What the analysis reads of a flow (callflow.lint.context.LintContext)."""

    loaded: LoadedFlow
    flow: Flow

    @property
    def graph(self) -> FlowGraph: ...

    @property
    def order(self) -> list[str]: ...

    @property
    def symbols(self) -> Symbols: ...

    @property
    def templates(self) -> list[TemplateSite]: ...

    @property
    def condition_sites(self) -> list[ConditionSite]: ...

    @property
    def expression_sites(self) -> list[ExpressionSite]: ...

    def expr(self, text: str) -> Expr: ...

    @property
    def checker(self) -> Checker: ...


@contextmanager
def deep(levels: int) -> Iterator[None]:
    """Room for the diagram's recursion (one level per variable)."""
    old = sys.getrecursionlimit()
    if levels > old:
        sys.setrecursionlimit(levels)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# The most diagram nodes one lint may build: the shipped and generated flows
# need about 5 per flow node; a flow whose conditions tie many answers
# together in ways no variable order keeps small (`(a1 and b7) or ...` over
# dozens of answers) could otherwise take minutes and gigabytes.
DIAGRAM_BASE = 400_000
DIAGRAM_PER_NODE = 10


def diagram_budget(nodes: int) -> int:
    return DIAGRAM_BASE + DIAGRAM_PER_NODE * nodes


class PathAnalysis:
    """The fixed point of one flow, and what the rules read off it."""

    def __init__(self, ctx: LintContext) -> None:
        self.flow = ctx.flow
        self.graph = ctx.graph
        self.order = ctx.order
        # Nothing here keeps the context (no bound methods of it): a lint's structures
        # are freed as soon as the lint is done, without waiting for the cycle collector.
        self.parse = parse_expression
        self.bdd = BDD(diagram_budget(len(self.flow.nodes)))
        self.too_large = False
        self.states = States(self.bdd)
        self.enc = Encoding(self.flow, ctx.symbols, self.bdd)
        self.tables = Tables(self.enc, ctx.symbols, MoneyTypes(ctx.checker))
        self.planner = Planner(self.flow, ctx.symbols, self.parse)
        self.planner.add_sites(ctx.templates, ctx.expression_sites)
        self.plans: dict[str, list[StepPlan]] = {}
        self.node_in: dict[str, State] = {}
        self.after: dict[str, State] = {}  # after the steps, for nodes with routes
        self.edge_states: dict[str, list[State]] = {}
        self.presences: dict[tuple[str, int], Expr] = {}  # when each line step adds a line
        self.is_library = ctx.loaded.is_library
        try:
            self._setup(ctx)
            with deep(self.levels):
                checks = self.checks = Findings(self)
                self._run()
                self.findings = checks.finish()
        except TooLarge:
            # Judged not at all rather than in unbounded time: CF117 says so.
            self._give_up()
            return
        # What the condition rules read; the rest (and its link back here) is let go.
        self.when_runs = checks.when_runs
        self.routes_taken = checks.routes_taken
        self.routes_holding = checks.routes_holding
        del self.checks
        self.edge_states = {}  # only the findings' messages needed them

    def _give_up(self) -> None:
        self.too_large = True
        self.findings = []
        self.node_in, self.after, self.edge_states = {}, {}, {}
        self.when_runs, self.routes_taken, self.routes_holding = {}, set(), {}
        self.bdd = BDD()  # let the grown diagram go
        self.states = States(self.bdd)

    @property
    def levels(self) -> int:
        return 4 * self.enc.count + 2000

    # -- before the run ------------------------------------------------------------------

    def _setup(self, ctx: LintContext) -> None:
        flow, order, parse, planner = self.flow, self.order, self.parse, self.planner
        exprs: dict[str, list[tuple[Expr, bool]]] = {}  # per node, in order: (expression, is it a condition)
        for node_id in order:
            node = flow.nodes[node_id]
            plans = self.plans[node_id] = [planner.step(node_id, i, step) for i, step in enumerate(node.steps)]
            found: list[tuple[Expr, bool]] = []
            for i, step in enumerate(node.steps):
                if step.when is not None:
                    found.append((parse(step.when), True))
                found.extend((parse(e.text), False) for e in planner.expressions.get((node_id, i), ()))
                found.extend((e, True) for hazard in plans[i].hazards for e in hazard_exprs(hazard))
                if isinstance(step, (ItemStep, PastDueStep, TimeStep, CreditStep)):
                    line = self.presences[(node_id, i)] = presence(step, parse)
                    found.append((line, True))
            found.extend((parse(r.if_), True) for r in node.routes or () if isinstance(r, IfRoute))
            found.extend((e, True) for hazards in planner.routes(node_id) for h in hazards for e in hazard_exprs(h))
            exprs[node_id] = found
        self.enc.collect(e for found in exprs.values() for e, _ in found)
        # Variables are made in the order the flow first reads them, so that
        # what is read together sits together in the diagram.
        with deep(self.levels + 10_000):
            for node_id in order:
                self._allocate(node_id, exprs[node_id])
        self.candidates = self._after_payments()
        compiler = Compiler(flow, self.enc, self.tables, self.parse, self.candidates, self.presences)
        with deep(self.levels):
            self.programs = {n: compiler.compile(n) for n in order}
        self.compiler = compiler
        self.machine = Machine(self.states, self.enc.readers, {n: len(flow.nodes[n].steps) for n in order})
        self.parts = components(order[:1], self.graph.successors) if order else []
        self.live = self._liveness()

    def _allocate(self, node_id: str, exprs: list[tuple[Expr, bool]]) -> None:
        node = self.flow.nodes[node_id]
        tables, enc = self.tables, self.enc
        if node.at_most is not None:
            enc.var(f"visits:{node_id}")
        for plan in self.plans[node_id]:
            for read in plan.reads:
                enc.var(read.name)
        for expr, condition in exprs:
            if condition:
                tables.truth(expr)
            else:
                tables.table(expr)
        if node.choose is not None and node.choose.id in enc.valued:
            enc.var(node.choose.id)

    def _after_payments(self) -> set[tuple[str, int]]:
        """The line steps a payment may come before (their node is reachable from one)."""
        flow = self.flow
        found: set[tuple[str, int]] = set()
        seeds: list[str] = []
        for node_id in self.order:
            steps = flow.nodes[node_id].steps
            paying = [i for i, s in enumerate(steps) if isinstance(s, PaymentStep)]
            if paying:
                found.update((node_id, i) for i, s in enumerate(steps) if i > paying[0] and _bills(s))
                seeds.extend(self.graph.successors(node_id))
        seen = set(seeds)
        while seeds:
            node_id = seeds.pop()
            found.update((node_id, i) for i, s in enumerate(flow.nodes[node_id].steps) if _bills(s))
            for nxt in self.graph.successors(node_id):
                if nxt not in seen:
                    seen.add(nxt)
                    seeds.append(nxt)
        return found

    def _liveness(self) -> dict[str, int]:
        """Per node, the forgettable bits some later step may read (callflow.lint.liveness)."""
        successors = {
            n: [(e.target, k) for k, e in enumerate(self.graph.out[n]) if e.target in self.programs] for n in self.programs
        }
        counts = {n: len(self.flow.nodes[n].steps) for n in self.programs}
        solver = Liveness(self.bdd, self.programs, successors, self._step_reads, counts, self.enc.forgettable)
        return solver.solve(self.parts, {n: k for k, n in enumerate(self.order)})

    def _step_reads(self, node_id: str, i: int) -> tuple[int, int, int]:
        """(the step's `when:`, what it reads, what the step reads when it runs, for its checks)."""
        when = self.flow.nodes[node_id].steps[i].when
        t = TRUE if when is None else self.tables.truth(self.parse(when))
        when_reads = self.bdd.support(t) if t >= 2 else 0
        return t, when_reads, self.findings_reads(node_id, i, self.plans[node_id][i])

    def findings_reads(self, node_id: str, i: int, plan: StepPlan) -> int:
        mask = 0
        for read in plan.reads:
            var = self.enc.vars.get(read.name)
            if var is not None and var.recorded is not None:
                mask |= 1 << var.recorded
        for hazard in plan.hazards:
            for expr in hazard_exprs(hazard):
                t = self.tables.truth(expr)
                if t >= 2:
                    mask |= self.bdd.support(t)
        return mask

    # -- the run ---------------------------------------------------------------------------

    def initial(self) -> State:
        if self.is_library:
            return ANYTHING  # alone, a library has no caller: anything may hold when it is called
        zeros = ones = 0
        for bit in self.enc.facts.values():
            zeros |= 1 << bit
        for var in self.enc.vars.values():
            if var is None:
                continue
            if var.recorded is not None:
                zeros |= 1 << var.recorded
            if var.key.startswith("visits:"):
                zeros |= var.mask  # no visit yet: count 0
            elif var.key in AMOUNT_NAMES:
                # Nothing invoiced or paid yet: every amount is 0.
                k = next(k for k, v in enumerate(var.values) if isinstance(v, Num) and v.interval.contains(ZERO))
                o, z = var.code(k)
                ones, zeros = ones | o, zeros | z
        return (ones, zeros & ~ones, 1)

    def forget_into(self, target: str, state: State) -> State:
        dead = self.enc.forgettable & ~self.live.get(target, 0)
        return self.states.exists(state, dead) if state[2] != 0 and dead else state

    def _run(self) -> None:
        order = self.order
        if not order:
            return
        states = self.states
        position = {n: k for k, n in enumerate(order)}
        node_in = self.node_in
        node_in[order[0]] = self.forget_into(order[0], self.initial())
        for part in self.parts:
            members = sorted(part, key=position.__getitem__)
            inside = set(members)
            if len(members) > 1 or order_self_loop(self.graph, members[0]):
                self._settle(members, inside)
            for node_id in members:
                state = node_in.get(node_id, NOWHERE)
                outs = self.checks.visit(node_id, state)
                self.edge_states[node_id] = outs
                for edge, out in zip(self.graph.out[node_id], outs, strict=True):
                    target = edge.target
                    if target in inside or target not in self.programs or out[2] == 0:
                        continue
                    node_in[target] = states.disj(node_in.get(target, NOWHERE), self.forget_into(target, out))

    def _settle(self, members: list[str], inside: set[str]) -> None:
        """Run a loop until the states at its nodes stop growing."""
        states, node_in = self.states, self.node_in
        dirty = {n for n in members if node_in.get(n, NOWHERE)[2] != 0}
        while dirty:
            for node_id in members:
                if node_id not in dirty:
                    continue
                dirty.discard(node_id)
                outs, _ = self.machine.run(self.programs[node_id], node_in[node_id])
                for edge, out in zip(self.graph.out[node_id], outs, strict=True):
                    target = edge.target
                    if target not in inside or out[2] == 0:
                        continue
                    old = node_in.get(target, NOWHERE)
                    new = states.disj(old, self.forget_into(target, out))
                    if new != old:
                        node_in[target] = new
                        dirty.add(target)

    # -- for the rules ---------------------------------------------------------------------

    def before_step(self, node_id: str, index: int, start: State | None = None) -> State:
        """The state before step `index` of a node (its step count: after the steps)."""
        program = self.programs[node_id]
        state = self.node_in.get(node_id, NOWHERE) if start is None else start
        with deep(self.levels):
            state, _ = self.machine.enter(program, state)
            for op in program.ops:
                if op.at >= index:
                    break
                state = self.machine.step(state, op)
        return state

    def in_deep(self) -> Any:
        return deep(self.levels)


class MoneyTypes:
    """Whether `round()` of an expression rounds to cents, as the engine decides (by its type)."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self._found: dict[int, tuple[Expr, bool]] = {}

    def __call__(self, expr: Expr) -> bool:
        entry = self._found.get(id(expr))
        if entry is None or entry[0] is not expr:
            entry = self._found[id(expr)] = (expr, self.checker.infer(expr).type.kind == "money")
        return entry[1]


def order_self_loop(graph: Any, node_id: str) -> bool:
    return node_id in graph.successors(node_id)


def _bills(step: object) -> bool:
    return isinstance(step, (ItemStep, PastDueStep, TimeStep))
