"""The flow format's new keys (a node's expected_time, a list's default, a
field marked ticket_number) from the file to the engine and the prompter,
and the status line that shows where the call is."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.summary import summarize
from callflow.call.values import InvalidAnswer, parse_answer
from callflow.commands.schema import flow_schema
from callflow.flow.errors import CallflowError
from callflow.flow.fields import InputField
from callflow.flow.loadedflow import load_flow
from callflow.terminal.prompter import LivePrompter
from callflow.terminal.statusline import keys_line, where_line

FLOW = """\
callflow: 1
id: contacts
title: Contacts
start: A
catalog:
  "320": {name: SESSION, price: 20.00}
fields:
  consent: {type: yesno, prompt: May we call back?, default: "yes"}
  plan:
    type: choice
    prompt: Plan?
    default: Basic
    options: [{label: Premium, value: premium}, {label: Basic, value: basic}]
  ticket: {prompt: Ticket number, ticket_number: true}
nodes:
  A:
    section: Help Desk & Remote Access Members
    expected_time: 45 s
    steps:
      - item: "320"
      - ask: consent
      - ask: plan
      - ask: ticket
    choose:
      id: several
      prompt: More than one contact on the account?
      default: "no"
      options:
        - {label: "Yes", value: "yes", goto: B}
        - {label: "No", value: "no", goto: C}
  B: {end: escalated}
  C: {end: done, expected_time: 2 min}
"""


def flow(tmp_path: Path, text: str = FLOW) -> Session:
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_flow(str(path), cache=False)
    return Session(loaded.flow, loaded.index, agent="Dana")


def problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CallflowError) as caught:
        load_flow(str(path), cache=False)
    return str(caught.value)


def test_the_defaults_are_what_the_lists_open_on(tmp_path: Path) -> None:
    session = flow(tmp_path)
    assert session.flow.nodes["A"].expected_seconds == 45 and session.flow.nodes["C"].expected_seconds == 120
    prompt = session.prompt
    assert prompt is not None and prompt.previous is None and prompt.default is True
    session.answer("no")
    assert session.prompt is not None and session.prompt.default == "basic"
    session.answer("premium")
    session.answer("T-9")
    assert session.prompt is not None and session.prompt.field_id == "several" and session.prompt.default == "no"
    session.answer("yes")
    assert summarize(session).ticket_number == "T-9"
    # After a back the list opens on the answer given, not on the default.
    session.back()
    assert session.prompt is not None and session.prompt.default == "yes"


def test_a_reflex_enter_takes_the_default(tmp_path: Path) -> None:
    session = flow(tmp_path)
    with create_pipe_input() as pipe:

        class Typing(LivePrompter):
            def _question(self, session, prompt, typed, instruction=None):  # type: ignore[no-untyped-def]
                question = super()._question(session, prompt, typed, instruction)
                pipe.send_text("T-9\r" if prompt.field_id == "ticket" else "\r")
                return question

        drive(session, Typing(Console(file=io.StringIO()), input=pipe, output=DummyOutput()))
    assert [(a.field_id, a.value) for a in session.answers()] == [
        ("consent", True), ("plan", "basic"), ("ticket", "T-9"), ("several", "no"),
    ]  # fmt: skip
    assert summarize(session).outcome == "done"


def test_a_default_that_names_no_option_is_refused_where_it_is_written(tmp_path: Path) -> None:
    said = problems(tmp_path, FLOW.replace('default: "no"', 'default: "maybe"'))
    assert "default 'maybe' is not one of the options ('yes', 'no')" in said and "bad.yaml:" in said
    said = problems(tmp_path, FLOW.replace('default: "yes"}', 'default: "perhaps"}'))
    assert "default of a yes/no field is yes or no, not 'perhaps'" in said
    said = problems(tmp_path, FLOW.replace("ticket_number: true}", "ticket_number: true, secret: true}"))
    assert "ticket_number belongs to a text or number field that is not secret" in said
    said = problems(tmp_path, FLOW.replace("expected_time: 45 s", "expected_time: soon"))
    assert "'soon' is not a duration" in said
    assert "is no time at all" in problems(tmp_path, FLOW.replace("expected_time: 45 s", "expected_time: 0 s"))


def test_the_schema_offers_the_new_keys() -> None:
    definitions = flow_schema()["$defs"]
    assert "expected_time" in definitions["Node"]["properties"]
    assert "default" in definitions["Choose"]["properties"]
    assert {"default", "ticket_number"} <= set(definitions["InputField"]["properties"])


class Clock:
    def __init__(self, call: float, node: float) -> None:
        self.call, self.node = call, node

    def call_seconds(self) -> float:
        return self.call

    def node_seconds(self, node: str) -> float:
        return self.node


def line(fragments: list[tuple[str, str]]) -> str:
    return "".join(text for _, text in fragments)


def test_the_status_line_fits_and_says_when_a_node_runs_past_its_expected_time(tmp_path: Path) -> None:
    session = flow(tmp_path)
    calm = line(where_line(session, "A", Clock(192, 30), 80))
    assert calm == " A · Help Desk & Remote Access Members        03:12 · total $20.00 · due $20.00 "
    assert len(calm) == 80
    late = where_line(session, "A", Clock(192, 95), 80)
    # Past its expected time: said after the node (marked), the section shortened to make room.
    assert line(late) == " A  01:35 > 45 s · Help Desk & Remote Acces…  03:12 · total $20.00 · due $20.00 "
    assert ("class:status.over", " 01:35 > 45 s ") in late
    narrow = line(where_line(session, "A", Clock(192, 95), 50))
    assert len(narrow) <= 50 and narrow.startswith(" A ") and "03:12" in narrow
    assert line(where_line(session, "A", None, 80)).rstrip().endswith("total $20.00 · due $20.00")
    keys = [("↑↓ Enter", "pick"), ("Esc", "back"), ("Ctrl-N", "note"), ("Ctrl-R", "review"), ("Ctrl-C", "stop")]
    assert len(line(keys_line(keys, 80))) <= 80 and len(line(keys_line(keys, 40))) <= 40


@pytest.fixture()
def number() -> Iterator[InputField]:
    yield InputField(prompt="How many?", type="number", decimals=6)


@pytest.mark.parametrize("typed", ["4111 1111 1111 1111", "4111111111111111", "4111111111.111111", "4111-1111-1111-1111"])
def test_a_card_number_typed_into_a_number_or_money_field_is_refused_without_echo(typed: str, number: InputField) -> None:
    for field in (number, InputField(prompt="Amount", type="money")):
        with pytest.raises(InvalidAnswer) as refused:
            parse_answer(field, typed)
        assert "a card number is never kept" in str(refused.value) and "4111" not in str(refused.value)
    assert parse_answer(number, "12") == 12


def test_list_prompts_share_prompt_toolkits_default_key_bindings(tmp_path: Path) -> None:
    """Built once, not three times a list prompt: the time from a key to the next screen."""
    from callflow.terminal import prompts

    session = flow(tmp_path)
    prompt = session.prompt
    assert prompt is not None
    with create_pipe_input() as pipe:
        first = prompts.question_for(session, prompt, "", instruction=None, io={"input": pipe, "output": DummyOutput()})
        second = prompts.question_for(session, prompt, "", instruction=None, io={"input": pipe, "output": DummyOutput()})
    assert first.application._default_bindings is second.application._default_bindings
