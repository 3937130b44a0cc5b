"""What can hold at one point of a flow: a set of assignments of the analysis's
variables, kept as (ones, zeros, node).

`ones` and `zeros` are the variables every assignment sets true or false
(bit masks); `node` is a BDD (callflow.lint.bdd) over the other variables,
one that forces none of them. Most facts are certain at most points (the
caller's name is recorded, a ticket is started), so most steps change only
the two masks, and the diagram holds what really depends on the way a call
went: which option was picked with what was asked after it. The form is
canonical: two states hold the same assignments exactly when they are equal
tuples, which is how the fixed point knows it is done.
"""

from __future__ import annotations

from callflow.lint.bdd import BDD, FALSE, TRUE

State = tuple[int, int, int]
NOWHERE: State = (0, 0, FALSE)  # no call gets here
ANYTHING: State = (0, 0, TRUE)


class States:
    """The operations on states, over one diagram."""

    __slots__ = ("_cofactors", "bdd")

    def __init__(self, bdd: BDD) -> None:
        self.bdd = bdd
        self._cofactors: dict[tuple[int, tuple[int, ...]], int] = {}

    def _settle(self, ones: int, zeros: int, node: int) -> State:
        """Move what `node` forces into the masks."""
        if node == FALSE:
            return NOWHERE
        if node == TRUE:
            return (ones, zeros, node)
        more_ones, more_zeros = self.bdd.forced(node)
        if more_ones or more_zeros:
            node = self.bdd.restrict(node, more_ones, more_zeros)
            return (ones | more_ones, zeros | more_zeros, node)
        return (ones, zeros, node)

    def cofactor(self, state: State, condition: int) -> int:
        """The condition with the state's certain variables put in."""
        if condition < 2:
            return condition
        variables = self.bdd.support_vars(condition)
        low = variables[0]
        # Keyed by what the state says of the condition's own variables (small), not by masks;
        # shifted once, so the bits are read off a short int (masks of a large flow are long).
        ones, zeros = state[0] >> low, state[1] >> low
        said = tuple((ones >> (v - low) & 1) | (zeros >> (v - low) & 1) << 1 for v in variables)
        if not any(said):
            return condition
        key = (condition, said)
        found = self._cofactors.get(key)
        if found is None:
            o = z = 0
            for v, what in zip(variables, said, strict=True):
                if what == 1:
                    o |= 1 << v
                elif what == 2:
                    z |= 1 << v
            found = self._cofactors[key] = self.bdd.restrict(condition, o, z)
        return found

    def conj(self, state: State, condition: int) -> State:
        """The assignments of the state where the condition holds."""
        if state[2] == FALSE or condition == TRUE:
            return state
        c = self.cofactor(state, condition)
        if c == TRUE:
            return state
        if c == FALSE:
            return NOWHERE
        return self._settle(state[0], state[1], self.bdd.and_(state[2], c))

    def meets(self, state: State, condition: int) -> bool:
        """Whether the condition holds in some assignment of the state."""
        if state[2] == FALSE:
            return False
        c = self.cofactor(state, condition)
        return c != FALSE and (c == TRUE or self.bdd.meets(state[2], c))

    def entails(self, state: State, condition: int) -> bool:
        """Whether the condition holds in every assignment of the state."""
        return not self.meets(state, self.bdd.not_(condition))

    def disj(self, a: State, b: State) -> State:
        """Where two ways meet: the assignments of either."""
        if a == b or b[2] == FALSE:
            return a
        if a[2] == FALSE:
            return b
        ones, zeros = a[0] & b[0], a[1] & b[1]
        bdd = self.bdd
        na, nb = a[2], b[2]
        if a[0] != ones or a[1] != zeros:
            na = bdd.and_(na, bdd.cube(a[0] & ~ones, a[1] & ~zeros))
        if b[0] != ones or b[1] != zeros:
            nb = bdd.and_(nb, bdd.cube(b[0] & ~ones, b[1] & ~zeros))
        return self._settle(ones, zeros, bdd.or_(na, nb))

    def exists(self, state: State, mask: int) -> State:
        """Forget the variables of `mask`: they may hold anything."""
        ones, zeros, node = state
        if node >= 2:
            node = self.bdd.exists(node, mask)
        if (ones | zeros) & mask:
            return (ones & ~mask, zeros & ~mask, node)
        return (ones, zeros, node)

    def assign(self, state: State, ones: int, zeros: int) -> State:
        """Set variables: `ones` true, `zeros` false, whatever they were."""
        if state[2] == FALSE:
            return state
        both = ones | zeros
        s_ones, s_zeros, node = state
        if node >= 2:
            node = self.bdd.exists(node, both)
        return ((s_ones & ~both) | ones, (s_zeros & ~both) | zeros, node)

    def assign_where(self, state: State, condition: int, ones: int, zeros: int) -> State:
        """Set the variables in the assignments where the condition holds; keep the others."""
        if condition == TRUE:
            return self.assign(state, ones, zeros)
        if condition == FALSE:
            return state
        return self.disj(self.assign(self.conj(state, condition), ones, zeros), self.conj(state, self.bdd.not_(condition)))

    def function(self, state: State) -> int:
        """The state as one BDD (for tests and messages; builds the masks in)."""
        if state[2] == FALSE:
            return FALSE
        return self.bdd.and_(state[2], self.bdd.cube(state[0], state[1]))
