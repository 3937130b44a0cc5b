"""Which of the analysis's variables some later step may still read, node by node.

Forgetting what no later step reads keeps the analysis's states small (two
branches that differ only in a forgotten answer are one state). Reads are
followed backwards with the condition under which they happen, over the
state where they are followed to: `{fee}` said under `when: choice == 'no'`
is read after a node only where that node leaves with `choice == 'no'`; back
through the `choose` that picks "yes" on the way there, the condition is
false, and `fee` is not read after that way at all. So a value asked on one
branch and read only on that branch is not carried, with all it correlates
with, through the rest of the flow. A condition on what a step changes is
widened to "whatever it was" (it may read anything), so every read that can
happen is kept: forgetting is never wrong, only less of it is done.
"""

from __future__ import annotations

from collections.abc import Callable

from callflow.lint.bdd import BDD, FALSE, TRUE
from callflow.lint.program import Program

Live = tuple[int, dict[int, int]]  # (bits read whatever the state, bit -> where it is read)
NOTHING: Live = (0, {})


class Liveness:
    def __init__(
        self,
        bdd: BDD,
        programs: dict[str, Program],
        successors: dict[str, list[tuple[str, int]]],  # (target, edge index in the program)
        step_reads: Callable[[str, int], tuple[int, int, int]],  # (its when, what the when reads, what it reads when it runs)
        step_counts: dict[str, int],
        forgettable: int,
    ) -> None:
        self.bdd = bdd
        self.programs = programs
        self.successors = successors
        self.forgettable = forgettable
        self.reads = {n: [step_reads(n, i) for i in range(step_counts[n])] for n in programs}
        self._way_cache: dict[str, list[tuple[str, str, tuple[int, ...]]]] = {}
        self._route_reads: dict[str, int] = {}

    def solve(self, parts: list[list[str]], position: dict[str, int]) -> dict[str, int]:
        """Per node, the forgettable bits some later step may read (from the node's start).
        `parts` are the graph's strongly connected parts in topological order: each is
        solved after every part it leads to, once unless it is a loop."""
        live: dict[str, Live] = {}
        for part in reversed(parts):
            members = sorted(part, key=position.__getitem__, reverse=True)
            looping = len(members) > 1 or any(t == members[0] for t, _ in self.successors[members[0]])
            for node_id in members:
                live[node_id] = NOTHING
            changed = True
            while changed:
                changed = False
                for node_id in members:
                    new = self._node(node_id, live)
                    if new != live[node_id]:
                        live[node_id] = new
                        changed = looping
        found: dict[str, int] = {}
        for node_id, (always, guarded) in live.items():
            mask = always
            for bit, guard in guarded.items():
                if guard != FALSE:
                    mask |= 1 << bit
            found[node_id] = mask & self.forgettable
        return found

    # -- one node, backwards ---------------------------------------------------------------

    def _node(self, node_id: str, live: dict[str, Live]) -> Live:
        program = self.programs[node_id]
        bdd = self.bdd
        always, guarded = self._exit(program, node_id, live)
        ops = {op.at: op for op in program.ops}
        step_reads = self.reads[node_id]
        for i in range(len(step_reads) - 1, -1, -1):
            op = ops.get(i)
            when, when_reads, reads = step_reads[i]
            if op is not None and op.writes:
                if op.when == TRUE:
                    always &= ~op.writes
                    guarded = {b: g for b, g in guarded.items() if not op.writes >> b & 1}
                guarded = self._widen(guarded, op.writes)
            if op is not None:
                reads |= op.reads & ~when_reads
            always |= when_reads
            if when == TRUE:
                always |= reads
            else:
                guarded = self._add(guarded, reads & ~always, when)
        counter = program.counter
        if counter is not None:
            guarded = self._widen(guarded, counter.mask)
            always |= counter.mask
        if program.limit is not None:
            limit_target = next((t for t, k in self.successors[node_id] if program.edges[k][0] == "limit"), None)
            if limit_target is not None:
                t_always, t_guarded = live.get(limit_target, NOTHING)
                guarded = self._add(guarded, t_always & ~always, program.limit)
                for bit, g in t_guarded.items():
                    if not always >> bit & 1:
                        guarded = self._add(guarded, 1 << bit, bdd.and_(g, program.limit))
        guarded = {b: g for b, g in guarded.items() if g != FALSE and not always >> b & 1}
        return always & self.forgettable, {b: g for b, g in guarded.items() if self.forgettable >> b & 1}

    def _ways(self, node_id: str) -> list[tuple[str, str, tuple[int, ...]]]:
        """The node's ways on, one per target: (kind, target, what the way needs), remembered.
        Routes to one target are one way, taken where any of them is (everywhere: TRUE)."""
        found = self._way_cache.get(node_id)
        if found is not None:
            return found
        bdd = self.bdd
        edges = self.programs[node_id].edges
        found = []
        rest = TRUE
        routed: dict[str, int] = {}
        targets = {t for t, k in self.successors[node_id] if edges[k][0] in ("route", "else")}
        if len(targets) == 1 and any(e[0] == "else" for e in edges):
            # Every route leads to one node: it is taken wherever the node is left.
            found = [("next" if edges[k][0] in ("route", "else") else edges[k][0], t, edges[k][1:]) for t, k in self.successors[node_id] if edges[k][0] != "limit"]
            found = list({(kind, t): (kind, t, need) for kind, t, need in found}.values())
            self._way_cache[node_id] = found
            return found
        for target, k in self.successors[node_id]:
            edge = edges[k]
            if edge[0] == "next":
                found.append(("next", target, ()))
            elif edge[0] == "choose":
                found.append(("choose", target, edge[1:]))
            elif edge[0] in ("route", "else"):
                taken = bdd.and_(rest, edge[1]) if edge[0] == "route" else rest
                if edge[0] == "route":
                    rest = bdd.and_(rest, bdd.not_(edge[1]))
                routed[target] = bdd.or_(routed.get(target, FALSE), taken)
        everywhere = bdd.not_(rest) if rest != TRUE else FALSE
        for target, taken in routed.items():
            found.append(("route", target, (TRUE if taken in (everywhere, TRUE) else taken,)))
        self._way_cache[node_id] = found
        return found

    def _exit(self, program: Program, node_id: str, live: dict[str, Live]) -> Live:
        """What is read after the node's steps: along each way on, where that way is taken."""
        bdd = self.bdd
        always = self._route_reads.get(node_id)
        if always is None:
            always = self._route_reads[node_id] = sum_support(bdd, [e[1] for e in program.edges if e[0] == "route"])
        guarded: dict[int, int] = {}
        for kind, target, need in self._ways(node_id):
            t_always, t_guarded = live.get(target, NOTHING)
            if kind == "choose":
                forget, ones, zeros = need
                written = forget | ones | zeros
                always |= t_always & ~written
                for bit, g in t_guarded.items():
                    if not written >> bit & 1:
                        g = bdd.exists(bdd.restrict(g, ones, zeros), forget)
                        guarded = self._add(guarded, 1 << bit, g)
                continue
            condition = TRUE if kind == "next" else need[0]
            if condition == TRUE:
                always |= t_always
            else:
                guarded = self._add(guarded, t_always, condition)
            for bit, g in t_guarded.items():
                guarded = self._add(guarded, 1 << bit, g if condition == TRUE else bdd.and_(g, condition))
        return always, guarded

    def _add(self, guarded: dict[int, int], bits: int, guard: int) -> dict[int, int]:
        """`guarded` (the caller's own) with these bits read where `guard` holds too."""
        if not bits or guard == FALSE:
            return guarded
        or_ = self.bdd.or_
        while bits:
            bit = bits.bit_length() - 1
            bits &= ~(1 << bit)
            guarded[bit] = or_(guarded.get(bit, FALSE), guard)
        return guarded

    def _widen(self, guarded: dict[int, int], written: int) -> dict[int, int]:
        """Conditions on what a step writes, as conditions on the state before it (whatever it was)."""
        if not guarded:
            return guarded
        bdd = self.bdd
        return {b: (bdd.exists(g, written) if g >= 2 and _touches(bdd, g, written) else g) for b, g in guarded.items()}


def sum_support(bdd: BDD, nodes: list[int]) -> int:
    mask = 0
    for n in nodes:
        if n >= 2:
            mask |= bdd.support(n)
    return mask


def _touches(bdd: BDD, node: int, mask: int) -> bool:
    """Whether a function reads any variable of `mask`."""
    return any(mask >> v & 1 for v in bdd.support_vars(node))
