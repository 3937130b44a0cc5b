"""The parts of the path analysis on their own: the decision diagrams, the
states, the regions of numbers, and what keeps the states small."""

from __future__ import annotations

import itertools
import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from callflow.flow.loadedflow import load_flow
from callflow.lint import regions
from callflow.lint.bdd import BDD, FALSE, TRUE
from callflow.lint.context import LintContext
from callflow.lint.regions import Interval
from callflow.lint.states import NOWHERE, States

ROOT = Path(__file__).resolve().parents[2]
VARS = 4


def truth_table(bdd: BDD, node: int) -> tuple[bool, ...]:
    rows = []
    for values in itertools.product((False, True), repeat=VARS):
        ones = sum(1 << v for v in range(VARS) if values[v])
        zeros = sum(1 << v for v in range(VARS) if not values[v])
        rows.append(bdd.restrict(node, ones, zeros) == TRUE)
    return tuple(rows)


formulas = st.recursive(
    st.integers(0, VARS - 1).map(lambda v: ("var", v)) | st.sampled_from([("const", True), ("const", False)]),
    lambda inner: st.tuples(st.sampled_from(["and", "or"]), inner, inner) | st.tuples(st.just("not"), inner),
    max_leaves=12,
)


def build(bdd: BDD, f: tuple[object, ...]) -> int:
    if f[0] == "var":
        return bdd.literal(int(f[1]))  # type: ignore[call-overload]
    if f[0] == "const":
        return TRUE if f[1] else FALSE
    if f[0] == "not":
        return bdd.not_(build(bdd, f[1]))  # type: ignore[arg-type]
    a, b = build(bdd, f[1]), build(bdd, f[2])  # type: ignore[arg-type]
    return bdd.and_(a, b) if f[0] == "and" else bdd.or_(a, b)


def evaluate(f: tuple[object, ...], values: tuple[bool, ...]) -> bool:
    if f[0] == "var":
        return values[int(f[1])]  # type: ignore[call-overload]
    if f[0] == "const":
        return bool(f[1])
    if f[0] == "not":
        return not evaluate(f[1], values)  # type: ignore[arg-type]
    a, b = evaluate(f[1], values), evaluate(f[2], values)  # type: ignore[arg-type]
    return a and b if f[0] == "and" else a or b


@settings(max_examples=200, deadline=None)
@given(formulas, formulas)
def test_the_diagram_is_canonical_and_its_operations_are_right(f: tuple[object, ...], g: tuple[object, ...]) -> None:
    bdd = BDD()
    a, b = build(bdd, f), build(bdd, g)
    rows = list(itertools.product((False, True), repeat=VARS))
    assert truth_table(bdd, a) == tuple(evaluate(f, r) for r in rows)
    # Equal functions are equal nodes.
    assert (a == b) == (truth_table(bdd, a) == truth_table(bdd, b))
    assert bdd.meets(a, b) == any(evaluate(f, r) and evaluate(g, r) for r in rows)
    quantified = bdd.exists(a, 1 << 0)
    assert truth_table(bdd, quantified) == tuple(evaluate(f, (False, *r[1:])) or evaluate(f, (True, *r[1:])) for r in rows)
    if a != FALSE:
        ones, zeros = bdd.forced(a)
        for v in range(VARS):
            solutions = [r for r in rows if evaluate(f, r)]
            assert bool(ones >> v & 1) == all(r[v] for r in solutions)
            assert bool(zeros >> v & 1) == all(not r[v] for r in solutions)


@settings(max_examples=200, deadline=None)
@given(formulas, formulas)
def test_states_keep_what_is_certain_in_masks_and_stay_canonical(f: tuple[object, ...], g: tuple[object, ...]) -> None:
    bdd = BDD()
    states = States(bdd)
    a = states.conj((0, 0, TRUE), build(bdd, f))
    b = states.conj((0, 0, TRUE), build(bdd, g))
    for state in (a, b, states.disj(a, b)):
        if state == NOWHERE:
            continue
        assert not (state[0] & state[1])
        assert bdd.forced(state[2]) == (0, 0) if state[2] != FALSE else True
    joined = states.function(states.disj(a, b))
    assert joined == bdd.or_(states.function(a), states.function(b))


def test_regions_on_a_grid_drop_what_holds_no_value() -> None:
    whole = regions.regions([Decimal(2), Decimal(3)], Interval(Decimal(0), True, Decimal(6), True), Decimal(1))
    assert [(r.lo, r.hi) for r in whole] == [(0, 1), (2, 2), (3, 3), (4, 6)]
    cents = regions.regions([Decimal("0.5")], Interval(Decimal(0), True, regions.INF, False), Decimal("0.01"))
    assert [(r.lo, r.hi) for r in cents] == [(0, Decimal("0.49")), (Decimal("0.5"), Decimal("0.5")), (Decimal("0.51"), regions.INF)]
    assert regions.decide(">", whole[3], regions.point(Decimal(3))) is True
    assert regions.decide("==", whole[0], regions.point(Decimal(1))) is None


def test_a_value_read_on_one_branch_only_is_not_carried_through_the_rest_of_the_flow(tmp_path: Path) -> None:
    # The benchmark's pattern: each block asks an amount and computes a fee on
    # one branch and says them only on that branch. Were they carried on, with
    # what they correlate with, the states would grow with every block.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_lint import generate_flow

    text, _ = generate_flow(800)
    path = tmp_path / "generated.yaml"
    path.write_text(text, encoding="utf-8")
    paths = LintContext(load_flow(str(path), cache=False)).paths
    assert paths.findings == []
    biggest = max(_size(paths.bdd, state[2]) for state in paths.node_in.values())
    assert biggest <= 8


def _size(bdd: BDD, node: int) -> int:
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n < 2 or n in seen:
            continue
        seen.add(n)
        stack += [bdd.lo[n], bdd.hi[n]]
    return len(seen)
