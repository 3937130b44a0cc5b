"""A small reduced ordered binary decision diagram (ROBDD) for the path analysis.

A Boolean function over numbered variables is a node id: 0 is false, 1 is
true, and every other id is a triple (variable, low child, high child) kept
once in a unique table, so two ids are equal exactly when their functions
are. Variable 0 is tested first (nearest the root). Conjunction,
disjunction, negation and the "is there a common solution" test remember
their results for the life of the diagram; quantification and cofactors
remember theirs for one call. Sets of variables are ints used as bit masks.

Operations recurse once per variable level; the analysis raises the
interpreter's recursion limit to the number of variables it allocates
(callflow.lint.analysis), which costs nothing in Python 3.11, where calls
between Python functions use no C stack.
"""

from __future__ import annotations

FALSE = 0
TRUE = 1
LEAF = 1 << 40  # the variable of the two leaves: below every real variable


class TooLarge(Exception):
    """The diagram grew past its budget: an exact analysis of this flow would
    cost more time and memory than a lint may take."""


class BDD:
    """The nodes of every function built during one lint of one flow."""

    __slots__ = ("_and", "_meets", "_not", "_or", "_support", "_unique", "hi", "limit", "lo", "var")

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit  # the most nodes it may hold (None: no limit)
        self.var: list[int] = [LEAF, LEAF]
        self.lo: list[int] = [0, 1]
        self.hi: list[int] = [0, 1]
        # Keys are ints, cheaper to hash than tuples: (a << 32) | b for a pair of nodes.
        self._unique: dict[int, int] = {}
        self._and: dict[int, int] = {}
        self._or: dict[int, int] = {}
        self._not: dict[int, int] = {0: 1, 1: 0}
        self._meets: dict[int, bool] = {}
        self._support: dict[int, tuple[int, ...]] = {0: (), 1: ()}

    def __len__(self) -> int:
        return len(self.var)

    def node(self, v: int, lo: int, hi: int) -> int:
        if lo == hi:
            return lo
        key = (((v << 32) | lo) << 32) | hi
        found = self._unique.get(key)
        if found is None:
            found = len(self.var)
            if self.limit is not None and found >= self.limit:
                raise TooLarge(found)
            self.var.append(v)
            self.lo.append(lo)
            self.hi.append(hi)
            self._unique[key] = found
        return found

    def literal(self, v: int, value: bool = True) -> int:
        return self.node(v, 0, 1) if value else self.node(v, 1, 0)

    def cube(self, ones: int, zeros: int) -> int:
        """The conjunction of variables `ones` true and `zeros` false."""
        result = TRUE
        both = ones | zeros
        while both:
            v = both.bit_length() - 1
            both &= ~(1 << v)
            result = self.node(v, 0, result) if ones >> v & 1 else self.node(v, result, 0)
        return result

    # -- the Boolean operations -----------------------------------------------------

    def and_(self, a: int, b: int) -> int:
        if a == b or b == 1:
            return a
        if a < 2 or b < 2:
            return b if a == 1 else 0
        if a > b:
            a, b = b, a
        key = (a << 32) | b
        found = self._and.get(key)
        if found is not None:
            return found
        var, lo, hi = self.var, self.lo, self.hi
        va, vb = var[a], var[b]
        if va == vb:
            found = self.node(va, self.and_(lo[a], lo[b]), self.and_(hi[a], hi[b]))
        elif va < vb:
            found = self.node(va, self.and_(lo[a], b), self.and_(hi[a], b))
        else:
            found = self.node(vb, self.and_(a, lo[b]), self.and_(a, hi[b]))
        self._and[key] = found
        return found

    def or_(self, a: int, b: int) -> int:
        if a == b or b == 0:
            return a
        if a < 2 or b < 2:
            return b if a == 0 else 1
        if a > b:
            a, b = b, a
        key = (a << 32) | b
        found = self._or.get(key)
        if found is not None:
            return found
        var, lo, hi = self.var, self.lo, self.hi
        va, vb = var[a], var[b]
        if va == vb:
            found = self.node(va, self.or_(lo[a], lo[b]), self.or_(hi[a], hi[b]))
        elif va < vb:
            found = self.node(va, self.or_(lo[a], b), self.or_(hi[a], b))
        else:
            found = self.node(vb, self.or_(a, lo[b]), self.or_(a, hi[b]))
        self._or[key] = found
        return found

    def not_(self, a: int) -> int:
        found = self._not.get(a)
        if found is None:
            found = self.node(self.var[a], self.not_(self.lo[a]), self.not_(self.hi[a]))
            self._not[a] = found
            self._not[found] = a
        return found

    def and_all(self, nodes: list[int]) -> int:
        result = TRUE
        for n in nodes:
            result = self.and_(result, n)
            if result == FALSE:
                break
        return result

    def or_all(self, nodes: list[int]) -> int:
        result = FALSE
        for n in nodes:
            result = self.or_(result, n)
            if result == TRUE:
                break
        return result

    def meets(self, a: int, b: int) -> bool:
        """Whether a and b have a common solution (a and b is not false), without building it."""
        if a == 0 or b == 0:
            return False
        if a == 1 or b == 1 or a == b:
            return True
        if a > b:
            a, b = b, a
        key = (a << 32) | b
        found = self._meets.get(key)
        if found is not None:
            return found
        var, lo, hi = self.var, self.lo, self.hi
        va, vb = var[a], var[b]
        if va == vb:
            found = self.meets(lo[a], lo[b]) or self.meets(hi[a], hi[b])
        elif va < vb:
            found = self.meets(lo[a], b) or self.meets(hi[a], b)
        else:
            found = self.meets(a, lo[b]) or self.meets(a, hi[b])
        self._meets[key] = found
        return found

    # -- quantifiers and cofactors ----------------------------------------------------

    def exists(self, a: int, mask: int) -> int:
        """a with the variables of `mask` quantified away (there is some value)."""
        if a < 2 or not mask:
            return a
        return self._exists(a, mask, mask.bit_length(), {})

    def _exists(self, n: int, mask: int, top: int, memo: dict[int, int]) -> int:
        # A method, not a closure: a closure that calls itself is a reference cycle,
        # and a lint's diagram would then wait for the cycle collector to be freed.
        v = self.var[n]
        if v >= top:
            return n
        found = memo.get(n)
        if found is None:
            low = self._exists(self.lo[n], mask, top, memo)
            high = self._exists(self.hi[n], mask, top, memo)
            found = self.or_(low, high) if mask >> v & 1 else self.node(v, low, high)
            memo[n] = found
        return found

    def restrict(self, a: int, ones: int, zeros: int) -> int:
        """a with the variables of `ones` set true and of `zeros` set false."""
        both = ones | zeros
        if a < 2 or not both:
            return a
        return self._restrict(a, ones, zeros, both.bit_length(), {})

    def _restrict(self, n: int, ones: int, zeros: int, top: int, memo: dict[int, int]) -> int:
        v = self.var[n]
        if v >= top:
            return n
        found = memo.get(n)
        if found is None:
            if ones >> v & 1:
                found = self._restrict(self.hi[n], ones, zeros, top, memo)
            elif zeros >> v & 1:
                found = self._restrict(self.lo[n], ones, zeros, top, memo)
            else:
                low = self._restrict(self.lo[n], ones, zeros, top, memo)
                found = self.node(v, low, self._restrict(self.hi[n], ones, zeros, top, memo))
            memo[n] = found
        return found

    def forced(self, a: int) -> tuple[int, int]:
        """The variables every solution of a sets true, and those it sets false (a is not false)."""
        return self._forced(a, {1: (0, 0)})

    def _forced(self, a: int, memo: dict[int, tuple[int, int]]) -> tuple[int, int]:
        # Remembered for one call only: masks of far variables are large ints, and the
        # states this is asked of are small.
        found = memo.get(a)
        if found is None:
            v, low, high = self.var[a], self.lo[a], self.hi[a]
            if low == FALSE:
                ones, zeros = self._forced(high, memo)
                found = (ones | 1 << v, zeros)
            elif high == FALSE:
                ones, zeros = self._forced(low, memo)
                found = (ones, zeros | 1 << v)
            else:
                o1, z1 = self._forced(low, memo)
                o2, z2 = self._forced(high, memo)
                found = (o1 & o2, z1 & z2)
            memo[a] = found
        return found

    def support_vars(self, a: int) -> tuple[int, ...]:
        """The variables a depends on, in order (remembered: few for the conditions it is asked of)."""
        found = self._support.get(a)
        if found is None:
            below = set(self.support_vars(self.lo[a])) | set(self.support_vars(self.hi[a]))
            below.add(self.var[a])
            found = self._support[a] = tuple(sorted(below))
        return found

    def support(self, a: int) -> int:
        """The variables a depends on, as a mask."""
        mask = 0
        for v in self.support_vars(a):
            mask |= 1 << v
        return mask
