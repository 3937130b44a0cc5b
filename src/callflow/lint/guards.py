"""Facts that hold only under conditions: "known when phone_answered".

A step with `when:` may not run, so what it records is known only under its
condition. Such a fact carries guards: a disjunction of conjunctions of
condition literals (`member_plan == 'help_desk'`, `not chat_response`). A
later step with the same condition, or a set of guards that together cover
every possible value (`help_desk` or `remote_access` where nothing else can
reach), still finds the fact known; `holds` decides that by trying each value
the tracked names can have and each truth value of the other literals.

Guards are capped in number; dropping one only makes lint more careful.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from callflow.flow.expressions import BoolOp, Expr, Not
from callflow.lint.evaluation import Space, evaluate3, unique_names

Lit = tuple[Expr, bool]  # a condition and whether it holds or is negated
Guard = frozenset[Lit]  # all of these
DNF = frozenset[Guard]  # any of these

TRUE: DNF = frozenset((frozenset(),))
FALSE: DNF = frozenset()
MAX_GUARDS = 8
MAX_UNDECIDED = 8


def conjuncts(expr: Expr) -> Guard:
    """The literals a condition's top-level `and` joins, compared by meaning
    (`a > 0 and b` and `b and a > 0` give the same literals)."""
    entry = _CONJUNCTS.get(id(expr))  # by identity; the entry keeps expr alive
    if entry is None or entry[0] is not expr:
        plain = expr  # expressions compare by meaning, wherever their parts stand
        parts = plain.operands if isinstance(plain, BoolOp) and plain.op == "and" else (plain,)
        entry = _CONJUNCTS[id(expr)] = (expr, frozenset((p.operand, False) if isinstance(p, Not) else (p, True) for p in parts))
    return entry[1]


_CONJUNCTS: dict[int, tuple[Expr, Guard]] = {}


def negation(guard: Guard) -> DNF:
    """not (a and b) == (not a) or (not b)."""
    return _simplify(frozenset(((expr, not positive),)) for expr, positive in guard)


def either(a: DNF, b: DNF) -> DNF:
    return _simplify(a | b)


def both(a: DNF, b: DNF) -> DNF:
    if a == TRUE:
        return b
    if b == TRUE:
        return a
    return _simplify(g | h for g in a for h in b)


def without(dnf: DNF, changed: frozenset[str], names_of: Callable[[Expr], frozenset[str]]) -> DNF:
    """Forget the guards that read a name whose value has just changed."""
    kept = frozenset(g for g in dnf if not any(names_of(expr) & changed for expr, _ in g))
    return kept if len(kept) != len(dnf) else dnf


def holds(dnf: DNF, assume: Guard, space: Space) -> bool:
    """Whether the fact holds whenever `assume` holds, for every possible value."""
    if frozenset() in dnf:
        return True
    if not dnf:
        return False
    atoms = list(dict.fromkeys(expr for guard in (*dnf, assume) for expr, _ in guard))
    names = list(dict.fromkeys(name for atom in atoms for name in unique_names(atom)))
    assignments = space.assignments(names)
    if assignments is None:
        return False
    for assignment in assignments:
        lookup = space.lookup(assignment)
        truth = {atom: evaluate3(atom, lookup) for atom in atoms}
        undecided = [atom for atom, value in truth.items() if value is None]
        if len(undecided) > MAX_UNDECIDED:
            return False
        for values in itertools.product((True, False), repeat=len(undecided)):
            truth.update(zip(undecided, values, strict=True))
            if not all(truth[expr] is positive for expr, positive in assume):
                continue
            if not any(all(truth[expr] is positive for expr, positive in guard) for guard in dnf):
                return False
    return True


def _simplify(guards: Iterable[Guard]) -> DNF:
    kept: list[Guard] = []
    for guard in sorted(set(guards), key=lambda g: (len(g), repr(sorted(map(repr, g))))):
        if any((expr, not positive) in guard for expr, positive in guard):
            continue  # a and not a: never
        if any(k <= guard for k in kept):
            continue  # implied by a shorter guard
        if not guard:
            return TRUE
        kept.append(guard)
    return frozenset(kept[:MAX_GUARDS])
