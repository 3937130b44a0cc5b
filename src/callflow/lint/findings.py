"""What the path analysis finds, read off each node once its state is final.

Each step is checked in the state before it (callflow.lint.checks plans
what to check): a value read may be unrecorded; a payment may come before
any invoice line; a divisor may be 0; an amount may be below zero; a refund
may be more than is owed. At an end: a started ticket may lack a required
field; a line added after a payment may not be paid by any later one. Each
`when:` and route remembers whether it can hold at all. A finding names a
node on the way in where the problem is carried, for its message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from callflow.flow.expressions import Arith, BoolOp, Call, Expr, Name
from callflow.flow.graph import FlowGraph
from callflow.flow.model import Flow, IfRoute
from callflow.lint.bdd import BDD, FALSE, TRUE
from callflow.lint.checks import Hazard, Planner, Read, StepPlan
from callflow.lint.encoding import Encoding
from callflow.lint.machine import Machine
from callflow.lint.program import Compiler, Program
from callflow.lint.states import NOWHERE, State, States
from callflow.lint.tables import Tables, interval_of


class Finding(NamedTuple):
    """Something the path analysis found, for a rule to report."""

    kind: str  # unrecorded, payment_before_invoice, ticket_incomplete, item_after_payment, division, negative, refund
    node_id: str
    step_index: int  # -1: the node's end
    read: Read | None = None
    missing: tuple[str, ...] = ()  # ticket fields
    via: str | None = None  # a node on a path where it happens
    later_step: int | None = None  # the same node records the value after this step
    hazard: Hazard | None = None
    end: str | None = None  # CF303: an end the line reaches unpaid


Problem = Callable[[State], bool]


class Analysis(Protocol):
    """What the checks read of the path analysis (callflow.lint.analysis.PathAnalysis)."""

    flow: Flow
    graph: FlowGraph
    bdd: BDD
    states: States
    enc: Encoding
    tables: Tables
    planner: Planner
    compiler: Compiler
    machine: Machine
    programs: dict[str, Program]
    plans: dict[str, list[StepPlan]]
    after: dict[str, State]
    edge_states: dict[str, list[State]]

    def parse(self, text: str) -> Expr: ...

    def forget_into(self, target: str, state: State) -> State: ...

    def before_step(self, node_id: str, index: int, start: State | None = None) -> State: ...


class Findings:
    def __init__(self, analysis: Analysis) -> None:
        self.a = analysis
        self.states = analysis.states
        self.bdd = analysis.bdd
        self.truth = analysis.tables.truth
        self.found: dict[tuple[Any, ...], tuple[Finding, int, Problem | None]] = {}
        self.when_runs: dict[tuple[str, int], bool] = {}
        self.routes_taken: set[tuple[str, int]] = set()
        self.routes_holding: dict[tuple[str, int], bool] = {}

    # -- one node ----------------------------------------------------------------------

    def visit(self, node_id: str, state: State) -> list[State]:
        a = self.a
        program = a.programs[node_id]
        node = a.flow.nodes[node_id]
        if state[2] == FALSE:
            return [NOWHERE] * len(program.edges)
        busy = node.end is not None or node.routes is not None or any(
            p.reads or p.pays or p.hazards for p in a.plans[node_id]
        ) or any(s.when is not None for s in node.steps)
        if not busy:
            return a.machine.run(program, state)[0]
        outs, after = a.machine.run(program, state, lambda i, s: self._step(node_id, i, s))
        if node.end is not None:
            self._end(node_id, after)
        if node.routes is not None:
            a.after[node_id] = after
            self._routes(node_id, after, outs)
        return outs

    def _add(self, key: tuple[Any, ...], finding: Finding, index: int, problem: Problem | None) -> None:
        self.found.setdefault(key, (finding, index, problem))

    def _step(self, node_id: str, i: int, state: State) -> None:
        a, states, bdd = self.a, self.states, self.bdd
        step = a.flow.nodes[node_id].steps[i]
        plan = a.plans[node_id][i]
        if step.when is None and not plan.pays and not plan.hazards:
            # The common case: words that read recorded values, checked on the masks alone.
            ones = state[0]
            if all(self._recorded_bit(read.name) is None or ones >> self._recorded_bit(read.name) & 1 for read in plan.reads):  # type: ignore[operator]
                return
        when = TRUE if step.when is None else self.truth(a.parse(step.when))
        runs = states.conj(state, when)
        if step.when is not None and state[2] != FALSE:
            self.when_runs[(node_id, i)] = self.when_runs.get((node_id, i), False) or runs[2] != FALSE
        if runs[2] == FALSE and not plan.hazards:
            return
        for read in plan.reads:
            var = a.enc.vars.get(read.name)
            if var is None or var.recorded is None:
                continue
            missing = bdd.and_(when, bdd.literal(var.recorded, False))
            if states.meets(runs, missing):
                later = self._later(node_id, i, read.name)
                problem = None if later is not None else self._at(i, missing)
                self._add(("unrecorded", node_id, i, read.loc, read.placeholder, read.offset), Finding("unrecorded", node_id, i, read=read, later_step=later), i, problem)
        if plan.pays:
            missing = bdd.and_(when, bdd.literal(a.enc.fact("line"), False))
            if states.meets(runs, missing):
                self._add(("pay", node_id, i), Finding("payment_before_invoice", node_id, i), i, self._at(i, missing))
        for hazard in plan.hazards:
            test = self._hazard(hazard)
            if not hazard.before:
                test = bdd.and_(when, test)
            if test != FALSE and states.meets(state, test):
                self._add((hazard.kind, node_id, i, hazard.loc, hazard.offset), Finding(hazard.kind, node_id, i, hazard=hazard), i, self._at(i, test))

    def _recorded_bit(self, name: str) -> int | None:
        var = self.a.enc.vars.get(name)
        return None if var is None else var.recorded

    def _hazard(self, hazard: Hazard) -> int:
        bdd = self.bdd
        if hazard.kind == "refund" and self._provably_owed(hazard.test):
            return FALSE
        test = self.truth(hazard.test)
        for expr, holds in hazard.context:
            t = self.truth(expr)
            test = bdd.and_(test, t if holds else bdd.not_(t))
        return test

    def _provably_owed(self, test: Expr) -> bool:
        """A refund written so that it is never more than `refund_due`: min(…, refund_due), refund_due - x (x ≥ 0)."""
        # The test is `defined(refund) and refund > refund_due` (callflow.lint.checks.made).
        inner = test.operands[0] if isinstance(test, BoolOp) else None
        expr = inner.args[0] if isinstance(inner, Call) else None
        return expr is not None and self._at_most_owed(expr)

    def _at_most_owed(self, expr: Expr) -> bool:
        if isinstance(expr, Name):
            return expr.name == "refund_due"
        if isinstance(expr, Call) and expr.function == "min":
            return any(self._at_most_owed(arg) for arg in expr.args)
        if isinstance(expr, Arith) and expr.op == "-" and self._at_most_owed(expr.left):
            interval = interval_of(self.a.tables.table(expr.right))
            return interval is not None and interval.lo >= 0
        return False

    def _at(self, index: int, test: int) -> Problem:
        """The problem at step `index`, for a state entering the node."""

        def problem(state_before: State) -> bool:
            return self.states.meets(state_before, test)

        return problem

    def _later(self, node_id: str, i: int, name: str) -> int | None:
        from callflow.flow.steps import AskStep

        steps = self.a.flow.nodes[node_id].steps
        for k in range(i + 1, len(steps)):
            later = steps[k]
            if isinstance(later, AskStep) and later.ask == name:
                return k
        return None

    def _end(self, node_id: str, after: State) -> None:
        a, states, bdd = self.a, self.states, self.bdd
        n = len(a.flow.nodes[node_id].steps)
        started = bdd.literal(a.enc.fact("ticket"))
        missing = []
        tests = []
        for key in a.compiler.required:
            test = bdd.and_(started, bdd.literal(a.enc.fact(f"set:{key}"), False))
            if states.meets(after, test):
                missing.append(key)
                tests.append(test)
        if missing:
            test = bdd.or_all(tests)
            self._add(("ticket", node_id), Finding("ticket_incomplete", node_id, -1, missing=tuple(missing)), n, self._at(n, test))
        for (item_node, index), bit in sorted(a.compiler.uncovered.items()):
            test = bdd.literal(bit.bit_length() - 1)
            if states.meets(after, test):
                self._add(("unpaid", item_node, index), Finding("item_after_payment", item_node, index, end=node_id), n, None)

    def _routes(self, node_id: str, after: State, outs: list[State]) -> None:
        a, states, bdd = self.a, self.states, self.bdd
        node = a.flow.nodes[node_id]
        shift = 1 if node.at_most is not None else 0
        rest = after
        hazards = a.planner.routes(node_id)
        assert node.routes is not None
        for k, route in enumerate(node.routes):
            if outs[k + shift][2] != FALSE:
                self.routes_taken.add((node_id, k))
            if not isinstance(route, IfRoute):
                continue
            condition = self.truth(a.parse(route.if_))
            self.routes_holding[(node_id, k)] = states.meets(after, condition)
            for hazard in hazards[k]:
                test = self._hazard(hazard)
                if states.meets(rest, test):
                    key = (hazard.kind, node_id, ("route", k), hazard.offset)
                    self._add(key, Finding(hazard.kind, node_id, -1, hazard=hazard), -1, None)
            rest = states.conj(rest, bdd.not_(condition))

    # -- at the end --------------------------------------------------------------------

    def finish(self) -> list[Finding]:
        found = []
        for finding, index, problem in self.found.values():
            if problem is not None:
                finding = finding._replace(via=self.via(finding.node_id, index, problem))
            found.append(finding)
        self.found = {}  # its problems hold this object: no cycle left behind
        return found

    def via(self, node_id: str, index: int, problem: Problem) -> str | None:
        """A node whose way into this one carries the problem."""
        a = self.a
        for edge in a.graph.into.get(node_id, ()):
            outs = a.edge_states.get(edge.source)
            if outs is None:
                continue
            k = a.graph.out[edge.source].index(edge)
            entering = a.forget_into(node_id, outs[k])
            if entering[2] != FALSE and problem(a.before_step(node_id, index, entering)):
                return edge.source
        return None
