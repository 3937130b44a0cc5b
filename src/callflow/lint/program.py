"""Each node's steps compiled into operations on the analysis's states.

An operation is a list of actions run where the step's `when:` holds:
forget some variables (an amount changed: everything read from it is
stale), set some (asked: recorded; a ticket step: the ticket is started),
set some where a condition holds (an item whose quantity may be 0 adds a
line only where it is not), or rebuild one variable case by case (`set:`
from the table of its expression, callflow.lint.tables). Entering a node
first counts the visit and checks its `at_most`; its way on gives a state
per edge, in the graph's order (callflow.flow.graph).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from callflow.flow.expressions import BoolOp, Call, Compare, Expr, Literal, Name
from callflow.flow.invoicesteps import CreditStep, ItemRef, ItemStep, PastDueStep, PaymentStep, RefundStep, TimeStep
from callflow.flow.model import Flow, IfRoute
from callflow.flow.steps import AskStep, DoStep, SetStep, TicketStep
from callflow.lint.bdd import FALSE, TRUE
from callflow.lint.encoding import EQUAL, LESS, MORE, Encoding, Var
from callflow.lint.outcomes import MAYBE, NONE, SOME, Exact, Num, Outcome, Text
from callflow.lint.tables import Tables

FORGET, ASSIGN, WHERE, CASES, CONJ = range(5)
Action = tuple[Any, ...]
ZERO = Literal(Decimal(0))
LINE_AMOUNTS = ("subtotal", "past_due", "total", "due", "refund_due")


class StepOp(NamedTuple):
    at: int  # the step's index in its node
    when: int  # where the step runs (TRUE: always)
    actions: tuple[Action, ...]
    reads: int
    writes: int  # what it overwrites whenever it runs


class Program:
    """One node, compiled."""

    __slots__ = ("by_step", "counter", "edges", "kill", "limit", "net", "node_id", "ops", "use")

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self.limit: int | None = None  # where the node's at_most is reached
        self.counter: Var | None = None  # the node's own visit count
        self.ops: list[StepOp] = []
        self.by_step: dict[int, StepOp] = {}
        self.net: tuple[int, int, int] | None = None  # every op plain: (forget, ones, zeros) in one go
        self.edges: list[tuple[Any, ...]] = []
        self.use = 0
        self.kill = 0


def nonzero(expr: Expr) -> Expr:
    from callflow.lint.checks import made

    return made("nonzero", expr)


class Compiler:
    """Compiles nodes against one encoding; `candidates` are the lines a payment may come before."""

    def __init__(
        self,
        flow: Flow,
        enc: Encoding,
        tables: Tables,
        parse: Any,
        candidates: set[tuple[str, int]],
        presences: dict[tuple[str, int], Expr],
    ) -> None:
        self.presences = presences
        self.flow = flow
        self.enc = enc
        self.tables = tables
        self.bdd = enc.bdd
        self.parse = parse
        self.candidates = candidates
        self.line = 1 << enc.fact("line")
        self.paid = 1 << enc.fact("paid")
        self.ticket = 1 << enc.fact("ticket")
        self.required = {k: 1 << enc.fact(f"set:{k}") for k, spec in flow.ticket_fields.items() if spec.required}
        self.uncovered: dict[tuple[str, int], int] = {c: 1 << enc.fact(f"unpaid:{c[0]}:{c[1]}") for c in sorted(candidates)}
        self.all_uncovered = sum(self.uncovered.values())

    def changed(self, names: Iterable[str]) -> int:
        mask = 0
        for name in names:
            mask |= self.enc.changed(name)
        return mask

    def _support(self, node: int) -> int:
        return self.bdd.support(node) if node >= 2 else 0

    # -- a node --------------------------------------------------------------------------

    def compile(self, node_id: str) -> Program:
        node = self.flow.nodes[node_id]
        program = Program(node_id)
        counter = self.enc.vars.get(f"visits:{node_id}")
        if counter is not None:
            program.counter = counter
            if node.at_most is not None:
                program.limit = counter.is_(self.bdd, range(node.at_most.times, len(counter.values)))
        for i, step in enumerate(node.steps):
            op = self._step(node_id, i, step)
            if op is not None:
                program.ops.append(op)
        program.edges = self._edges(node_id)
        program.by_step = {op.at: op for op in program.ops}
        self._net(program)
        return program

    def _net(self, program: Program) -> None:
        forget = ones = zeros = 0
        for op in program.ops:
            if op.when != TRUE:
                return
            for action in op.actions:
                if action[0] == FORGET:
                    f, o, z = action[1], 0, 0
                elif action[0] == ASSIGN:
                    f, o, z = 0, action[1], action[2]
                else:
                    return
                forget |= f | o | z
                ones = (ones & ~f & ~z) | o
                zeros = (zeros & ~f & ~o) | z
        program.net = (forget & ~(ones | zeros), ones, zeros)

    def _op(self, index: int, when: str | None, actions: list[Action], reads: int = 0) -> StepOp:
        guard = TRUE if when is None else self.tables.truth(self.parse(when))
        writes = 0
        for action in actions:
            if action[0] == FORGET:
                writes |= action[1]
            elif action[0] == ASSIGN:
                writes |= action[1] | action[2]
            elif action[0] == WHERE:
                reads |= self._support(action[1])
            elif action[0] == CASES:
                for g, forget, _new in action[1]:
                    reads |= self._support(g)
                    writes |= forget
        return StepOp(index, guard, tuple(actions), reads | self._support(guard), writes)

    def _step(self, node_id: str, i: int, step: object) -> StepOp | None:
        when = getattr(step, "when", None)
        if isinstance(step, AskStep):
            return self._record(i, when, step.ask)
        if isinstance(step, DoStep) and step.confirm is not None:
            return self._record(i, when, step.confirm)
        if isinstance(step, SetStep):
            actions = [self._set(name, self.parse(text)) for name, text in step.set.items()]
            return self._op(i, when, actions)
        if isinstance(step, TicketStep):
            keys = sum(bit for key, bit in self.required.items() if key in step.ticket)
            return self._op(i, when, [(ASSIGN, self.ticket | keys, 0)])
        if isinstance(step, (ItemStep, CreditStep, TimeStep, PastDueStep)):
            return self._line(node_id, i, when, step)
        if isinstance(step, PaymentStep):
            return self._pay(i, when, step.payment.amount.strip() == "due")
        if isinstance(step, RefundStep):
            default = step.refund.amount.strip() == "refund_due"
            changed = ("refunded", "refund_due") if default else ("refunded", "due", "refund_due")
            refund: list[Action] = [(FORGET, self.changed(changed))]
            refund += self._zero("refund_due") if default else []
            return self._op(i, when, refund)
        return None

    def _record(self, i: int, when: str | None, name: str) -> StepOp | None:
        var = self.enc.vars.get(name)
        readers = self.enc.readers.get(name, 0)
        if var is None:
            return self._op(i, when, [(FORGET, readers)]) if readers else None
        actions: list[Action] = [(FORGET, var.mask | readers)]
        if var.recorded is not None:
            actions.append((ASSIGN, 1 << var.recorded, 0))
        bounded = self._against_today(name)
        if bounded != TRUE:
            actions.append((CONJ, bounded))
        return self._op(i, when, actions)

    def _against_today(self, name: str) -> int:
        """What a date field's bounds relative to today (`min: today`) say of how it compares with today."""
        spec = self.flow.fields.get(name)
        if spec is None or spec.type != "date":
            return TRUE
        low, high = spec.date_bounds()
        enc = self.enc
        field, today = enc.exprs.get(Name(name)), enc.exprs.get(Name("today"))
        if field is None or today is None:
            return TRUE
        allowed = {LESS, EQUAL, MORE}
        if low is not None and low.fixed is None:
            allowed &= {MORE} if (low.days_from_today or 0) >= 1 else {EQUAL, MORE} if low.days_from_today == 0 else allowed
        if high is not None and high.fixed is None:
            allowed &= {LESS} if (high.days_from_today or 0) <= -1 else {LESS, EQUAL} if high.days_from_today == 0 else allowed
        found = TRUE
        for key, flipped in ((f"rel:{field}:{today}", False), (f"rel:{today}:{field}", True)):
            var = enc.vars.get(key)
            if var is not None:
                wanted = {2 - v for v in allowed} if flipped else allowed
                found = self.bdd.and_(found, var.is_(self.bdd, wanted))
        return found

    def _set(self, name: str, expr: Expr) -> Action:
        var = self.enc.vars.get(name)
        forget = self.enc.changed(name)
        if var is None:
            return (FORGET, forget)
        by_new: dict[int, int] = {}
        for guard, outcome in self.tables.table(expr):
            new = self.becomes(var, outcome)
            by_new[new] = self.bdd.or_(by_new.get(new, FALSE), guard)
        return (CASES, tuple((g, forget, new) for new, g in by_new.items()))

    def becomes(self, var: Var, outcome: Outcome) -> int:
        """The function "the computed value now holds this outcome", over its own bits."""
        bdd = self.bdd
        recorded = bdd.literal(var.recorded) if var.recorded is not None else TRUE
        if outcome == NONE:
            return bdd.not_(recorded) if var.recorded is not None else TRUE
        if outcome in (MAYBE,):
            return TRUE
        wanted: list[int] = []
        for k, value in enumerate(var.values):
            if _may_be(value, outcome):
                wanted.append(k)
        if not wanted or outcome == SOME:
            return recorded
        return bdd.and_(recorded, var.is_(bdd, wanted))

    def _line(self, node_id: str, i: int, when: str | None, step: object) -> StepOp:
        present = self.tables.truth(self.presences[(node_id, i)])
        bits = self.line
        actions: list[Action] = [(WHERE, present, bits, 0) if present != TRUE else (ASSIGN, bits, 0)]
        uncovered = self.uncovered.get((node_id, i))
        if uncovered is not None:
            actions.append((WHERE, self.bdd.and_(present, self.bdd.literal(self.enc.fact("paid"))), uncovered, 0))
        actions.append((FORGET, self.changed(LINE_AMOUNTS)))
        return self._op(i, when, actions)

    def _pay(self, i: int, when: str | None, of_due: bool) -> StepOp:
        changed = ("paid", "due") if of_due else ("paid", "due", "refund_due")
        actions: list[Action] = [(FORGET, self.changed(changed)), (ASSIGN, self.paid, self.all_uncovered)]
        if of_due:
            actions += self._zero("due")
            if when is not None and only_when_due(self.parse(when)):
                # `payment: due` under `when: due > 0`: where it does not run nothing
                # is due, so every line so far is settled either way.
                when = None
        return self._op(i, when, actions)

    def _zero(self, amount: str) -> list[Action]:
        var = self.enc.vars.get(amount)
        if var is None:
            return []
        for k, value in enumerate(var.values):
            if isinstance(value, Num) and value.interval.point == 0:
                return [(ASSIGN, *var.code(k))]
        return []

    # -- the way on -------------------------------------------------------------------------

    def _edges(self, node_id: str) -> list[tuple[Any, ...]]:
        node = self.flow.nodes[node_id]
        edges: list[tuple[Any, ...]] = []
        if node.at_most is not None:
            edges.append(("limit",))
        if node.next is not None:
            edges.append(("next",))
        elif node.choose is not None:
            var = self.enc.vars.get(node.choose.id)
            forget = self.enc.changed(node.choose.id)
            for option in node.choose.options:
                ones = zeros = 0
                if var is not None:
                    if var.recorded is not None:
                        ones |= 1 << var.recorded
                    index = next((k for k, v in enumerate(var.values) if v == Exact(option.key)), None)
                    if index is not None:
                        o, z = var.code(index)
                        ones, zeros = ones | o, zeros | z
                edges.append(("choose", forget, ones, zeros))
        elif node.routes is not None:
            for route in node.routes:
                if isinstance(route, IfRoute):
                    edges.append(("route", self.tables.truth(self.parse(route.if_))))
                else:
                    edges.append(("else",))
        return edges


def only_when_due(condition: Expr) -> bool:
    """Whether a condition is false only when nothing is due (`due > 0`,
    `due != 0`, `due >= 0.01`, `0 < due`): amounts are in cents and due is never
    below 0."""
    if not isinstance(condition, Compare) or isinstance(condition.right, tuple):
        return False
    op, left, right = condition.op, condition.left, condition.right
    if isinstance(left, Literal):
        left, right = right, left
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
    if not (isinstance(left, Name) and left.name == "due" and isinstance(right, Literal)):
        return False
    if not isinstance(right.value, Decimal) or right.unit:
        return False
    if op == ">":
        return right.value == 0
    if op == ">=":
        return Decimal(0) < right.value <= Decimal("0.01")
    return op == "!=" and right.value == 0


def presence(step: object, parse: Any) -> Expr:
    """The condition under which a line step adds a line."""
    if isinstance(step, ItemStep):
        quantity = step.item.quantity if isinstance(step.item, ItemRef) else "1"
        return nonzero(parse(quantity))
    if isinstance(step, CreditStep):
        credit = step.credit
        return nonzero(parse(credit.amount if credit.amount is not None else credit.quantity))
    if isinstance(step, TimeStep):
        parts = [nonzero(parse(step.time.duration))]
        if step.time.minimum is not None:
            parts.append(nonzero(parse(step.time.minimum)))
        return BoolOp("or", tuple(parts)) if len(parts) > 1 else parts[0]
    assert isinstance(step, PastDueStep)
    return Call("defined", (Name(step.past_due),))


def _may_be(value: Outcome, outcome: Outcome) -> bool:
    """Whether a variable's value can be what an expression came to."""
    if isinstance(value, Num) and isinstance(outcome, Num):
        return value.kind == outcome.kind and value.interval.meets(outcome.interval)
    if isinstance(value, Exact) and isinstance(outcome, Exact):
        return value == outcome
    if isinstance(value, Text):
        return isinstance(outcome, Text) or (isinstance(outcome, Exact) and outcome.value not in value.excluded)
    return value == SOME or (isinstance(value, Num) is False and isinstance(outcome, Text))

