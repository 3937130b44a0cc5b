"""Loading flows: YAML to validated models, every problem at file:line:col."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from callflow.flow.errors import ExitCode, FlowLoadError
from callflow.flow.invoicesteps import ItemRef, ItemStep
from callflow.flow.loadedflow import load_flow
from callflow.flow.loader import load_data, validate_text
from callflow.flow.model import Flow
from callflow.flow.steps import AskStep, SayStep

HEAD = """\
id: t
title: T
start: A
nodes:
  A:
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FlowLoadError) as caught:
        validate_text(Flow, textwrap.dedent(text), "f.yaml")
    assert caught.value.exit_code == ExitCode.LOAD
    return caught.value.lines()


def node_problems(node: str) -> list[str]:
    return problems(HEAD + textwrap.indent(textwrap.dedent(node), "    "))


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "flow.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


# -- a valid flow ------------------------------------------------------------------------


def test_a_small_flow_loads_into_models(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        id: t
        title: T
        start: A
        catalog:
          "310": {name: ONE-TIME REMOTE SESSION, price: 35}
        fields:
          code: {prompt: Code, pattern: '[0-9]{6}'}
        nodes:
          A:
            steps:
              - say: "Hi {agent}"
              - ask: code
              - item: {code: "310", quantity: 2}
            end: done
        """,
    )
    loaded = load_flow(path)
    flow = loaded.flow
    assert flow.catalog["310"].price == Decimal("35.00")
    steps = flow.nodes["A"].steps
    assert isinstance(steps[0], SayStep) and steps[0].say == "Hi {agent}"
    assert isinstance(steps[1], AskStep) and steps[1].ask == "code"
    assert isinstance(steps[2], ItemStep) and steps[2].item == ItemRef(code="310", quantity="2")
    assert flow.nodes["A"].way_on == "end"
    assert loaded.position(("nodes", "A", "steps", 1)) == (12, 9)
    assert loaded.index.questions["code"] is flow.fields["code"]


def test_yaml_11_traps_stay_text_in_text_fields(make_flow) -> None:  # type: ignore[no-untyped-def]
    flow = make_flow(
        """\
        id: t
        title: yes
        start: "012"
        constants: {a: no, b: on, c: "007", d: 012, e: 2024-01-01, f: off, g: 1.10}
        fields:
          f: {prompt: 'n', required: no, secret: yes}
        nodes:
          "012":
            steps:
              - say: no
            end: off
        """
    )
    assert flow.title == "yes"
    assert flow.constants == {"a": "no", "b": "on", "c": "007", "d": "012", "e": "2024-01-01", "f": "off", "g": "1.10"}
    assert flow.start == "012" and "012" in flow.nodes
    step = flow.nodes["012"].steps[0]
    assert isinstance(step, SayStep) and step.say == "no"
    assert flow.nodes["012"].end == "off"
    # Where the model wants a yes/no, the target type reads the words.
    assert flow.fields["f"].required is False and flow.fields["f"].secret is True


def test_the_d2_flow_loads(d2) -> None:  # type: ignore[no-untyped-def]
    assert d2.flow.id == "anything-computers-intake"
    assert d2.flow.start == "D-2-1"
    assert d2.flow.catalog["310"].price == Decimal("35.00")
    assert d2.flow.catalog["320"].price == Decimal("20.00")


# -- model errors at the offending key -------------------------------------------------


def test_unknown_key_with_did_you_mean_at_the_key() -> None:
    assert node_problems("tittle: x\nend: done\n") == [
        "f.yaml:6:5: CF012 error: unknown key 'tittle' (did you mean 'title'?)"
    ]


def test_unknown_key_inside_a_step() -> None:
    assert node_problems("steps:\n  - say: hi\n    whn: x\nend: done\n") == [
        "f.yaml:8:9: CF012 error: unknown key 'whn' (did you mean 'when'?)"
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    (line,) = problems(
        """\
        id: t
        title: T
        start: A
        catalog:
          "310": {name: X, price: 1, colour: red}
        nodes:
          A: {end: done}
        """
    )
    assert line == "f.yaml:5:30: CF012 error: unknown key 'colour'; allowed here: name, price, description"


def test_unknown_top_level_key() -> None:
    assert problems("id: t\ntitle: T\nstart: A\nnode:\n  A: {end: x}\n") == [
        "f.yaml:1:1: CF011 error: missing key 'nodes'",
        "f.yaml:4:1: CF012 error: unknown key 'node' (did you mean 'nodes'?)",
    ]


def test_missing_key_at_its_parent_with_what_it_is_for() -> None:
    assert problems("id: t\ntitle: T\nnodes:\n  A: {end: x}\n") == [
        "f.yaml:1:1: CF011 error: missing key 'start' (the first node)"
    ]
    assert node_problems("choose:\n  id: q\n  options:\n    - {label: a, goto: A}\n") == [
        "f.yaml:6:5: CF011 error: missing key 'prompt'"
    ]


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ("steps: hello\nend: done\n", "6:5: CF010 error: 'steps' should be a list (lines starting with '- '), not 'hello'"),
        ("steps:\n  - say: [a, b]\nend: done\n", "7:9: CF010 error: 'say' should be text, not a list"),
        ("steps:\n  - say:\nend: done\n", "7:9: CF010 error: 'say' is empty: give it a value"),
        ("steps:\n  - item: {code: '310', quantity: 2 *}\nend: done\n", "7:29: CF010 error: '2 *' is not a valid expression: it ends too early"),
        ("steps:\n  - sya: hi\nend: done\n", "7:9: CF010 error: a step is one of say, do, note, ask, set, ticket, item, credit, time, past_due, payment, refund, notify, follow_up, call; found sya (did you mean 'say'?)"),
        ("routes:\n  - goto: A\n", "7:9: CF010 error: a route is '- if: condition' with 'goto: node', or '- else: node'"),
        ("next: 'not an id!'\n", "6:5: CF010 error: 'not an id!' is not valid for 'next': use an id of letters, digits, '-', '_' and '.' (e.g. D-2-4)"),
        ("choose: yes\n", "6:5: CF010 error: 'choose' should be a mapping of keys and values, not 'yes'"),
    ],
)
def test_wrong_types_at_the_key(node: str, message: str) -> None:
    assert node_problems(node) == [f"f.yaml:{message}"]


def test_ids_codes_and_names_are_explained_by_where_they_stand() -> None:
    # Node ids and item codes share one pattern; the message must still say
    # which one is wanted, and a bad mapping key is named as such.
    assert problems(
        """\
        id: t
        title: T
        start: bad!
        catalog:
          bad code!: {name: x, price: 1}
        fields:
          2x: {prompt: p}
        nodes:
          bad id!: {end: x}
          A:
            steps:
              - item: {code: bad!}
            next: x y
        """
    ) == [
        "f.yaml:3:1: CF010 error: 'bad!' is not valid for 'start': use an id of letters, digits, '-', '_' and '.' (e.g. D-2-4)",
        "f.yaml:5:3: CF010 error: 'bad code!' is not valid as a key of 'catalog': use a code of letters, digits, '-', '_' and '.' (e.g. 310)",
        "f.yaml:7:3: CF010 error: '2x' is not valid as a key of 'fields': use a name of letters, digits and _ that does not start with a digit (e.g. past_due_amount)",
        "f.yaml:9:3: CF010 error: 'bad id!' is not valid as a key of 'nodes': use an id of letters, digits, '-', '_' and '.' (e.g. D-2-4)",
        "f.yaml:12:16: CF010 error: 'bad!' is not valid for 'code': use a code of letters, digits, '-', '_' and '.' (e.g. 310)",
        "f.yaml:13:5: CF010 error: 'x y' is not valid for 'next': use an id of letters, digits, '-', '_' and '.' (e.g. D-2-4)",
    ]


def test_wrong_price_and_wrong_literal() -> None:
    assert problems(
        """\
        id: t
        title: T
        start: A
        catalog:
          "310": {name: X, price: abc}
        fields:
          f: {type: txt, prompt: p}
        nodes:
          A: {end: x}
        """
    ) == [
        "f.yaml:5:20: CF010 error: 'abc' is not an amount for 'price' (write it like 35.00)",
        "f.yaml:7:7: CF010 error: 'txt' is not valid for 'type': expected 'text', 'number', 'money', 'choice', 'yesno', 'date' or 'duration' (did you mean 'text'?)",
    ]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("say: 'Total {total'", "'{' is not closed (write '{{' for a literal brace)"),
        ("say: 'Total total}'", "'}' has no opening '{' (write '}}' for a literal brace)"),
        ("do: 'Pay {total:>9}'", "'{total:>9}' is not a placeholder: write a name such as {agent} or {total}"),
        ("ticket: {title: '{a.__class__[0]}'}", "'{a.__class__[0]}' is not a placeholder: write a name such as {agent} or {total}"),
    ],
)
def test_bad_placeholder_syntax(step: str, message: str) -> None:
    (line,) = node_problems(f"steps:\n  - {step}\nend: done\n")
    assert line.startswith("f.yaml:7:")
    assert line.endswith(f"CF010 error: {message}")


@pytest.mark.parametrize(
    ("node", "where", "message"),
    [
        ("routes:\n  - if: 'owed >'\n    goto: A\n  - else: A\n", "7:9", "condition 'owed >' is not valid: it ends too early"),
        ("routes:\n  - if: owed = 1\n    goto: A\n  - else: A\n", "7:9", "condition 'owed = 1' is not valid: '=' is not a comparison: write '=='"),
        ("steps:\n  - say: hi\n    when: plan in 'a'\nend: done\n", "8:9", "condition 'plan in 'a'' is not valid: 'in' needs a list such as ['a', 'b']"),
    ],
)
def test_bad_condition_syntax(node: str, where: str, message: str) -> None:
    assert node_problems(node) == [f"f.yaml:{where}: CF010 error: {message}"]


@pytest.mark.parametrize(
    ("node", "ways"),
    [
        ("next: A\nend: done\n", "next and end"),
        ("next: A\nroutes:\n  - else: A\n", "next and routes"),
        ("choose: {id: q, prompt: Q, options: [{label: a, goto: A}]}\nend: done\n", "choose and end"),
    ],
)
def test_more_than_one_way_on(node: str, ways: str) -> None:
    assert node_problems(node) == [f"f.yaml:5:3: CF010 error: a node has one way on, but this one has {ways}: keep one"]


def test_every_problem_is_reported_sorted_by_position() -> None:
    lines = problems(
        """\
        id: t
        title: T
        start: A
        nodes:
          B: {end: x, colour: red}
          A: {tittle: x, end: y}
        """
    )
    assert lines == [
        "f.yaml:5:15: CF012 error: unknown key 'colour'; allowed here: section, title, role, steps, next, choose, routes, end, return, at_most, expected_time",
        "f.yaml:6:7: CF012 error: unknown key 'tittle' (did you mean 'title'?)",
    ]


def test_builtin_names_cannot_be_fields() -> None:
    (line,) = problems("id: t\ntitle: T\nstart: A\nfields:\n  total: {prompt: p}\nnodes:\n  A: {end: x}\n")
    assert line.startswith("f.yaml:4:1: CF010 error: 'total' is a built-in name")


def test_a_file_that_is_not_a_mapping() -> None:
    assert problems("- a\n- b\n") == ["f.yaml:1:1: CF010 error: the file should be a mapping of keys and values"]


# -- file problems come through load_flow with the same codes -----------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id: t\nid: u\n", ":2:1: CF002 error: duplicate key 'id'"),
        (b"id: &x t\n", ":1:5: CF003 error: anchor '&x' is not supported"),
        (b"id: t\ntitle: *x\n", ":2:8: CF003 error: alias '*x' is not supported"),
        (b"nodes:\n  <<: {}\n", ":2:3: CF003 error: merge key '<<' is not supported"),
        (b"id: !!python/object/apply:os.system [ls]\n", ":1:5: CF004 error: tag '!!python/object/apply:os.system' is not supported"),
        (b"[" * 100_000, ":1:65: CF005 error: nested more than 64 levels deep"),
        (b"id: t\ntitle: \xff\n", ":2:8: CF006 error: not valid UTF-8 text"),
        (b"id: t\x00\n", ":1:6: CF006 error: binary data (a NUL byte)"),
    ],
)
def test_load_flow_reports_file_problems(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "flow.yaml"
    path.write_bytes(content)
    with pytest.raises(FlowLoadError) as caught:
        load_flow(str(path))
    assert caught.value.exit_code == ExitCode.LOAD
    (line,) = caught.value.lines()
    assert line.startswith(f"{path}{expected}")


def test_load_flow_of_a_directory_or_a_huge_file(tmp_path: Path) -> None:
    with pytest.raises(FlowLoadError) as caught:
        load_flow(str(tmp_path))
    assert caught.value.lines() == [f"{tmp_path}:1:1: CF006 error: is a directory, not a file"]
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(25 * 1024 * 1024)
    with pytest.raises(FlowLoadError) as caught:
        load_flow(str(huge))
    assert caught.value.lines()[0].startswith(f"{huge}:1:1: CF005 error: file is 26,214,400 bytes")


def test_load_data_gives_plain_data_and_text(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("answers:\n  existing_member: no\n  past_due_amount: 045.50\n", encoding="utf-8")
    data, text = load_data(str(path))
    assert data == {"answers": {"existing_member": "no", "past_due_amount": "045.50"}}
    assert text == path.read_text(encoding="utf-8")


def test_an_answers_file_has_the_small_caps_of_one_call(tmp_path: Path) -> None:
    big = tmp_path / "big-answers.yaml"
    with open(big, "wb") as handle:
        handle.truncate(2 * 1024 * 1024)
    with pytest.raises(FlowLoadError) as caught:
        load_data(str(big))
    assert caught.value.lines() == [f"{big}:1:1: CF005 error: file is 2,097,152 bytes; the limit is 1,048,576"]

    many = tmp_path / "many-values.yaml"
    many.write_text("answers:\n  x: [" + ",".join("1" * 1 for _ in range(150_000)) + "]\n", encoding="utf-8")
    with pytest.raises(FlowLoadError) as caught:
        load_data(str(many))
    assert "CF005 error: more than 100,000 values in one file" in caught.value.lines()[0]
