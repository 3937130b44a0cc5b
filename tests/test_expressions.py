"""The expression language of conditions and computed values: parsing, errors, evaluation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from callflow.flow.evaluate import Environment, EvaluationError, evaluate
from callflow.flow.evaluate import Value as CondValue
from callflow.flow.evaluate import holds as holds_in
from callflow.flow.expressions import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Literal,
    Name,
    Not,
    check_condition,
    comparisons,
    names,
)
from callflow.flow.expressions import ExpressionError as ConditionError
from callflow.flow.expressions import parse_expression as parse_condition

RECORDED: dict[str, CondValue] = {
    "owed": Decimal("45.50"),
    "zero": Decimal("0.00"),
    "plan": "help_desk",
    "answered": True,
    "declined": False,
    "code": "012",
    "word": "abc",
    "empty": "",
    "go_live": "2026-12-02",  # a date field keeps its answer as YYYY-MM-DD text
}


class Table(Environment):
    """Values from a dict, visit counts from another, options in order for `size`."""

    def __init__(self, values: dict[str, CondValue], visits: dict[str, int] | None = None) -> None:
        self.values = values
        self.counts = visits or {}

    def value(self, name: str) -> CondValue:
        return self.values.get(name)

    def visits(self, node_id: str) -> int:
        return self.counts.get(node_id, 0)

    def is_money(self, expr: object) -> bool:
        return any(n.name == "owed" for n in names(expr))  # type: ignore[arg-type]

    def position(self, name: str, value: object) -> int | None:
        order = ["small", "medium", "large"]
        return order.index(value) if name == "size" and value in order else None


class Lookup(Environment):
    def __init__(self, lookup: object) -> None:
        self.lookup = lookup

    def value(self, name: str) -> CondValue:
        return self.lookup(name)  # type: ignore[operator, no-any-return]


def holds(condition: str, values: dict[str, CondValue] | None = None) -> bool:
    table = RECORDED if values is None else values
    return holds_in(parse_condition(condition), Table(table))


def value_of(expression: str, values: dict[str, CondValue] | None = None, visits: dict[str, int] | None = None) -> object:
    return evaluate(parse_condition(expression), Table(RECORDED if values is None else values, visits))


# -- parsing -------------------------------------------------------------------


def test_parse_builds_the_expected_tree() -> None:
    expr = parse_condition("answered and (owed > 0 or not plan in ['a', 'b'])")
    assert expr == BoolOp(
        "and",
        (
            Name("answered", 0),
            BoolOp(
                "or",
                (
                    Compare(">", Name("owed", 14), Literal(Decimal(0))),
                    Not(Compare("in", Name("plan", 30), (Literal("a"), Literal("b")))),
                ),
            ),
        ),
    )


def test_and_binds_tighter_than_or() -> None:
    expr = parse_condition("a or b and c")
    assert isinstance(expr, BoolOp) and expr.op == "or"
    assert isinstance(expr.operands[1], BoolOp) and expr.operands[1].op == "and"


def test_keywords_become_literals() -> None:
    assert parse_condition("yes") == Literal(True)
    assert parse_condition("x == no") == Compare("==", Name("x", 0), Literal(False))
    assert parse_condition("x != false") == Compare("!=", Name("x", 0), Literal(False))
    assert parse_condition('x == "two words"') == Compare("==", Name("x", 0), Literal("two words"))
    assert parse_condition("x >= -1.5") == Compare(">=", Name("x", 0), Literal(Decimal("-1.5")))


def test_names_and_comparisons_are_listed_in_order() -> None:
    expr = parse_condition("a > 1 and not (b == c or d)")
    assert [n.name for n in names(expr)] == ["a", "b", "c", "d"]
    assert [c.op for c in comparisons(expr)] == [">", "=="]


def test_dotted_names_are_names_looked_up_whole() -> None:
    assert parse_condition("catalog.310.price > 30") == Compare(
        ">", Name("catalog.310.price", 0), Literal(Decimal(30))
    )
    # No attribute access happens: the whole dotted text is one lookup.
    asked: list[str] = []
    assert holds_in(parse_condition("plan.__class__"), Lookup(lambda n: asked.append(n))) is False
    assert asked == ["plan.__class__"]


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("", "the expression is empty", 0),
        ("   ", "the expression is empty", 0),
        ("x >", "it ends too early", 3),
        ("x = 1", "'=' is not a comparison: write '=='", 2),
        ("x == 1 y == 2", "unexpected 'y' (join conditions with 'and' or 'or')", 7),
        ("(x == 1", "'(' is not closed", 7),
        ("x in 'a'", "'in' needs a list such as ['a', 'b']", 5),
        ("x in [y]", "a list after 'in' holds values, not names", 6),
        ("x in ['a' 'b']", "expected ',' or ']' in the list", 10),
        ("and == 1", "'and' cannot stand here", 0),
        ("x == ==", "unexpected '=='", 5),
        ("due < 2026-12-01", "a date is written in quotes: write '2026-12-01'", 6),
        ("x > 5 3", "unexpected '3' (join conditions with 'and' or 'or')", 6),
        ("x + ", "it ends too early", 4),
        ("bogus(1)", "'bogus' is not a function (functions: abs, hours, max, min, minutes, round, visits)", 0),
        ("round()", "round() takes 1 or 2 values", 0),
        ("abs(1, 2)", "abs() takes 1 value", 0),
        ("visits(TRY)", "visits() takes a node id in quotes, as in visits('TRY')", 0),
        ("x %", "'%' goes right after a number, as in 10%", 2),
        ("+1", "a number needs no '+' sign", 0),
    ],
)
def test_syntax_errors_say_what_and_where(text: str, message: str, offset: int) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(text)
    assert str(caught.value) == message
    assert caught.value.offset == offset


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse_condition("(" * 1000 + "x" + ")" * 1000)
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse_condition("not " * 500 + "x")
    with pytest.raises(ConditionError, match="nested too deeply"):
        parse_condition(" + ".join(["x"] * 500))
    with pytest.raises(ConditionError, match="longer than 4,000 characters"):
        parse_condition("x" * 5000)


def test_check_condition_is_the_models_validator() -> None:
    assert check_condition("owed > 0") == "owed > 0"
    with pytest.raises(ValueError, match=r"^condition 'owed >' is not valid: it ends too early$"):
        check_condition("owed >")


# -- evaluation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("owed > 0", True),
        ("owed > 45.50", False),
        ("owed >= 45.5", True),
        ("owed == 45.5", True),
        ("zero > 0", False),
        ("plan == 'help_desk'", True),
        ("go_live >= '2026-12-01'", True),
        ("go_live < '2026-12-02'", False),
        ("go_live == '2026-12-02'", True),
        ("plan != 'help_desk'", False),
        ("plan in ['remote_access', 'help_desk']", True),
        ("plan in ['remote_access']", False),
        ("answered and owed > 0", True),
        ("declined or zero > 0", False),
        ("declined or owed > 0", True),
        ("not declined", True),
        ("not (answered and declined)", True),
        ("answered == yes", True),
        ("declined == no", True),
        ("answered != no", True),
    ],
)
def test_and_or_not_in_and_comparisons(condition: str, expected: bool) -> None:
    assert holds(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("answered", True),
        ("declined", False),
        ("owed", True),
        ("zero", False),
        ("plan", True),
        ("empty", False),
        ("never_asked", False),
    ],
)
def test_a_bare_name_is_true_when_it_holds_something(condition: str, expected: bool) -> None:
    assert holds(condition) is expected


@pytest.mark.parametrize(
    "condition",
    ["never_asked > 0", "never_asked < 0", "never_asked == 0", "never_asked != 0", "never_asked == ''",
     "never_asked in ['a']", "never_asked == no", "never_asked != yes", "0 < never_asked"],
)
def test_comparing_a_missing_value_is_false(condition: str) -> None:
    assert holds(condition) is False


def test_not_of_a_false_comparison_is_true() -> None:
    # `not` flips the whole comparison: an unanswered plan is "not help desk".
    assert holds("not never_asked == 'help_desk'") is True


@pytest.mark.parametrize(
    "condition",
    [
        "word > 1",  # text that is no number, with a number
        "word == 1",
        "word != 1",
        "plan == yes",  # text with yes/no
        "answered == 1",  # yes/no with a number
        "answered != 'yes'",
        "answered > no",  # yes/no has no order
        "owed == 'abc'",
        "owed in ['45.50x']",
    ],
)
def test_values_of_different_kinds_never_compare(condition: str) -> None:
    assert holds(condition) is False


def test_a_number_typed_as_text_compares_with_a_number() -> None:
    assert holds("code == 12") is True
    assert holds("code > 11.5") is True
    assert holds("code == '012'") is True
    assert holds("code == '12'") is False


@pytest.mark.parametrize("text", ["nan", "NaN", "sNaN", "-nan", "Infinity", "-inf", "1e3", "1_000", "0x10"])
def test_text_that_decimal_would_read_as_special_is_not_a_number(text: str) -> None:
    # Decimal('sNaN') == 1 and Decimal('nan') > 1 raise InvalidOperation: a
    # caller's word must never crash the walk, and only plain digits compare.
    values: dict[str, CondValue] = {"answer": text}
    for op in ("==", "!=", "<", "<=", ">", ">="):
        assert holds(f"answer {op} 5", values) is False
    assert holds("answer in [5, 6]", values) is False


def test_evaluation_reads_names_lazily_and_short_circuits() -> None:
    seen: list[str] = []

    def lookup(name: str) -> CondValue:
        seen.append(name)
        return RECORDED.get(name)

    assert holds_in(parse_condition("declined and owed > 0"), Lookup(lookup)) is False
    assert seen == ["declined"]
    seen.clear()
    assert holds_in(parse_condition("answered or owed > 0"), Lookup(lookup)) is True
    assert seen == ["answered"]


# -- arithmetic, functions, dates, durations ---------------------------------------


def test_arithmetic_binds_like_school_maths() -> None:
    expr = parse_condition("a + b * c > 2")
    assert expr == Compare(">", Arith("+", Name("a"), Arith("*", Name("b"), Name("c"))), Literal(Decimal(2)))
    assert parse_condition("(a + b) * c") == Arith("*", Arith("+", Name("a"), Name("b")), Name("c"))
    assert parse_condition("a - b - c") == Arith("-", Arith("-", Name("a"), Name("b")), Name("c"))
    assert parse_condition("max(a, 1)") == Call("max", (Name("a"), Literal(Decimal(1))))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 * 89.47 - 2 * 9", Decimal("160.94")),
        ("owed * 10%", Decimal("4.550")),
        ("10%", Decimal("0.1")),
        ("-owed", Decimal("-45.50")),
        ("min(3, owed, 10)", Decimal(3)),
        ("max(owed - 50, 0)", Decimal(0)),
        ("round(2.5)", Decimal(3)),
        ("round(owed * 1.015)", Decimal("46.18")),  # money rounds to cents, half up
        ("round(2.345, 2)", Decimal("2.35")),
        ("abs(0 - 4)", Decimal(4)),
        ("7 / 2", Decimal("3.5")),
        ("2 hours + 30 min", Decimal(150)),
        ("hours(90 min)", Decimal("1.5")),
        ("minutes(1 hour)", Decimal(60)),
        ("go_live + 30", date(2027, 1, 1)),
        ("go_live - 2 days", date(2026, 11, 30)),
        ("go_live - '2026-11-02'", Decimal(30)),
        ("visits('TRY') + 1", Decimal(3)),
    ],
)
def test_values_are_computed_exactly(expression: str, expected: object) -> None:
    assert value_of(expression, visits={"TRY": 2}) == expected


def test_an_unknown_operand_makes_the_result_unknown() -> None:
    assert value_of("never_asked * 2") is None
    assert value_of("max(never_asked, 1)") is None
    assert value_of("never_asked + 1 > 0") is False
    assert value_of("go_live + 1.5") is None  # a date moves by whole days


def test_division_by_zero_and_huge_values_are_refusals_not_crashes() -> None:
    with pytest.raises(EvaluationError, match="division by zero"):
        value_of("owed / zero")
    with pytest.raises(EvaluationError, match="beyond the largest amount"):
        value_of("999999999999 * 999999999999")
    with pytest.raises(EvaluationError, match="beyond"):
        value_of("owed * 99999999999999999999999999")


def test_dates_compare_with_dates_written_in_quotes_and_with_computed_dates() -> None:
    assert holds("go_live < go_live + 1")
    assert holds("go_live + 28 < '2026-12-31'")
    assert not holds("go_live + 29 < '2026-12-31'")
    assert not holds("go_live > '2027-01-01'")


def test_an_ordered_choice_compares_by_the_order_of_its_options() -> None:
    # 'large' > 'medium' by position, though 'l' < 'm' by letters.
    assert holds("size > 'medium'", {"size": "large"})
    assert not holds("size < 'medium'", {"size": "large"})
    assert holds("size <= 'small'", {"size": "small"})
    # Text without an order never compares by letters.
    assert not holds("plan > 'a'")
    assert not holds("plan < 'z'")


def test_not_in_is_the_opposite_of_in_for_a_recorded_value() -> None:
    assert holds("plan not in ['remote_access']")
    assert not holds("plan not in ['help_desk']")
    assert not holds("never_asked not in ['a']")  # not recorded: false, like every comparison
