"""Running compiled nodes (callflow.lint.program) on states (callflow.lint.states).

`run(program, state)` gives the state along each edge out of a node, in the
graph's order: the limit edge (entering once too often goes to `at_most`'s
`then` instead, with the state as it came), then the node's way on after its
steps. A node whose operations all hold unconditionally and only forget and
set is one forget and one set of the masks: the common case costs a few
integer operations.
"""

from __future__ import annotations

from collections.abc import Callable

from callflow.lint.bdd import TRUE
from callflow.lint.encoding import Var
from callflow.lint.program import ASSIGN, CASES, CONJ, FORGET, WHERE, Action, Program, StepOp
from callflow.lint.states import NOWHERE, State, States

Observer = Callable[[int, State], None]


class Machine:
    def __init__(self, states: States, readers: dict[str, int], step_counts: dict[str, int]) -> None:
        self.states = states
        self.bdd = states.bdd
        self.readers = readers
        self.step_counts = step_counts

    def enter(self, program: Program, state: State) -> tuple[State, State]:
        """(the state inside the node, the state sent on by its at_most limit)."""
        limited = NOWHERE
        if program.limit is not None:
            limited = self.states.conj(state, program.limit)
            state = self.states.conj(state, self.bdd.not_(program.limit))
        counter = program.counter
        if counter is not None and state[2] != 0:
            state = self.count(state, counter)
        return state, limited

    def count(self, state: State, var: Var) -> State:
        """One more visit: the count goes up by one, up to its top value."""
        states = self.states
        forget = self.readers.get(var.key, 0)
        if forget:
            state = states.exists(state, forget)
        top = len(var.values) - 1
        ones, zeros, node = state
        if not var.mask & ~(ones | zeros):
            code = 0
            for bit in var.bits:
                code = code * 2 + (ones >> bit & 1)
            o, z = var.code(min(min(code, top) + 1, top))
            return ((ones & ~var.mask) | o, (zeros & ~var.mask) | z, node)
        result = NOWHERE
        for k in range(top + 1):
            part = states.conj(state, var.is_(self.bdd, [k]))
            if part[2] != 0:
                result = states.disj(result, states.assign(part, *var.code(min(k + 1, top))))
        return result

    def steps(self, program: Program, state: State, observe: Observer | None = None) -> State:
        """The state after the node's steps (`observe` sees the state before each step)."""
        states = self.states
        if observe is None:
            net = program.net
            if net is not None:
                forget, ones, zeros = net
                if forget:
                    state = states.exists(state, forget)
                if ones | zeros:
                    state = states.assign(state, ones, zeros)
                return state
            for op in program.ops:
                state = self.step(state, op)
            return state
        ops = program.by_step
        for i in range(self.step_counts[program.node_id]):
            observe(i, state)
            found = ops.get(i)
            if found is not None:
                state = self.step(state, found)
        return state

    def step(self, state: State, op: StepOp) -> State:
        if state[2] == 0:
            return state
        if op.when == TRUE:
            return self.act(state, op.actions)
        states = self.states
        runs = states.conj(state, op.when)
        if runs[2] == 0:
            return state
        skipped = states.conj(state, self.bdd.not_(op.when))
        return states.disj(self.act(runs, op.actions), skipped)

    def act(self, state: State, actions: tuple[Action, ...]) -> State:
        states = self.states
        for action in actions:
            kind = action[0]
            if kind == FORGET:
                state = states.exists(state, action[1])
            elif kind == ASSIGN:
                state = states.assign(state, action[1], action[2])
            elif kind == WHERE:
                state = states.assign_where(state, action[1], action[2], action[3])
            elif kind == CONJ:
                state = states.conj(state, action[1])
            else:
                assert kind == CASES
                state = self.cases(state, action)
        return state

    def cases(self, state: State, action: Action) -> State:
        """A computed value rebuilt: in each case of its expression, its new value."""
        states = self.states
        result = NOWHERE
        for guard, forget, new in action[1]:
            part = states.conj(state, guard)
            if part[2] != 0:
                result = states.disj(result, states.conj(states.exists(part, forget), new))
        return result

    def way_on(self, program: Program, state: State, limited: State) -> list[State]:
        """The state along each edge, in the graph's order."""
        states = self.states
        out: list[State] = []
        rest = state
        for edge in program.edges:
            kind = edge[0]
            if kind == "limit":
                out.append(limited)
            elif kind == "next":
                out.append(state)
            elif kind == "choose":
                out.append(states.assign(states.exists(state, edge[1]), edge[2], edge[3]))
            elif kind == "route":
                out.append(states.conj(rest, edge[1]))
                rest = states.conj(rest, self.bdd.not_(edge[1]))
            else:
                out.append(rest)
        return out

    def run(self, program: Program, state: State, observe: Observer | None = None) -> tuple[list[State], State]:
        """(the state along each edge, the state after the steps)."""
        inside, limited = self.enter(program, state)
        after = self.steps(program, inside, observe) if inside[2] != 0 else inside
        return self.way_on(program, after, limited), after
