"""Words with named blanks: parsing, escapes, errors with offsets, rendering."""

from __future__ import annotations

import pytest

from callflow.flow.templates import (
    BLANK,
    Placeholder,
    TemplateError,
    check_template,
    parse_template,
    placeholders,
    render,
)

VALUES = {"agent": "Dana", "total": "$65.50", "catalog.320.price": "$20.00", "empty": ""}


def fill(text: str, blank: str = BLANK) -> str:
    return render(text, VALUES.get, blank)


def test_plain_text_is_one_part() -> None:
    assert parse_template("Let me get a few things ready.") == ("Let me get a few things ready.",)
    assert parse_template("") == ()


def test_placeholders_split_the_text_with_their_offsets() -> None:
    parts = parse_template("This is {agent}. Your total is {total}.")
    assert parts == ("This is ", Placeholder("agent", 8), ". Your total is ", Placeholder("total", 31), ".")
    assert placeholders("This is {agent}. Your total is {total}.") == [Placeholder("agent", 8), Placeholder("total", 31)]


def test_dotted_names_and_spaces_inside_braces() -> None:
    assert placeholders("{catalog.320.price} add-on") == [Placeholder("catalog.320.price", 0)]
    assert placeholders("Hi { agent }") == [Placeholder("agent", 3)]


def test_doubled_braces_are_literal() -> None:
    assert parse_template("{{agent}} is {agent}") == ("{agent} is ", Placeholder("agent", 13))
    assert fill("{{{agent}}}") == "{Dana}"
    assert fill("a }} b {{ c") == "a } b { c"


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("Total {total", "'{' is not closed (write '{{' for a literal brace)", 6),
        ("Total total}", "'}' has no opening '{' (write '}}' for a literal brace)", 11),
        ("{}", "'{}' is not a placeholder: write a name such as {agent} or {total}", 0),
        ("Pay {total:>999999999}", "'{total:>999999999}' is not a placeholder: write a name such as {agent} or {total}", 4),
        ("{agent.__class__.__mro__[1]}", "'{agent.__class__.__mro__[1]}' is not a placeholder: write a name such as {agent} or {total}", 0),
        ("{0}", "'{0}' is not a placeholder: write a name such as {agent} or {total}", 0),
        ("{two words}", "'{two words}' is not a placeholder: write a name such as {agent} or {total}", 0),
    ],
)
def test_bad_placeholders_say_what_and_where(text: str, message: str, offset: int) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    assert str(caught.value) == message
    assert caught.value.offset == offset


def test_check_template_is_the_models_validator() -> None:
    assert check_template("Hi {agent}") == "Hi {agent}"
    with pytest.raises(ValueError, match="is not closed"):
        check_template("Hi {agent")


def test_render_fills_known_names() -> None:
    assert fill("This is {agent}. Your total is {total}.") == "This is Dana. Your total is $65.50."
    assert fill("the {catalog.320.price} one-time Add-on") == "the $20.00 one-time Add-on"


def test_unknown_or_empty_values_show_as_a_visible_blank() -> None:
    assert fill("Your ticket # {ticket_number}.") == f"Your ticket # {BLANK}."
    assert fill("[{empty}]") == f"[{BLANK}]"
    assert "{" not in fill("{nobody} {knows}")
    assert fill("ticket {ticket_number}", blank="") == "ticket "


def test_render_looks_each_name_up_through_the_given_function_only() -> None:
    asked: list[str] = []

    def lookup(name: str) -> str | None:
        asked.append(name)
        return name.upper()

    assert render("{a} and {b.c} and {a}", lookup) == "A and B.C and A"
    assert asked == ["a", "b.c", "a"]
