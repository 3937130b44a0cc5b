"""The condition language of routes and `when:`: parsing, errors, evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from callflow.flow.conditions import (
    BoolOp,
    Compare,
    ConditionError,
    Literal,
    Name,
    Not,
    check_condition,
    comparisons,
    evaluate,
    names,
    parse_condition,
)
from callflow.flow.conditions import Value as CondValue

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


def holds(condition: str, values: dict[str, CondValue] | None = None) -> bool:
    table = RECORDED if values is None else values
    return evaluate(parse_condition(condition), table.get)


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
    assert evaluate(parse_condition("plan.__class__"), lambda n: asked.append(n)) is False
    assert asked == ["plan.__class__"]


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("", "the condition is empty", 0),
        ("   ", "the condition is empty", 0),
        ("x >", "it ends too early", 3),
        ("x = 1", "unexpected '=' in condition", 2),
        ("x == 1 y == 2", "unexpected 'y' (join conditions with 'and' or 'or')", 7),
        ("(x == 1", "'(' is not closed", 7),
        ("x in 'a'", "'in' needs a list such as ['a', 'b']", 5),
        ("x in [y]", "a list after 'in' holds values, not names", 6),
        ("x in ['a' 'b']", "expected ',' or ']' in the list", 10),
        ("and == 1", "'and' cannot stand here", 0),
        ("x == ==", "unexpected '=='", 5),
        ("due < 2026-12-01", "a date is compared as text in quotes: write '2026-12-01'", 6),
        ("x > 5-3", "unexpected '-3' (join conditions with 'and' or 'or')", 5),
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
        parse_condition("not " * 1000 + "x")


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

    assert evaluate(parse_condition("declined and owed > 0"), lookup) is False
    assert seen == ["declined"]
    seen.clear()
    assert evaluate(parse_condition("answered or owed > 0"), lookup) is True
    assert seen == ["answered"]
