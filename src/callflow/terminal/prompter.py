"""The live prompter: questionary prompts and rich output for a director on a call.

Every prompt offers Back (Esc, or the Back entry of a list). Ctrl-C (or
Ctrl-D) asks whether to save and quit; answering no goes on with what was
being typed still in the prompt. When the prompter has somewhere to keep
notes (`on_note`), Ctrl-N at any prompt opens a one-line note and then comes
back to the same prompt, typed text kept. This is the only module that
imports questionary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.styles import Style
from questionary import Choice, Separator
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from callflow.call.driver import BACK
from callflow.call.engine import Prompt, Session
from callflow.call.events import Event
from callflow.call.values import InvalidAnswer, check_answer, display_value, options_of, parse_answer, question_type
from callflow.flow.fields import InputField
from callflow.flow.index import Confirmation, Question
from callflow.flow.model import Choose
from callflow.terminal.hints import input_hint, read_back
from callflow.terminal.screen import hanging, show_session_events, words

STYLE = Style.from_dict({"qmark": "fg:ansicyan bold", "question": "bold", "instruction": "fg:ansibrightblack"})
CHOICE_HINT = "(↑↓ Enter · Esc back · Ctrl-C stop)"
TEXT_HINT = "(Enter · Esc back · Ctrl-C stop)"
# Where the whole hint would wrap the prompt line (an 80-column terminal).
SHORT_CHOICE_HINT = "(↑↓ Enter · Esc back)"
SHORT_TEXT_HINT = "(Enter · Esc back)"
ROOM_TO_TYPE = 12
NOTE_KEY = "c-n"
BACK_LABEL = "← Back"
DONE = "done"
NOT_DONE = "not done"
NOT_DONE_LABEL = "Not done…"
# The second step of "Not done…": why (a confirmation's answer is "not done: <reason>").
REASON = InputField(prompt="Why was it not done?", help=None)

# Keeps a note taken at a prompt and returns it as kept (card numbers masked).
NoteTaker = Callable[[Prompt | None, str], str]


class SaveAndQuit(Exception):
    """The director chose to stop the call here; the journal has every answer."""


class _TakeNote:
    def __repr__(self) -> str:
        return "NOTE"


_NOTE = _TakeNote()
_CANCEL = object()


def _with_keys(question: questionary.Question, keys: dict[str, object]) -> questionary.Question:
    """Keys that end the prompt with a given result (Esc: BACK, Ctrl-N: a note)."""
    bindings = KeyBindings()
    for key, result in keys.items():

        def _exit(event: Any, result: object = result) -> None:
            event.app.exit(result=result)

        bindings.add(key, eager=True)(_exit)
    app = question.application
    # Added last, so these win over the prompt's own bindings of the same keys.
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), bindings])
    # A lone Esc is told apart from the start of an arrow key by this timeout.
    app.ttimeoutlen = 0.05
    return question


def _back_on_escape(question: questionary.Question) -> questionary.Question:
    return _with_keys(question, {"escape": BACK})


class LivePrompter:
    """A FrontEnd for a person at a terminal."""

    def __init__(
        self, console: Console, *, input: Any = None, output: Any = None, on_note: NoteTaker | None = None
    ) -> None:
        self.console = console
        self.on_note = on_note
        self._io: dict[str, Any] = {}
        self._echo: str | None = None  # the last answer read back, shown once the engine takes it
        self._given: tuple[str, Any] | None = None  # the last answer given, offered again if refused
        self._retype: tuple[str, Any] | None = None
        self._hint_apart = False  # what to type is on its own line above the prompt
        if input is not None:
            self._io["input"] = input
        if output is not None:
            self._io["output"] = output

    def _hint(self, base: str) -> str:
        return base.replace(" · Ctrl-C stop", " · Ctrl-N note · Ctrl-C stop") if self.on_note else base

    def _fits(self, message: str, instruction: str, room: int = 0) -> bool:
        return cell_len(f"? {message} {instruction} ") + room <= self.console.width

    def _list_hint(self, message: str) -> str:
        full = self._hint(CHOICE_HINT)
        return full if self._fits(message, full) else SHORT_CHOICE_HINT

    def _text_hint(self, question: Question, currency: str, today: date) -> str:
        """The keys, with what to type unless it went on a line of its own;
        short where the whole would wrap the line the director types on."""
        full = self._hint(TEXT_HINT) if self._hint_apart else self._hint(text_instruction(question, currency, today))
        return full if self._fits(question.prompt, full, ROOM_TO_TYPE) else SHORT_TEXT_HINT

    # -- FrontEnd -----------------------------------------------------------

    def show(self, session: Session, events: Sequence[Event], *, again: bool = False) -> None:
        if not again:
            self.read_back()
        self._echo = None
        show_session_events(self.console, session, events, again=again)

    def read_back(self) -> None:
        """Show the last answer as callflow took it (`→ 2 h 30 min`), once."""
        echo, self._echo = self._echo, None
        if echo is not None:
            self.console.print(words(("    → ", "cyan"), (echo, "bold")))

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        """The engine refused the answer: one line, and the prompt comes again with it typed."""
        self._echo = None
        self._retype = self._given
        self.console.print(hanging(words(("  ✗ ", "bold red"), (message, "bold red"))))

    def ask(self, session: Session, prompt: Prompt) -> object:
        self._hint_apart = False
        retype, self._retype = self._retype, None
        given = retype if retype is not None and retype[0] == prompt.field_id else None
        typed = "" if prompt.previous is None else _as_text(prompt, session)
        if given is not None:
            if _is_secret(prompt.question):
                pass  # a secret is typed again, never kept for it
            elif isinstance(prompt.question, InputField) and question_type(prompt.question) not in ("choice", "yesno"):
                typed = str(given[1])
            else:
                prompt = dataclasses.replace(prompt, previous=given[1])  # the list opens on it
        if isinstance(prompt.question, Confirmation):
            reply = self._confirm(session, prompt)
            if isinstance(reply, str) and reply != DONE:
                kept = display_value(prompt.question, False, reason=check_answer(reply)[1])
                self._echo = None if kept.casefold() == reply.casefold() else kept
        else:
            if prompt.question.help:
                # On its own line: a long hint inside the prompt line would wrap it.
                self.console.print(words(("  ℹ ", "blue"), (prompt.question.help, "dim")))
            hint = input_hint(prompt.question, session.flow.currency, session.today)
            full = f"({'; '.join(hint)}) {self._hint(TEXT_HINT)}"
            self._hint_apart = bool(hint) and not self._fits(prompt.question.prompt, full, ROOM_TO_TYPE)
            if self._hint_apart:
                self.console.print(words(("  ▸ ", "blue"), ("; ".join(hint), "dim")))
            reply = self._reply(session, prompt, typed)
            if isinstance(reply, str):
                self._echo = _read_back(session, prompt, reply)
        self._given = None if reply is BACK else (prompt.field_id, reply)
        return reply

    def _reply(self, session: Session, prompt: Prompt, typed: str) -> object:
        """One prompt until it gives an answer or BACK: Ctrl-C asks whether to
        stop, Ctrl-N takes a note, and what was typed stays in the prompt."""
        while True:
            question = self._question(session, prompt, typed)
            try:
                reply = question.unsafe_ask()
            except (KeyboardInterrupt, EOFError):
                typed = _buffer_text(question) or typed
                if self.confirm_quit():
                    raise SaveAndQuit() from None
                continue
            if reply is _NOTE:
                typed = _buffer_text(question) or typed
                self.take_note(prompt)
                continue
            return reply

    def _confirm(self, session: Session, prompt: Prompt) -> object:
        """A checklist item: Done, or Not done… and then why (Esc there comes
        back to the list; Back in the list undoes the last answer)."""
        previous = str(prompt.previous or "")
        reason = previous.split(":", 1)[1].strip() if previous.startswith(NOT_DONE) and ":" in previous else ""
        while True:
            choice = self._reply(session, prompt, "")
            if choice is BACK or choice == DONE:
                return choice
            why = dataclasses.replace(prompt, question=REASON, previous=None)
            given = self._reply(session, why, reason)
            if given is not BACK:
                return f"{NOT_DONE}: {str(given).strip()}"
            self.console.print(Text("  ↩ Back to done / not done", style="yellow"))
            prompt = dataclasses.replace(prompt, previous=NOT_DONE)

    def take_note(self, prompt: Prompt | None) -> None:
        """Ask for a one-line note and keep it (Esc, Ctrl-C or an empty note cancel)."""
        if self.on_note is None:
            return
        question = _with_keys(
            questionary.text(
                "Note:",
                instruction="(Enter saves · Esc cancels; card numbers are kept masked)",
                style=STYLE,
                **self._io,
            ),
            {"escape": _CANCEL},
        )
        try:
            text = question.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            text = _CANCEL
        if text is _CANCEL or not str(text).strip():
            self.console.print(Text("  (no note taken)", style="dim"))
            return
        kept = self.on_note(prompt, str(text))
        self.console.print(words(("  ✎ Note: ", "bold blue"), (kept, "italic")))

    # -- the prompts ---------------------------------------------------------

    def _question(self, session: Session, prompt: Prompt, typed: str) -> questionary.Question:
        q = prompt.question
        kind = question_type(q)
        message = q.prompt
        if isinstance(q, Confirmation):
            choices: list[Any] = [
                Choice("Done", value=DONE),
                Choice(NOT_DONE_LABEL, value=NOT_DONE),
                Separator(),
                Choice(BACK_LABEL, value=BACK),
            ]
            previous = str(prompt.previous or "")
            chosen = NOT_DONE if previous.startswith(NOT_DONE) else DONE
            question = questionary.select(
                f"{message} — done?",
                choices=choices,
                default=next(c for c in choices if isinstance(c, Choice) and c.value == chosen),
                instruction=self._list_hint(f"{message} — done?"),
                style=STYLE,
                qmark="☐",
                **self._io,
            )
        elif kind in ("choice", "yesno"):
            choices = (
                [Choice(o.label, value=o.key) for o in options_of(q)]
                if kind == "choice"
                else [Choice("Yes", value=True), Choice("No", value=False)]
            )
            choices += [Separator(), Choice(BACK_LABEL, value=BACK)]
            default = next((c for c in choices if isinstance(c, Choice) and c.value == prompt.previous), None)
            question = questionary.select(
                message,
                choices=choices,
                default=default,
                instruction=self._list_hint(message),
                style=STYLE,
                **self._io,
            )
        else:
            currency = session.flow.currency
            today = session.today

            def validate(text: str) -> bool | str:
                try:
                    parse_answer(q, text, currency, today)
                except InvalidAnswer as exc:
                    return str(exc)
                return True

            maker = questionary.password if _is_secret(q) else questionary.text
            question = maker(
                message,
                default=typed,
                validate=validate,
                instruction=self._text_hint(q, currency, today),
                style=STYLE,
                **self._io,
            )
        keys: dict[str, object] = {"escape": BACK}
        if self.on_note is not None:
            keys[NOTE_KEY] = _NOTE
        return _with_keys(question, keys)

    def confirm_quit(self) -> bool:
        self.console.print()
        # Ctrl-C twice (or input gone): save and quit.
        return not self.choose("Stop here?", "Go on with the call", "Save and quit (resume later)", interrupted=False)

    def choose(self, message: str, yes: str, no: str, *, interrupted: bool = False) -> bool:
        """A two-way question: True for `yes` (listed first), False for `no`.
        Ctrl-C, Ctrl-D or a closed input give `interrupted`."""
        try:
            answer = questionary.select(
                message,
                choices=[Choice(yes, value=True), Choice(no, value=False)],
                style=STYLE,
                **self._io,
            ).unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            return interrupted
        return bool(answer)

    def ask_agent(self) -> str:
        """The director's name for {agent}, when --agent and CALLFLOW_AGENT are unset."""
        try:
            name = questionary.text(
                "Your name (said to the caller as {agent}):",
                validate=lambda t: bool(t.strip()) or "type your name",
                style=STYLE,
                **self._io,
            ).unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise SaveAndQuit() from None
        return str(name).strip()


def _is_secret(question: Question) -> bool:
    return not isinstance(question, Choose) and question.secret


def text_instruction(question: Question, currency: str, today: date) -> str:
    parts = input_hint(question, currency, today)
    return f"({'; '.join(parts)}) {TEXT_HINT}" if parts else TEXT_HINT


def _read_back(session: Session, prompt: Prompt, typed: str) -> str | None:
    try:
        value = parse_answer(prompt.question, typed, session.flow.currency, session.today)
    except InvalidAnswer:
        return None
    return read_back(prompt.question, typed, value, session.flow.currency, session.today)


def _as_text(prompt: Prompt, session: Session) -> str:
    """A previous answer as the text to put back in the prompt."""
    value = prompt.previous
    if _is_secret(prompt.question) or value is None:
        return ""
    if question_type(prompt.question) == "duration":
        return display_value(prompt.question, value)  # 1 h 30 min, not the minutes
    return str(value)


def _buffer_text(question: questionary.Question) -> str:
    """What was typed when Ctrl-C came (empty for list prompts)."""
    return str(question.application.current_buffer.text)
