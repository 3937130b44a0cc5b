"""Properties of the expression language over random expressions and values:
evaluating never raises on the values the field types allow (a division by
zero or a value beyond what callflow carries is an EvaluationError, the one
refusal a call acts on), and whatever the type checker calls well typed
evaluates to a value of the type it says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callflow.flow.evaluate import Environment, EvaluationError, Value, evaluate
from callflow.flow.expressions import ExpressionError, parse_expression
from callflow.flow.exprtypes import Checker
from callflow.flow.fields import ChoiceOption, InputField
from callflow.flow.model import Flow, Node
from callflow.flow.names import Symbols
from callflow.flow.scalars import MAX_AMOUNT

FIELDS = {
    "count": InputField(prompt="Count?", type="number"),
    "ratio": InputField(prompt="Ratio?", type="number", decimals=2),
    "amount": InputField(prompt="Amount?", type="money"),
    "worked": InputField(prompt="Worked?", type="duration"),
    "when": InputField(prompt="When?", type="date"),
    "ok": InputField(prompt="OK?", type="yesno"),
    "words": InputField(prompt="Words?"),
    "size": InputField(
        prompt="Size?",
        type="choice",
        ordered=True,
        options=[ChoiceOption(label="Small", value="s"), ChoiceOption(label="Large", value="l")],
    ),
}
FLOW = Flow(id="p", title="P", start="A", nodes={"A": Node(end="done")}, fields=FIELDS)
SYMBOLS = Symbols(FLOW)
CHECKER = Checker(SYMBOLS, {"A"})

whole = st.integers(min_value=0, max_value=10**12 - 1).map(Decimal)
cents = st.integers(min_value=0, max_value=99_999_999_999_999).map(lambda c: Decimal(c) / 100)
VALUES: dict[str, st.SearchStrategy[Value]] = {
    "count": whole,
    "ratio": st.integers(min_value=0, max_value=10**8).map(lambda c: Decimal(c) / 100),
    "amount": cents,
    "worked": st.integers(min_value=0, max_value=527_040).map(Decimal),
    "when": st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)).map(date.isoformat),
    "ok": st.booleans(),
    "words": st.text(max_size=20),
    "size": st.sampled_from(["s", "l"]),
}

OPERANDS = [
    *FIELDS,
    "today",
    "total",
    "due",
    "0",
    "1",
    "2.5",
    "10%",
    "30 min",
    "2 hours",
    "'2026-12-01'",
    "'s'",
    "yes",
    "visits('A')",
]
BINARY = ["+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"]
FUNCTIONS = ["min", "max", "round", "abs", "hours", "minutes"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 3 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(OPERANDS))
    kind = draw(st.sampled_from(["binary", "binary", "not", "neg", "call", "paren"]))
    if kind == "binary":
        return f"{draw(expressions(depth + 1))} {draw(st.sampled_from(BINARY))} {draw(expressions(depth + 1))}"
    if kind == "not":
        return f"not {draw(expressions(depth + 1))}"
    if kind == "neg":
        return f"-({draw(expressions(depth + 1))})"
    if kind == "paren":
        return f"({draw(expressions(depth + 1))})"
    function = draw(st.sampled_from(FUNCTIONS))
    count = 2 if function in ("min", "max") and draw(st.booleans()) else 1
    args = ", ".join(draw(expressions(depth + 1)) for _ in range(count))
    return f"{function}({args})"


class Values(Environment):
    def __init__(self, values: dict[str, Value]) -> None:
        self.values = values

    def value(self, name: str) -> Value:
        if name == "today":
            return "2026-12-01"
        if name in ("total", "due"):
            return Decimal("65.50")
        return self.values.get(name)

    def visits(self, node_id: str) -> int:
        return 1

    def is_money(self, expr: object) -> bool:
        return CHECKER.infer(expr).type.kind == "money"  # type: ignore[arg-type]

    def position(self, name: str, value: object) -> int | None:
        return ["s", "l"].index(value) if name == "size" and value in ("s", "l") else None  # type: ignore[arg-type]


def recorded() -> st.SearchStrategy[dict[str, Value]]:
    # Each field either answered with a value its type allows, or not recorded yet.
    return st.fixed_dictionaries({}, optional=VALUES)


def kind_of(value: Value) -> str:
    if isinstance(value, bool):
        return "yesno"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, date):
        return "date"
    return "text"


RUNTIME = {"number": "decimal", "money": "decimal", "duration": "decimal", "yesno": "yesno", "text": "text", "choice": "text"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=expressions(), values=recorded())
def test_evaluation_never_raises_but_refusals_and_types_agree_with_the_checker(text: str, values: dict[str, Value]) -> None:
    try:
        expr = parse_expression(text)
    except ExpressionError:
        return  # e.g. nested too deep: refused when the flow loads
    inferred = CHECKER.infer(expr)
    try:
        result = evaluate(expr, Values(values))
    except EvaluationError:
        return  # a division by zero or a value beyond what callflow carries: the answer is refused
    if result is None or inferred.problems or inferred.type.kind == "any":
        return
    if isinstance(result, Decimal):
        assert abs(result) <= MAX_AMOUNT
    kind = inferred.type.kind
    if kind == "date":
        assert isinstance(result, date) or (isinstance(result, str) and len(result) == 10)
    else:
        assert kind_of(result) == RUNTIME[kind], (text, values, result, inferred.type)
