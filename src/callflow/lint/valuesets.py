"""Which values a choice, `choose` id or yes/no can hold at a point of a flow.

Conditions that read such a name make a flow's paths depend on its answer:
after "Help Desk" or "Remote Access" was picked, `when: member_plan ==
'help_desk'` decides whether the ticket gets its issue type. Lint tracks the
names that some condition reads ("tracked" names) and, for each, the values
it can hold (None: not recorded yet). A `VState` is one case of such values;
the path analysis (dataflow.py) keeps a few cases apart per node, so that
what came in along one branch is not mixed with another.

Values are narrowed along a `choose` option (the answer is that option's
value) and along a route (the answers for which that route is the one
taken), and widened for names no condition reads any more (liveness), so
that cases that differ only in forgotten answers fall together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from callflow.flow.evaluate import Value
from callflow.flow.expressions import Expr
from callflow.flow.graph import Edge, FlowGraph
from callflow.flow.model import Node
from callflow.flow.names import Symbols
from callflow.flow.steps import AskStep
from callflow.lint.evaluation import Space, evaluate3, unique_names

# Beyond this many narrowed names per case, the oldest narrowing is forgotten.
MAX_NARROWED = 64


class VState:
    """One case of possible values of the tracked names (never changed once made).

    Bit i of `unset`: name i may be unrecorded. Bit i of `asked`: name i may
    hold one of its values, all of them unless `narrowed` says which.
    """

    __slots__ = ("_hash", "asked", "narrowed", "unset")

    def __init__(self, unset: int, asked: int, narrowed: dict[int, frozenset[Value]] | None = None) -> None:
        self.unset = unset
        self.asked = asked
        self.narrowed = narrowed if narrowed is not None else {}
        self._hash: int | None = None

    def __eq__(self, other: object) -> bool:
        return (
            self is other
            or (isinstance(other, VState)
            and self.unset == other.unset
            and self.asked == other.asked
            and self.narrowed == other.narrowed)
        )

    def __hash__(self) -> int:
        if self._hash is None:
            narrowed = frozenset(self.narrowed.items()) if self.narrowed else None
            self._hash = hash((self.unset, self.asked, narrowed))
        return self._hash


class ValueModel:
    """The tracked names of a flow and the operations on their cases."""

    def __init__(self, graph: FlowGraph, symbols: Symbols, parse: dict[str, Expr]) -> None:
        self.graph = graph
        self.symbols = symbols
        self.parse = parse
        self.tracked: dict[str, int] = {}
        self.domains: list[frozenset[Value]] = []
        self.optional: list[bool] = []
        for expr in parse.values():
            for name in unique_names(expr):
                symbol = symbols.resolve(name)
                if symbol is None or name in self.tracked or not symbol.recorded:
                    continue
                if symbol.type == "yesno":
                    domain: frozenset[Value] = frozenset((True, False))
                elif symbol.type == "choice":
                    domain = frozenset(symbol.option_keys)
                else:
                    continue
                self.tracked[name] = len(self.domains)
                self.domains.append(domain)
                self.optional.append(not symbol.required)
        self.all_bits = (1 << len(self.domains)) - 1
        self.initial = VState(self.all_bits, 0)
        self.live = self._liveness()
        self._outcomes: dict[tuple[VState, int], set[bool | None]] = {}
        self._edges: dict[tuple[str, VState], list[VState | None]] = {}
        self._through: dict[tuple[str, VState], VState] = {}

    # -- reading a case --------------------------------------------------------------

    def value_set(self, state: VState, name: str) -> frozenset[Value] | None:
        i = self.tracked.get(name)
        if i is None:
            return None
        bit = 1 << i
        values: set[Value] = set()
        if state.unset & bit:
            values.add(None)
        if state.asked & bit:
            values |= state.narrowed.get(i, self.domains[i])
        return frozenset(values)

    def space(self, states: Sequence[VState]) -> Space:
        """What conditions can see in any of these cases."""
        return Space(self.symbols, [self._sets(state) for state in states])

    def _sets(self, state: VState) -> Callable[[str], frozenset[Value] | None]:
        return lambda name: self.value_set(state, name)

    def outcomes(self, state: VState, expr: Expr) -> set[bool | None]:
        """The results a condition can have in this case (remembered)."""
        key = (state, id(expr))  # the conditions live as long as this model
        found = self._outcomes.get(key)
        if found is None:
            found = self._outcomes[key] = self.space([state]).outcomes(expr)
        return found

    def covers(self, big: VState, small: VState) -> bool:
        """Whether every value `small` allows, `big` allows too."""
        if small.unset & ~big.unset or small.asked & ~big.asked:
            return False
        for i, values in big.narrowed.items():
            if small.asked >> i & 1 and not small.narrowed.get(i, self.domains[i]) <= values:
                return False
        return True

    # -- changing a case ---------------------------------------------------------------

    def through_node(self, node_id: str, state: VState) -> VState:
        """The case after all steps of a node (remembered)."""
        if not self.tracked:
            return state
        key = (node_id, state)
        found = self._through.get(key)
        if found is None:
            found = self._through[key] = self.through_steps(self.graph.flow.nodes[node_id].steps, state)
        return found

    def through_steps(self, steps: Sequence[object], state: VState) -> VState:
        """The case after these steps."""
        if not self.tracked:
            return state
        for step in steps:
            state = self.after(step, state)
        return state

    def after(self, step: object, state: VState) -> VState:
        """The case after one step (an ask records a value)."""
        if not isinstance(step, AskStep):
            return state
        i = self.tracked.get(step.ask)
        if i is None:
            return state
        runs: set[bool | None] = {True}
        if step.when is not None:
            runs = self.outcomes(state, self.parse[step.when])
        if runs == {False} or not runs:
            return state
        return self.asked(state, i, certain=runs == {True})

    def asked(self, state: VState, i: int, *, certain: bool) -> VState:
        bit = 1 << i
        unset = state.unset
        if certain and not self.optional[i]:
            unset &= ~bit
        elif self.optional[i]:
            unset |= bit
        narrowed = state.narrowed
        if i in narrowed:
            narrowed = {k: v for k, v in narrowed.items() if k != i}
        return VState(unset, state.asked | bit, narrowed)

    def narrow(self, state: VState, updates: dict[int, frozenset[Value]]) -> VState:
        unset, asked = state.unset, state.asked
        narrowed = dict(state.narrowed)
        for i, values in updates.items():
            bit = 1 << i
            unset = unset | bit if None in values else unset & ~bit
            chosen = frozenset(v for v in values if v is not None)
            asked = asked | bit if chosen else asked & ~bit
            narrowed.pop(i, None)
            if chosen and chosen != self.domains[i]:
                narrowed[i] = chosen
        while len(narrowed) > MAX_NARROWED:
            del narrowed[next(iter(narrowed))]
        return VState(unset, asked, narrowed)

    def join(self, a: VState, b: VState) -> VState:
        if a == b:
            return a
        narrowed: dict[int, frozenset[Value]] = {}
        for i in set(a.narrowed) | set(b.narrowed):
            bit = 1 << i
            union: set[Value] = set()
            for side in (a, b):
                if side.asked & bit:
                    union |= side.narrowed.get(i, self.domains[i])
            if union != self.domains[i]:
                narrowed[i] = frozenset(union)
        return VState(a.unset | b.unset, a.asked | b.asked, narrowed)

    def forget(self, state: VState, live: int) -> VState:
        """Widen the names no condition reads any more to "anything"."""
        dead = self.all_bits & ~live
        narrowed = state.narrowed
        dead_narrowed = [i for i in narrowed if dead >> i & 1] if narrowed else []
        if state.unset & dead == dead and state.asked & dead == dead and not dead_narrowed:
            return state
        if dead_narrowed:
            narrowed = {i: v for i, v in narrowed.items() if not dead >> i & 1}
        return VState(state.unset | dead, state.asked | dead, narrowed)

    def edges(self, node_id: str, state: VState) -> list[VState | None]:
        """The case along each edge out of a node; None where no value takes it (remembered)."""
        key = (node_id, state)
        found = self._edges.get(key)
        if found is None:
            node = self.graph.flow.nodes[node_id]
            edges = self.graph.out[node_id]
            ways = [e for e in edges if e.way != "limit"]
            found = self._edges_of(node, ways, state)
            if len(ways) != len(edges):  # a limit's edge carries the case as it is
                by_way = iter(found)
                found = [state if e.way == "limit" else next(by_way) for e in edges]
            self._edges[key] = found
        return found

    def _edges_of(self, node: Node, edges: list[Edge], state: VState) -> list[VState | None]:
        if not self.tracked:
            return [state] * len(edges)
        if node.choose is not None:
            i = self.tracked.get(node.choose.id)
            if i is None:
                return [state] * len(edges)
            return [self.narrow(state, {i: frozenset((option.key,))}) for option in node.choose.options]
        if node.routes is not None:
            return self._routes(edges, state)
        return [state] * len(edges)

    def _routes(self, edges: list[Edge], state: VState) -> list[VState | None]:
        conditions = [self.parse[e.label] if not e.is_else and e.label is not None else None for e in edges]
        names = list(dict.fromkeys(n for c in conditions if c is not None for n in unique_names(c)))
        space = self.space([state])
        assignments = space.assignments(names)
        if assignments is None:
            return [state] * len(edges)
        kept: list[list[dict[str, Value]]] = [[] for _ in edges]
        for assignment in assignments:
            lookup = space.lookup(assignment)
            holds_before = False
            for k, condition in enumerate(conditions):
                if condition is None:  # else: taken when nothing above held
                    if not holds_before:
                        kept[k].append(assignment)
                    break
                result = evaluate3(condition, lookup)
                if result is not False and not holds_before:
                    kept[k].append(assignment)
                if result is True:
                    holds_before = True
        tracked_names = [n for n in names if n in self.tracked]
        out: list[VState | None] = []
        for taken in kept:
            if not taken:
                out.append(None)
            elif tracked_names:
                updates = {self.tracked[n]: frozenset(a[n] for a in taken) for n in tracked_names}
                out.append(self.narrow(state, updates))
            else:
                out.append(state)
        return out

    # -- liveness ----------------------------------------------------------------------

    def _liveness(self) -> dict[str, int]:
        """Per node, the tracked names some condition may still read from its start on."""
        nodes = self.graph.flow.nodes
        if not self.tracked:
            return dict.fromkeys(nodes, 0)
        uses: dict[str, int] = {}
        kills: dict[str, int] = {}
        for node_id, node in nodes.items():
            use = kill = 0
            for step in node.steps:
                if step.when is not None:
                    use |= self._bits(self.parse[step.when]) & ~kill
                if isinstance(step, AskStep) and step.when is None and step.ask in self.tracked:
                    kill |= 1 << self.tracked[step.ask]
            for route in node.routes or ():
                condition = getattr(route, "if_", None)
                if condition is not None:
                    use |= self._bits(self.parse[condition]) & ~kill
            if node.choose is not None and node.choose.id in self.tracked:
                kill |= 1 << self.tracked[node.choose.id]
            uses[node_id], kills[node_id] = use, kill
        live = dict(uses)
        order = list(nodes)
        changed = True
        while changed:
            changed = False
            for node_id in reversed(order):
                out = 0
                for successor in self.graph.successors(node_id):
                    out |= live[successor]
                new = uses[node_id] | (out & ~kills[node_id])
                if new != live[node_id]:
                    live[node_id] = new
                    changed = True
        return live

    def _bits(self, expr: Expr) -> int:
        bits = 0
        for name in unique_names(expr):
            i = self.tracked.get(name)
            if i is not None:
                bits |= 1 << i
        return bits
