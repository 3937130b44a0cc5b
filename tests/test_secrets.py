"""Secrets are never written or printed, resume asks again only for a secret
a step still needs, and card numbers in free text are kept masked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sessionkit import (
    CARD,
    CARD_MASKED,
    CARD_TEXT,
    NEVER_SHOWN,
    PIN,
    SECRET_ANSWERS,
    SECRET_FLOW,
    cli,
    every_file_text,
    journal_of,
    write,
)

from callflow.call.answers import load_answers
from callflow.call.cardmask import luhn_valid, mask_card_numbers
from callflow.call.engine import Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import REDACTED, summarize
from callflow.call.values import InvalidAnswer, parse_answer
from callflow.flow.fields import InputField
from callflow.flow.loadedflow import load_flow
from callflow.flow.loader import adapter
from callflow.record.calls import CallRecorder
from callflow.record.journal import Journal
from callflow.record.journalread import read_journal
from callflow.record.replay import replay, values_needed


def field(**spec: object) -> InputField:
    return adapter(InputField).validate_python({"prompt": "Q?", **spec})


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("card 4111 1111 1111 1111 declined", "card XXXX XXXX XXXX 1111 declined"),
        ("4111-1111-1111-1111", "XXXX-XXXX-XXXX-1111"),
        ("4111111111111111", "XXXXXXXXXXXX1111"),
        ("amex 3782 822463 10005", "amex XXXX XXXXXX X0005"),
        ("13 digits 4222222222222", "13 digits XXXXXXXXX2222"),
        ("two 4111 1111 1111 1111 5500-0000-0000-0004.", "two XXXX XXXX XXXX 1111 XXXX-XXXX-XXXX-0004."),
        ("card 4111 1111 1111 1111 exp 2029", "card XXXX XXXX XXXX 1111 exp 2029"),
        ("4111 1111 1111 1111 2029", "XXXX XXXX XXXX 1111 2029"),  # then the year, in one run
        ("ref 12 4111 1111 1111 1111", "ref 12 XXXX XXXX XXXX 1111"),
        # Not card numbers: fails Luhn, too short, too long unbroken, other digits.
        ("4111 1111 1111 1112", "4111 1111 1111 1112"),
        ("phone 888 615 4357", "phone 888 615 4357"),
        ("order 12345678901234567890123", "order 12345678901234567890123"),
        # Whatever is typed between the groups, in any script (issue 12).
        ("٤١١١١١١١١١١١١١١١", "XXXXXXXXXXXX١١١١"),
        ("4111  1111  1111  1111", "XXXX  XXXX  XXXX  1111"),
        ("4111.1111.1111.1111", "XXXX.XXXX.XXXX.1111"),
        ("4111\u00a01111\u00a01111\u00a01111", "XXXX\u00a0XXXX\u00a0XXXX\u00a01111"),
        ("4111/1111/1111/1111", "XXXX/XXXX/XXXX/1111"),
        ("4111_1111_1111_1111", "XXXX_XXXX_XXXX_1111"),
        ("(4111) 1111-1111-1111", "(XXXX) XXXX-XXXX-1111"),
        ("４１１１ １１１１ １１１１ １１１１", "XXXX XXXX XXXX １１１１"),
        ("4111 – 1111 – 1111 – 1111", "XXXX – XXXX – XXXX – 1111"),
    ],
)
def test_card_numbers_are_masked_to_their_last_four_digits(text: str, kept: str) -> None:
    assert mask_card_numbers(text) == kept
    assert mask_card_numbers(kept) == kept  # masking twice changes nothing


def test_luhn() -> None:
    assert luhn_valid("4111111111111111") and luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112") and not luhn_valid("79927398710")


def test_a_huge_run_of_digit_groups_is_masked_whole_in_bounded_time() -> None:
    text = "1 " * 200_000
    masked = mask_card_numbers(text)
    assert masked.count("1") == 4 and len(masked) == len(text)


def test_free_text_answers_are_kept_masked_but_patterns_and_secrets_as_typed() -> None:
    assert parse_answer(field(), f"  {CARD_TEXT} ") == CARD_MASKED
    assert parse_answer(field(secret=True), CARD) == CARD  # in memory only, for the step that needs it
    assert parse_answer(field(pattern="[0-9 ]+"), "4111 1111 1111 1111") == "4111 1111 1111 1111"


def test_a_refusal_does_not_echo_a_card_number() -> None:
    with pytest.raises(InvalidAnswer) as refused:
        parse_answer(field(pattern="[0-9]{6}", pattern_hint="six digits"), "4111111111111111")
    assert str(refused.value) == "'XXXXXXXXXXXX1111' does not fit: six digits"


def test_notes_are_kept_masked(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path / "flow.yaml", SECRET_FLOW)))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    call = CallRecorder.start(loaded, session, tmp_path / "s", journal=True)
    assert call.noted(session.prompt, f"caller said {CARD_TEXT}") == f"caller said {CARD_MASKED}"
    call.close()
    assert read_journal(journal_of(tmp_path / "s")).notes()[0]["text"] == f"caller said {CARD_MASKED}"


def test_what_a_step_needs_is_found_in_conditions_and_amounts(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path / "flow.yaml", SECRET_FLOW)))
    needed = values_needed(loaded.flow)
    assert "pin" in needed and "due" in needed
    assert "card" not in needed and "name" not in needed


def test_a_secret_is_usable_in_its_step_and_written_nowhere(tmp_path: Path) -> None:
    flow = write(tmp_path / "flow.yaml", SECRET_FLOW)
    answers = write(tmp_path / "answers.yaml", SECRET_ANSWERS)
    sessions = tmp_path / "s"
    result = cli("run", flow, "--answers", answers, "--save", "--json", "--sessions-dir", sessions)
    assert result.returncode == 0, result.stderr
    receipt = json.loads(result.stdout)
    # The PIN took the call down its branch: it was usable where it was needed.
    assert receipt["outcome"] == "paid" and receipt["path"] == ["A", "B"]
    by_field = {a["field"]: a for a in receipt["answers"]}
    assert by_field["pin"]["value"] == by_field["pin"]["display"] == REDACTED
    assert by_field["card"]["value"] == REDACTED
    assert by_field["issue"]["value"] == CARD_MASKED
    assert receipt["ticket"]["fields"] == [{"key": "description", "label": "Description", "value": CARD_MASKED}]
    assert receipt["payments"][0]["method"] == "card"
    journal = read_journal(journal_of(sessions))
    assert [a.get("value", "-") for a in journal.answers() if a.get("secret")] == ["-", "-"]
    written = every_file_text(sessions) + result.stdout + result.stderr
    for secret in NEVER_SHOWN:
        assert secret not in written


def test_a_refused_secret_in_an_answers_file_is_not_echoed(tmp_path: Path) -> None:
    flow = write(tmp_path / "flow.yaml", SECRET_FLOW)
    answers = write(tmp_path / "answers.yaml", SECRET_ANSWERS.replace(PIN, "qz-7319-secret"))
    result = cli("run", flow, "--answers", answers, "--save", "--sessions-dir", tmp_path / "s")
    assert result.returncode == 4
    assert "the answer does not fit: two letters and four digits" in result.stderr
    assert "qz-7319-secret" not in result.stderr + every_file_text(tmp_path / "s")


def stop_after(tmp_path: Path, count: int) -> tuple[Path, Path, Path]:
    """A journalled call of the secret flow that stopped after `count` answers."""
    flow = write(tmp_path / "flow.yaml", SECRET_FLOW)
    answers = write(tmp_path / "answers.yaml", SECRET_ANSWERS)
    sessions = tmp_path / "s"
    loaded = load_flow(str(flow))
    answer_set = load_answers(str(answers))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    call = CallRecorder.start(loaded, session, sessions, journal=True)
    front = ScriptedFrontEnd(answer_set)
    for _ in range(count):
        prompt = session.prompt
        assert prompt is not None
        session.answer(front.ask(session, prompt))
        call.answered(session.answers()[-1])
    call.stopped("SIGHUP")
    return flow, answers, sessions


def test_resume_takes_a_needed_secret_from_the_answers_file(tmp_path: Path) -> None:
    flow, answers, sessions = stop_after(tmp_path, 3)  # name, PIN and card given
    # What goes on with the call: the PIN again (a route reads it), not the card.
    rest = write(tmp_path / "rest.yaml", SECRET_ANSWERS.replace(f'  card: "{CARD}"\n', ""))
    result = cli("resume", "--answers", rest, "--sessions-dir", sessions, "--json")
    assert result.returncode == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["path"] == ["A", "B"] and receipt["outcome"] == "paid"
    assert "Secret(s) not saved and not needed by any step: card" in result.stderr
    resume = next(e for e in read_journal(journal_of(sessions)).events if e["event"] == "resume")
    assert resume["secrets_given_again"] == ["pin"] and resume["secrets_not_needed"] == ["card"]
    uninterrupted = json.loads(cli("run", flow, "--answers", answers, "--json").stdout)
    assert receipt["answers"] == uninterrupted["answers"] and receipt["invoice"] == uninterrupted["invoice"]
    written = every_file_text(sessions) + result.stdout + result.stderr
    for secret in NEVER_SHOWN:
        assert secret not in written


def test_resume_without_a_needed_secret_says_which_one_to_give(tmp_path: Path) -> None:
    _, _, sessions = stop_after(tmp_path, 2)
    no_pin = write(tmp_path / "no-pin.yaml", SECRET_ANSWERS.replace(f"  pin: {PIN}\n", ""))
    result = cli("resume", "--answers", no_pin, "--sessions-dir", sessions)
    assert result.returncode == 4
    assert "resuming needs the secret 'pin' again (secrets are never saved): add 'pin:' under answers" in result.stderr
    assert [e["event"] for e in read_journal(journal_of(sessions)).events][-1] == "stopped"


def test_export_of_an_unfinished_call_stops_at_a_needed_secret(tmp_path: Path) -> None:
    _, _, sessions = stop_after(tmp_path, 3)
    result = cli("sessions", "export", journal_of(sessions).stem, "--sessions-dir", sessions, "--json")
    assert result.returncode == 0, result.stderr
    assert "the replay stops at the secret 'pin', which a later step needs" in result.stderr
    receipt = json.loads(result.stdout)
    assert [a["field"] for a in receipt["answers"]] == ["name"]


def test_a_secret_no_step_needs_is_replayed_without_its_value(tmp_path: Path) -> None:
    flow, _, sessions = stop_after(tmp_path, 3)
    loaded = load_flow(str(flow))
    record = read_journal(journal_of(sessions))
    asked: list[str] = []
    from callflow.record.replay import SecretSource

    result = replay(
        record.answers(),
        loaded.flow,
        loaded.index,
        secrets=SecretSource(ask=lambda session, prompt: asked.append(prompt.field_id) or PIN),
    )
    assert asked == ["pin"] and result.stand_ins == ["card"] and result.complete
    summary = summarize(result.session).to_dict()
    assert [a["value"] for a in summary["answers"]] == ["Robin", REDACTED, REDACTED]


def test_the_journal_never_holds_a_secret_even_in_a_stop(tmp_path: Path) -> None:
    _, _, sessions = stop_after(tmp_path, 3)
    text = journal_of(sessions).read_text()
    for secret in NEVER_SHOWN:
        assert secret not in text
    journal = Journal.reopen(journal_of(sessions))
    journal.close()


def test_a_card_number_typed_into_a_number_field_is_never_recorded_or_echoed() -> None:
    from callflow.call.values import InvalidAnswer, parse_answer
    from callflow.flow.fields import InputField

    for kind in ("number", "money"):
        with pytest.raises(InvalidAnswer) as caught:
            parse_answer(InputField(prompt="How many?", type=kind), "4111111111111111")  # type: ignore[arg-type]
        assert "4111" not in str(caught.value)
