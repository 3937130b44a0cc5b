"""The live prompter driven through prompt_toolkit's pipe input, key by key."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from languagekit import DESK, TODAY
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from callflow.call.driver import drive
from callflow.call.engine import Prompt, Session
from callflow.call.summary import summarize
from callflow.flow.fields import InputField
from callflow.flow.loadedflow import load_flow
from callflow.terminal.hints import input_hint
from callflow.terminal.prompter import LivePrompter, SaveAndQuit

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"

ENTER = "\r"
DOWN = "\x1b[B"
ESC = "\x1b"
CTRL_C = "\x03"


class KeyedPrompter(LivePrompter):
    """Types the next keys into the pipe just before each prompt opens, the
    way a person answers one prompt at a time."""

    def __init__(self, console: Console, pipe: object, keys: list[str]) -> None:
        super().__init__(console, input=pipe, output=DummyOutput())
        self.pipe = pipe
        self.keys = list(keys)
        self.asked: list[str] = []

    def _type_next(self) -> None:
        if not self.keys:
            raise AssertionError("the prompter asked more questions than the test typed answers for")
        self.pipe.send_text(self.keys.pop(0))  # type: ignore[attr-defined]

    def ask(self, session: Session, prompt: Prompt) -> object:
        self.asked.append(prompt.field_id)
        return super().ask(session, prompt)

    def _question(self, session, prompt, typed, instruction=None):  # type: ignore[no-untyped-def]
        question = super()._question(session, prompt, typed, instruction)
        self._type_next()
        return question

    def confirm_quit(self) -> bool:
        self._type_next()
        return super().confirm_quit()


@pytest.fixture()
def pipe() -> Iterator[object]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def walk(keys: list[str], pipe: object, *, agent: str = "Dana") -> tuple[Session, KeyedPrompter, str]:
    loaded = load_flow(str(D2))
    session = Session(loaded.flow, loaded.index, agent=agent)
    screen = io.StringIO()
    prompter = KeyedPrompter(Console(file=screen, width=100, color_system=None), pipe, keys)
    drive(session, prompter)
    return session, prompter, screen.getvalue()


def test_a_whole_call_typed_key_by_key(pipe: object) -> None:
    keys = [
        ENTER,  # Existing member? Yes
        ENTER,  # plan: Pay As You Go (first)
        ENTER,  # more than one contact? No (the default)
        "45.50" + ENTER,  # past due amount
        ENTER,  # pays add-on and balance: Yes
        "Alex" + ENTER,  # remote agent
        ENTER,  # payment method: account
        "T1001" + ENTER,  # ticket number
    ]
    session, _, screen = walk(keys, pipe)
    summary = summarize(session)
    assert session.ended
    assert summary.path == (
        "D-2-1", "D-2-5", "D-2-13", "D-2-6", "D-2-14",
        "D-2-15", "payment_options/PAYMENT-OPTIONS", "D-2-15",
        "D-2-9", "hand_over_ticket/HAND-OVER", "D-2-9",
    )
    assert str(summary.invoice.total) == "65.50"
    assert [line.code for line in summary.invoice.lines] == ["320"]
    assert "Thank you for calling Anything Computers.org. This is Dana." in screen
    assert "Your total is $65.50." in screen
    assert "Here is your ticket # T1001." in screen
    assert "Call ends: transferred to remote agent" in screen


def test_escape_goes_back_and_the_previous_answer_is_offered(pipe: object) -> None:
    keys = [
        ENTER,  # Existing member? Yes
        ENTER,  # Pay As You Go
        ENTER,  # one contact (the default)
        "10" + ENTER,  # past due $10.00 ...
        ESC,  # ... oops: Esc at the Add-on + Balance question goes back
        "\x7f" * 5 + "20" + ENTER,  # the prompt holds "10.00": erase it, type 20
        DOWN + ENTER,  # Add-on + Balance Owed? No -> D-2-16 ends the chat
    ]
    session, prompter, screen = walk(keys, pipe)
    summary = summarize(session)
    assert prompter.asked == [
        "existing_member",
        "member_plan",
        "payg_more_than_one_contact",
        "past_due_amount",
        "pays_addon_and_balance",
        "past_due_amount",
        "pays_addon_and_balance",
    ]
    assert "↩ Undid D-2-6 past due amount = $10.00\n" in screen
    assert [a.field_id for a in summary.answers] == [
        "existing_member",
        "member_plan",
        "payg_more_than_one_contact",
        "past_due_amount",
        "pays_addon_and_balance",
    ]
    assert summary.answers[3].display == "$20.00"
    assert "past due amount of $20.00" in screen
    assert summary.outcome == "chat_ended"


def test_enter_after_back_keeps_the_previous_typed_answer(pipe: object) -> None:
    keys = [ENTER, ENTER, ENTER, "10" + ENTER, ESC, ENTER, DOWN + ENTER]
    session, _, _ = walk(keys, pipe)
    assert summarize(session).answers[3].display == "$10.00"


def test_back_entry_in_a_list_undoes_the_last_answer(pipe: object) -> None:
    keys = [
        DOWN + ENTER,  # Existing member? No -> D-2-3
        DOWN + DOWN + ENTER,  # "← Back" (below Member; the separator is skipped)
        ENTER,  # Existing member? again: the list opens on the previous answer
    ]
    loaded = load_flow(str(D2))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    prompter = KeyedPrompter(Console(file=io.StringIO(), color_system=None), pipe, keys)
    answers = []
    for _ in range(3):
        prompt = session.prompt
        assert prompt is not None
        reply = prompter.ask(session, prompt)
        answers.append(reply)
        if reply is not None and repr(reply) == "BACK":
            session.back()
        else:
            session.answer(reply)
    assert answers[0] == "no"
    assert repr(answers[1]) == "BACK"
    # After going back the list opens on the previous answer, so Enter keeps it.
    assert answers[2] == "no"
    assert session.prompt is not None and session.prompt.field_id == "member_or_one_time"


def test_invalid_typed_value_is_refused_in_the_prompt(pipe: object) -> None:
    keys = [
        ENTER,
        ENTER,
        ENTER,  # one contact (the default)
        "abc" + ENTER + "\x7f\x7f\x7f" + "0" + ENTER,  # refused while typing, then 0
        ENTER,  # Remote Support Session? Yes
        "Alex" + ENTER,
        ENTER,
        "T2" + ENTER,
    ]
    session, _, _ = walk(keys, pipe)
    summary = summarize(session)
    assert summary.answers[3].display == "$0.00"
    assert summary.path[-7:] == (
        "D-2-7", "D-2-8", "payment_options/PAYMENT-OPTIONS", "D-2-8", "D-2-9", "hand_over_ticket/HAND-OVER", "D-2-9"
    )
    assert str(summary.invoice.total) == "20.00"


def test_ctrl_c_then_go_on_keeps_what_was_typed(pipe: object) -> None:
    keys = [
        ENTER,
        ENTER,
        ENTER,  # one contact (the default)
        "12.3" + CTRL_C,  # interrupted while typing
        ENTER,  # "Go on with the call"
        "4" + ENTER,  # the prompt still holds "12.3": typing 4 makes 12.34
        DOWN + ENTER,  # decline add-on + balance
    ]
    session, _, _ = walk(keys, pipe)
    summary = summarize(session)
    assert summary.answers[3].display == "$12.34"


def test_ctrl_c_then_save_and_quit_raises_with_answers_kept(pipe: object) -> None:
    keys = [ENTER, CTRL_C, DOWN + ENTER]
    with pytest.raises(SaveAndQuit):
        walk(keys, pipe)


def test_yes_no_field_is_a_list_with_back(pipe: object) -> None:
    # Help Desk member, one contact, no balance, no chat response -> phone.
    keys = [
        ENTER,  # existing member
        DOWN + ENTER,  # Help Desk
        ENTER,  # one contact (the default)
        "0" + ENTER,  # no past due
        DOWN + ENTER,  # chat response: No
        DOWN + ENTER,  # phone answered: No -> voicemail
    ]
    session, _, screen = walk(keys, pipe)
    summary = summarize(session)
    assert summary.outcome == "voicemail_left"
    assert summary.path[-4:] == ("D-2-23", "D-2-25", "voicemail/VOICEMAIL", "D-2-25")
    assert "Please give us a call back at 888.615.HELP" in screen


# -- notes (Ctrl-N), Ctrl-D ----------------------------------------------------------

CTRL_N = "\x0e"
CTRL_D = "\x04"


class NotingPrompter(KeyedPrompter):
    """Keys typed as each prompt opens, the note prompt included."""

    def take_note(self, prompt):  # type: ignore[no-untyped-def]
        self._type_next()
        super().take_note(prompt)


def walk_with_notes(keys: list[str], pipe: object) -> tuple[Session, NotingPrompter, str, list[tuple[str, str]]]:
    loaded = load_flow(str(D2))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    screen = io.StringIO()
    prompter = NotingPrompter(Console(file=screen, width=100, color_system=None), pipe, keys)
    notes: list[tuple[str, str]] = []

    def keep(prompt: Prompt | None, text: str) -> str:
        from callflow.call.cardmask import mask_card_numbers

        kept = mask_card_numbers(text)
        notes.append((prompt.node_id if prompt else "", kept))
        return kept

    prompter.on_note = keep
    drive(session, prompter)
    return session, prompter, screen.getvalue(), notes


def test_ctrl_n_takes_a_note_and_comes_back_to_the_same_prompt(pipe: object) -> None:
    keys = [
        ENTER,  # Existing member? Yes
        CTRL_N,  # at "Which plan": a note ...
        "caller has card 4111 1111 1111 1111 ready" + ENTER,
        ENTER,  # ... and the plan prompt again: Pay As You Go
        ENTER,  # one contact (the default)
        "12" + CTRL_N,  # typing an amount, then a note
        "ESC cancels this one" + ESC,
        "3" + ENTER,  # the prompt still holds "12": 123
        ESC,  # back at pays_addon_and_balance: the note stays
        "\x7f" * 6 + "0" + ENTER,  # past due 0 -> D-2-7
        DOWN + ENTER,  # Remote Support Session? No
        DOWN + ENTER,  # Basic Support? No -> D-2-12 ends the chat
    ]
    session, _, screen, notes = walk_with_notes(keys, pipe)
    assert notes == [("D-2-5", "caller has card XXXX XXXX XXXX 1111 ready")]
    assert "✎ Note: caller has card XXXX XXXX XXXX 1111 ready" in screen
    assert "4111 1111" not in screen
    assert "(no note taken)" in screen
    assert "past due amount of $123.00" in screen  # "12" was kept through the cancelled note
    assert [a.field_id for a in session.answers()][:3] == ["existing_member", "member_plan", "payg_more_than_one_contact"]
    assert session.answers()[3].display == "$0.00"
    assert session.ended and summarize(session).outcome == "chat_ended"


def test_the_status_line_shows_ctrl_n_only_when_notes_are_kept_and_ctrl_r_only_in_a_call() -> None:
    from callflow.terminal.prompts import Status

    loaded = load_flow(str(D2))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    keys = lambda **kw: " · ".join(f"{k} {w}" for k, w in Status(session, None, **kw).keys([("Enter", "take")]))  # noqa: E731
    assert keys(note=True, review=True) == "Enter take · Esc back · Ctrl-N note · Ctrl-R review · Ctrl-C stop"
    assert keys(note=False, review=False) == "Enter take · Esc back · Ctrl-C stop"


def test_ctrl_d_asks_like_ctrl_c(pipe: object) -> None:
    keys = [ENTER, ENTER, ENTER, CTRL_D, DOWN + ENTER]
    with pytest.raises(SaveAndQuit):
        walk(keys, pipe)


def test_a_fields_help_is_shown_on_its_own_line_before_its_prompt(pipe: object) -> None:
    keys = [
        DOWN + ENTER,  # Existing member? No
        ENTER,  # One time support
        "Printer" + ENTER,  # ticket title
        "Error 79 after the update" + ENTER,  # description (has help)
        "Alex" + ENTER,
        "Sam" + ENTER,
        ENTER,  # payment method
        "T1" + ENTER,
        "123456" + ENTER,
    ]
    session, _, screen = walk(keys, pipe)
    assert session.ended
    help_line = "ℹ Your professional interpretation of the issue the caller is describing."
    assert help_line in screen
    assert screen.index("Create Ticket") < screen.index(help_line)


# -- the flow language of issue 10: durations, confirmations, refusals ----------------


BACKSPACE = "\x7f"


def walk_desk(keys: list[str], pipe: object) -> tuple[Session, KeyedPrompter, str]:
    loaded = load_flow(str(DESK))
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    screen = io.StringIO()
    prompter = KeyedPrompter(Console(file=screen, width=80, color_system=None), pipe, keys)
    drive(session, prompter)
    return session, prompter, "\n".join(line.rstrip() for line in screen.getvalue().splitlines())


UP_TO_THE_REFUND = [
    "Robin" + ENTER,
    DOWN + ENTER,  # does it print now? No (three times; the fourth try goes on site)
    DOWN + ENTER,
    DOWN + ENTER,
    "2:30" + ENTER,  # the visit took 2 h 30 min
    ENTER,  # expedited: Yes
    ENTER,  # paid by card
    "2" + ENTER,  # two bottles come back
]


def test_a_desk_call_with_a_refusal_and_a_checklist_item_not_done(pipe: object) -> None:
    keys = [
        *UP_TO_THE_REFUND[:7],
        "2.5" + ENTER + BACKSPACE * 3 + "2" + ENTER,  # 2.5 bottles is refused in the prompt
        "500" + ENTER,  # more than is owed: the engine refuses ...
        BACKSPACE * 3 + "160.94" + ENTER,  # ... and the prompt comes back holding "500"
        DOWN + ENTER,  # Not done…
        ESC,  # the reason prompt: Esc comes back to the list ...
        ENTER,  # ... which opens on Not done…
        "sheet is locked" + ENTER,
        "2026-11-25" + ENTER,
    ]
    session, prompter, screen = walk_desk(keys, pipe)
    summary = summarize(session)
    assert session.ended and summary.outcome == "resolved"
    assert prompter.asked == [
        "caller", "fixed", "fixed", "fixed", "visit_time", "expedited", "method", "bottles",
        "refund_amount", "refund_amount", "stock_logged", "callback",
    ]  # fmt: skip
    assert [a.display for a in summary.answers][-4:] == ["2", "$160.94", "Not done: sheet is locked", "2026-11-25"]
    assert [(c.id, c.done, c.reason) for c in summary.checklist] == [("stock_logged", False, "sheet is locked")]
    assert (
        "  ✗ that answer cannot be taken: the refund would be $500.00, more than the\n"
        "    $160.94 the invoice owes the customer" in screen
    )
    assert screen.count("✗ ") == 1  # the 2.5 bottles were refused inside the prompt, not by the engine
    assert "? How long was the on-site visit?  2 h 30 min\n" in screen  # shown as callflow took it
    assert "? Callback date  Wed 25 Nov 2026 (in 2 days)\n" in screen
    assert "↺ Refund paid back: $160.94 — to the card used" in screen
    # Nothing of the refused answer stays: one refund, and the echo of 500 was never shown.
    assert len(summary.refunds) == 1 and "? Amount to refund now  $500.00" not in screen


def test_back_in_the_checklist_list_undoes_the_answer_before_it(pipe: object) -> None:
    keys = [
        *UP_TO_THE_REFUND,
        "160.94" + ENTER,
        DOWN + DOWN + ENTER,  # ← Back (the separator is skipped)
        ENTER,  # the refund prompt again, holding 160.94
        ESC,  # Esc in the list is Back too
        ENTER,
        ENTER,  # Done
        "2026-11-24" + ENTER,
    ]
    session, prompter, screen = walk_desk(keys, pipe)
    assert prompter.asked[8:] == [
        "refund_amount", "stock_logged", "refund_amount", "stock_logged", "refund_amount", "stock_logged", "callback",
    ]  # fmt: skip
    summary = summarize(session)
    assert [a.field_id for a in summary.answers][-3:] == ["refund_amount", "stock_logged", "callback"]
    assert [(c.done, c.reason) for c in summary.checklist] == [(True, None)]
    assert summary.answers[-3].display == "$160.94" and len(summary.refunds) == 1
    # Both backs (the Back entry, then Esc) undid the refund, each saying so.
    assert screen.count("↩ Undid RETURN refund amount = $160.94; removed: refund $160.94") == 2
    assert "Undid RETURN stock logged" not in screen


def test_a_reason_given_before_going_back_is_offered_again(pipe: object) -> None:
    keys = [
        *UP_TO_THE_REFUND,
        "160.94" + ENTER,
        DOWN + ENTER,  # Not done…
        "sheet" + ENTER,
        ESC,  # at the callback date: back to the checklist item
        ENTER,  # the list opens on Not done…
        " is locked" + ENTER,  # the reason prompt holds "sheet"
        "2026-11-25" + ENTER,
    ]
    session, _, _ = walk_desk(keys, pipe)
    assert [(c.done, c.reason) for c in summarize(session).checklist] == [(False, "sheet is locked")]


def test_a_duration_comes_back_as_words_after_back(pipe: object) -> None:
    keys = [
        *UP_TO_THE_REFUND[:4],
        "1 h 30" + ENTER,
        ESC,  # at "expedited?": back; the prompt holds "1 h 30 min", not the minutes
        ENTER,
        DOWN + ENTER,  # not expedited
        ENTER,
        "1" + ENTER,
        "80.47" + ENTER,
        ENTER,  # Done
        "2026-11-24" + ENTER,
    ]
    session, _, screen = walk_desk(keys, pipe)
    summary = summarize(session)
    visit = [a for a in summary.answers if a.field_id == "visit_time"]
    assert [(a.value, a.display) for a in visit] == [(Decimal(90), "1 h 30 min")]
    # Taken, then (after Back, the prompt holding "1 h 30 min", not the minutes) taken again as it was.
    assert screen.count("? How long was the on-site visit?  1 h 30 min\n") == 2
    assert "+ Time: ONSITE – On-site work  1.5 h × $95.00/h = $142.50" in screen


def test_a_typed_prompt_says_what_to_type_and_the_bounds_of_this_call() -> None:
    today = date(2026, 11, 23)

    def hint(**spec: object) -> str:
        return "; ".join(input_hint(InputField(prompt="?", **spec), "USD", today))  # type: ignore[arg-type]

    # What to type only: the keys are in the status line, not on the prompt.
    assert hint(type="number", min=Decimal(1), max=Decimal(6)) == "whole number, 1 to 6"
    assert hint(type="number", decimals=2) == "number, up to 2 decimals"
    assert hint(type="number", decimals=1, required=False) == "number, up to 1 decimal; optional: Enter to skip"
    assert hint(type="money") == "amount, e.g. 45.50"
    assert hint(type="money", min=Decimal(-50), max=Decimal(50)) == (
        "amount, e.g. 45.50; may be negative, e.g. -12.50; -$50.00 to $50.00"
    )
    assert hint(type="money", max=Decimal(500)) == "amount, e.g. 45.50; at most $500.00"
    assert hint(type="duration", min="15 min", max="8 h") == "time, e.g. 45 min, 1 h 30, 1:30; 15 min to 8 h"
    assert hint(type="date", min="today + 1", max="today + 14") == "date YYYY-MM-DD, 2026-11-24 to 2026-12-07"
    assert hint(type="date", max="2026-12-31") == "date YYYY-MM-DD, at most 2026-12-31"
    assert hint(type="text") == ""


def test_a_date_outside_this_calls_bounds_is_refused_with_the_actual_dates(pipe: object) -> None:
    keys = [
        *UP_TO_THE_REFUND,
        "160.94" + ENTER,
        ENTER,  # Done
        "2026-11-23" + ENTER + BACKSPACE * 2 + "30" + ENTER,  # today is refused (min: today + 1)
    ]
    session, _, _ = walk_desk(keys, pipe)
    assert summarize(session).answers[-1].display == "2026-11-30"


def test_ctrl_c_in_the_reason_then_go_on_keeps_what_was_typed(pipe: object) -> None:
    keys = [
        *UP_TO_THE_REFUND,
        "160.94" + ENTER,
        DOWN + ENTER,  # Not done…
        "sheet" + CTRL_C,
        ENTER,  # Go on with the call
        " is locked" + ENTER,
        "2026-11-25" + ENTER,
    ]
    session, _, _ = walk_desk(keys, pipe)
    assert [(c.done, c.reason) for c in summarize(session).checklist] == [(False, "sheet is locked")]


def test_an_empty_reason_is_refused_in_the_prompt(pipe: object) -> None:
    keys = [*UP_TO_THE_REFUND, "160.94" + ENTER, DOWN + ENTER, ENTER + "no ink" + ENTER, "2026-11-25" + ENTER]
    session, _, _ = walk_desk(keys, pipe)
    assert [(c.done, c.reason) for c in summarize(session).checklist] == [(False, "no ink")]


def test_at_80_columns_what_to_type_goes_on_its_own_line(pipe: object) -> None:
    keys = [*UP_TO_THE_REFUND, "160.94" + ENTER, ENTER, "2026-11-25" + ENTER]
    _, _, screen = walk_desk(keys, pipe)  # an 80-column console
    # With the keys in the status line, a short hint stays on the prompt line; a long one goes apart.
    assert "  ▸ time, e.g. 45 min, 1 h 30, 1:30; 15 min to 8 h\n" in screen
    assert "▸ whole number, 1 to 6" not in screen and "▸ date YYYY-MM-DD" not in screen
    # The keys are in the status line; at 80 columns all of them fit, and narrower they are shortened.
    from callflow.terminal.statusline import keys_line

    keys = [("↑↓ Enter", "pick"), ("Esc", "back"), ("Ctrl-N", "note"), ("Ctrl-R", "review"), ("Ctrl-C", "stop")]
    assert "".join(t for _, t in keys_line(keys, 80)) == " ↑↓ Enter pick · Esc back · Ctrl-N note · Ctrl-R review · Ctrl-C stop"
    assert "".join(t for _, t in keys_line(keys, 60)) == " ↑↓ Enter pick · Esc back · ^N note · ^R review · ^C stop"


NUMBERS = """\
callflow: 1
id: numbers
title: Numbers
start: A
fields:
  adjustment: {type: money, prompt: Adjustment, min: -50, max: 50}
  fee: {type: money, prompt: Fee}
  weight: {type: number, prompt: Weight in kg, decimals: 2}
  size:
    type: choice
    ordered: true
    prompt: Parcel size
    options: [{label: Small, value: s}, {label: Medium, value: m}, {label: Large, value: l}]
nodes:
  A:
    steps:
      - ask: adjustment
      - ask: fee
      - ask: weight
      - ask: size
      - say: "Adjusted by {adjustment}, fee {fee}, {weight} kg, size {size}."
    end: done
"""


def test_negative_money_only_where_min_says_decimals_only_where_the_field_says(pipe: object, tmp_path: Path) -> None:
    path = tmp_path / "numbers.yaml"
    path.write_text(NUMBERS, encoding="utf-8")
    loaded = load_flow(str(path), cache=False)
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    out = io.StringIO()
    keys = [
        "-60" + ENTER + BACKSPACE * 2 + "12.5" + ENTER,  # below the min: refused; -12.5 is taken
        "-5" + ENTER + BACKSPACE * 2 + "5" + ENTER,  # a fee cannot be negative
        "2.555" + ENTER + BACKSPACE + ENTER,  # three decimals refused, two taken
        DOWN + DOWN + ENTER,  # the options in their order: Small, Medium, Large
    ]
    prompter = KeyedPrompter(Console(file=out, width=80, color_system=None), pipe, keys)
    drive(session, prompter)
    assert [(a.field_id, a.display) for a in summarize(session).answers] == [
        ("adjustment", "-$12.50"),
        ("fee", "$5.00"),
        ("weight", "2.55"),
        ("size", "Large"),
    ]
    screen = out.getvalue()
    assert "? Adjustment  -$12.50\n" in screen and "? Fee  $5.00\n" in screen
    assert "Adjusted by -$12.50, fee $5.00, 2.55 kg, size Large." in screen


SPLIT = """\
callflow: 1
id: split
title: Split the bill
start: A
catalog:
  SHARE: {name: Share, price: 1.00}
fields:
  bill: {type: money, prompt: Bill}
  people: {type: number, prompt: How many people, min: 0, max: 999999999999}
nodes:
  A:
    steps:
      - ask: bill
      - ask: people
      - set: {each: bill / people}
      - item: {code: SHARE, quantity: people, price: bill * people}
      - say: "Each pays {each}."
    end: done
"""


def test_a_division_by_zero_or_an_amount_too_large_is_refused_and_asked_again(pipe: object, tmp_path: Path) -> None:
    path = tmp_path / "split.yaml"
    path.write_text(SPLIT, encoding="utf-8")
    loaded = load_flow(str(path), cache=False)
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    out = io.StringIO()
    keys = [
        "90" + ENTER,
        "0" + ENTER,  # 90 / 0
        BACKSPACE + "99999999999" + ENTER,  # a price beyond what callflow carries
        BACKSPACE * 11 + "3" + ENTER,  # the prompt held 99999999999
    ]
    prompter = KeyedPrompter(Console(file=out, width=200, color_system=None), pipe, keys)
    drive(session, prompter)
    refusals = [line for line in out.getvalue().splitlines() if line.startswith("  ✗ ")]
    assert len(refusals) == 2, out.getvalue()
    assert all(line.startswith("  ✗ that answer cannot be taken: ") for line in refusals)
    assert "zero" in refusals[0]
    assert prompter.asked == ["bill", "people", "people", "people"]
    assert [a.display for a in summarize(session).answers] == ["$90.00", "3"]
    assert "Each pays $30.00." in out.getvalue()


def test_a_card_number_in_a_reason_is_read_back_as_kept(pipe: object) -> None:
    keys = [*UP_TO_THE_REFUND, "160.94" + ENTER, DOWN + ENTER, "card 4111 1111 1111 1111 declined" + ENTER, "2026-11-25" + ENTER]
    session, _, screen = walk_desk(keys, pipe)
    said = " ".join(screen.split())
    assert "☐ Log the return of 2 bottles in the stock sheet — done? Not done: card XXXX XXXX XXXX 1111 declined" in said
    assert "4111 1111" not in screen
    assert [c.reason for c in summarize(session).checklist] == ["card XXXX XXXX XXXX 1111 declined"]


def test_what_is_read_back_and_what_is_not() -> None:
    from callflow.terminal.hints import read_back

    today = date(2026, 11, 23)

    def back(typed: str, value: object, **spec: object) -> str | None:
        return read_back(InputField(prompt="?", **spec), typed, value, "USD", today)  # type: ignore[arg-type]

    assert back("card 4111 1111 1111 1111", "card XXXX XXXX XXXX 1111") == "card XXXX XXXX XXXX 1111"
    assert back("Robin", "Robin") is None
    assert back("1:30", Decimal(90), type="duration") == "1 h 30 min"
    assert back("1 h 30 min", Decimal(90), type="duration") is None
    assert back("45.5", Decimal("45.50"), type="money") == "$45.50"
    assert back("45.50", Decimal("45.50"), type="money") is None
    assert back("2026-11-23", "2026-11-23", type="date") == "Mon 23 Nov 2026 (today)"
    assert back("QZ7319", "QZ7319", secret=True) is None
