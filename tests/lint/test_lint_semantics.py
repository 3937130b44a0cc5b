"""What lint decides about a condition is what the engine computes: for random
conditions over fields of every type (arithmetic, functions, ordered choices,
dates, `in` lists, visit counts) and random answers the field types allow,
lint's function "the condition holds" (callflow.lint.tables), at the regions
and options those answers fall in, is true only where the engine says true
and false only where it says false. Evaluation itself never raises on such
answers but for its two refusals (a division by 0, a value beyond what
callflow carries)."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callflow.flow.evaluate import Environment, EvaluationError, Value, holds
from callflow.flow.expressions import Expr, ExpressionError, parse_expression
from callflow.flow.index import FlowIndex
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.loader import validate_data
from callflow.flow.model import Flow
from callflow.flow.positions import PositionIndex
from callflow.lint.bdd import FALSE, TRUE
from callflow.lint.context import LintContext
from callflow.lint.encoding import Var
from callflow.lint.outcomes import NONE, Exact, Num, Text

FIELDS: dict[str, Any] = {
    "n": {"type": "number", "prompt": "N", "min": "0", "max": "10"},
    "d": {"type": "number", "prompt": "D", "decimals": 1, "min": "-5", "max": "5"},
    "m": {"type": "money", "prompt": "M", "max": "100"},
    "b": {"type": "yesno", "prompt": "B", "required": False},
    "c": {"type": "choice", "prompt": "C", "ordered": True, "options": [{"label": x} for x in ("small", "medium", "large")]},
    "t": {"prompt": "T", "required": False},
    "dt": {"type": "date", "prompt": "Day"},
}
NUMBERS = ["n", "d", "m", "visits('A')", "2", "0", "3.5", "10%", "catalog.P.price", "rate"]
LITERALS = ["0", "1", "2", "3", "2.5", "-1", "10", "50", "0.1"]

numbers = st.recursive(
    st.sampled_from(NUMBERS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        inner.map(lambda e: f"round({e})"),
        inner.map(lambda e: f"abs({e})"),
        inner.map(lambda e: f"-{e}"),
    ),
    max_leaves=4,
)
comparisons = st.one_of(
    st.tuples(numbers, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), st.sampled_from(LITERALS)).map(" ".join),
    st.tuples(numbers, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numbers).map(" ".join),
    st.sampled_from(
        [
            "b", "not b", "b == yes", "b != no", "c == 'medium'", "c > 'small'", "c <= 'medium'", "c in ['small', 'large']",
            "c not in ['small']", "t == 'x'", "t != 'x'", "t", "t in ['x', 'y']", "dt < '2026-06-01'",
            "dt >= '2026-01-15'", "dt == '2026-03-03'", "n in [1, 2, 3]", "n not in [0]", "visits('A') >= 2",
        ]
    ),
)
conditions = st.recursive(
    comparisons,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda e: f"not ({e})"),
    ),
    max_leaves=4,
)

values = st.fixed_dictionaries(
    {
        "n": st.integers(0, 10).map(Decimal),
        "d": st.integers(-50, 50).map(lambda k: Decimal(k) / 10),
        "m": st.integers(0, 10000).map(lambda k: Decimal(k) / 100),
        "b": st.sampled_from([True, False, None]),
        "c": st.sampled_from(["small", "medium", "large"]),
        "t": st.sampled_from(["x", "y", "zzz", None]),
        "dt": st.dates(date(2025, 11, 1), date(2026, 8, 1)).map(date.isoformat),
        "visits": st.integers(0, 5),
    }
)


class Answers(Environment):
    """The engine's view of the answers (callflow.call.engine.Session does the same)."""

    def __init__(self, answers: dict[str, Any], flow: Flow) -> None:
        self.answers = answers
        self.flow = flow
        self.index = FlowIndex.build(flow)

    def is_money(self, expr: Expr) -> bool:
        return self.index.type_of(expr).kind == "money"

    def value(self, name: str) -> Value:
        if name == "catalog.P.price":
            return Decimal("12.50")
        if name == "rate":
            return Decimal("95.00")
        return self.answers.get(name)  # type: ignore[no-any-return]

    def visits(self, node_id: str) -> int:
        return int(self.answers["visits"]) if node_id == "A" else 0

    def position(self, name: str, value: object) -> int | None:
        if name != "c":
            return None
        keys = ["small", "medium", "large"]
        return keys.index(value) if value in keys else None  # type: ignore[arg-type]


def flow_with(condition: str) -> Flow:
    data = {
        "id": "semantics",
        "title": "Semantics",
        "start": "A",
        "constants": {"rate": {"money": "95.00"}},
        "catalog": {"P": {"name": "P", "price": "12.50"}},
        "fields": FIELDS,
        "nodes": {"A": {"steps": [{"ask": f} for f in FIELDS] + [{"say": "Yes.", "when": condition}], "next": "A"}},
    }
    return validate_data(Flow, data, "", "semantics.yaml")


def index_of(var: Var, value: object) -> int | None:
    for k, outcome in enumerate(var.values):
        if value is None:
            if outcome == NONE:
                return k
        elif isinstance(outcome, Num):
            number = Decimal(date.fromisoformat(value).toordinal()) if outcome.kind == "d" else value
            if isinstance(number, Decimal) and not isinstance(value, bool) and outcome.interval.contains(number):
                return k
        elif (isinstance(outcome, Exact) and outcome.value == value and type(outcome.value) is type(value)) or (isinstance(outcome, Text) and isinstance(value, str) and value not in outcome.excluded):
            return k
    return None


@settings(max_examples=int(__import__("os").environ.get("SEM_EXAMPLES", "400")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(conditions, values)
def test_lint_decides_a_condition_only_as_the_engine_computes_it(condition: str, answers: dict[str, Any]) -> None:
    try:
        expr = parse_expression(condition)
    except ExpressionError:
        return
    flow = flow_with(condition)
    paths = LintContext(LoadedFlow(flow, "semantics.yaml", "", PositionIndex("", "semantics.yaml"))).paths
    try:
        engine = holds(expr, Answers(answers, flow))
    except EvaluationError:
        return  # a division by 0: the answer is refused, nothing holds or fails
    bdd, enc = paths.bdd, paths.enc
    truth = paths.tables.truth(expr)
    ones = zeros = 0
    for key, var in enc.vars.items():
        if var is None or key.startswith(("expr:", "rel:", "truthy:", "defined:", "cmp", "in:")):
            continue
        value = Decimal(answers["visits"]) if key == "visits:A" else answers.get(key)
        if var.recorded is not None:
            ones |= 1 << var.recorded
        k = index_of(var, value)
        assert k is not None, (key, value, var.values)
        o, z = var.code(k)
        ones, zeros = ones | o, zeros | z
    with paths.in_deep():
        decided = bdd.restrict(truth, ones, zeros)
    if decided == TRUE:
        assert engine is True, (condition, answers)
    if decided == FALSE:
        assert engine is False, (condition, answers)


@settings(max_examples=300, deadline=None)
@given(numbers, values)
def test_evaluation_never_raises_on_values_the_field_types_allow(expression: str, answers: dict[str, Any]) -> None:
    expr = parse_expression(expression)
    env = Answers(answers, flow_with("n > 0"))
    # The two refusals (EvaluationError) the engine turns into "that answer cannot be taken".
    with contextlib.suppress(EvaluationError):
        holds(expr, env)
