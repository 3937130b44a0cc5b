"""The live prompter: questionary prompts and rich output for a director on a call.

Every prompt offers Back (Esc, or the Back entry of a list). Ctrl-C asks
whether to save and quit; answering no goes on with what was being typed
still in the prompt. This is the only module that imports questionary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.styles import Style
from questionary import Choice, Separator
from rich.console import Console
from rich.text import Text

from callflow.engine import Prompt, Session
from callflow.events import Event
from callflow.flowindex import Question
from callflow.model import Choose
from callflow.render.screen import show_events
from callflow.runner import BACK
from callflow.values import InvalidAnswer, options_of, parse_answer, question_type

STYLE = Style.from_dict({"qmark": "fg:ansicyan bold", "question": "bold", "instruction": "fg:ansibrightblack"})
CHOICE_HINT = "(↑↓ Enter · Esc back · Ctrl-C stop)"
TEXT_HINT = "(Enter · Esc back · Ctrl-C stop)"
BACK_LABEL = "← Back"


class SaveAndQuit(Exception):
    """The director chose to stop the call here; the journal has every answer."""


def _back_on_escape(question: questionary.Question) -> questionary.Question:
    bindings = KeyBindings()

    @bindings.add("escape", eager=True)
    def _back(event: Any) -> None:
        event.app.exit(result=BACK)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), bindings])
    # A lone Esc is told apart from the start of an arrow key by this timeout.
    app.ttimeoutlen = 0.05
    return question


class LivePrompter:
    """A FrontEnd for a person at a terminal."""

    def __init__(self, console: Console, *, input: Any = None, output: Any = None) -> None:
        self.console = console
        self._io: dict[str, Any] = {}
        if input is not None:
            self._io["input"] = input
        if output is not None:
            self._io["output"] = output

    # -- FrontEnd -----------------------------------------------------------

    def show(self, session: Session, events: Sequence[Event], *, again: bool = False) -> None:
        show_events(self.console, events, session.flow.currency, again=again)

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        self.console.print(Text(f"  ✗ {message}", style="bold red"))

    def ask(self, session: Session, prompt: Prompt) -> object:
        typed = "" if prompt.previous is None else _as_text(prompt, session)
        while True:
            question = self._question(session, prompt, typed)
            try:
                return question.unsafe_ask()
            except KeyboardInterrupt:
                typed = _buffer_text(question) or typed
                if self.confirm_quit():
                    raise SaveAndQuit() from None

    # -- the prompts ---------------------------------------------------------

    def _question(self, session: Session, prompt: Prompt, typed: str) -> questionary.Question:
        q = prompt.question
        kind = question_type(q)
        message = q.prompt
        if kind in ("choice", "yesno"):
            choices: list[Any] = (
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
                instruction=CHOICE_HINT,
                style=STYLE,
                **self._io,
            )
        else:
            currency = session.flow.currency

            def validate(text: str) -> bool | str:
                try:
                    parse_answer(q, text, currency)
                except InvalidAnswer as exc:
                    return str(exc)
                return True

            maker = questionary.password if _is_secret(q) else questionary.text
            question = maker(
                message,
                default=typed,
                validate=validate,
                instruction=_text_instruction(q),
                style=STYLE,
                **self._io,
            )
        return _back_on_escape(question)

    def confirm_quit(self) -> bool:
        self.console.print()
        try:
            answer = questionary.select(
                "Stop here?",
                choices=[
                    Choice("Go on with the call", value=False),
                    Choice("Save and quit (resume later)", value=True),
                ],
                style=STYLE,
                **self._io,
            ).unsafe_ask()
        except KeyboardInterrupt:
            return True  # Ctrl-C twice: save and quit
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
        except KeyboardInterrupt:
            raise SaveAndQuit() from None
        return str(name).strip()


def _is_secret(question: Question) -> bool:
    return not isinstance(question, Choose) and question.secret


def _text_instruction(question: Question) -> str:
    kind = question_type(question)
    parts = []
    if kind == "money":
        parts.append("amount, e.g. 45.50")
    elif kind == "number":
        parts.append("a number")
    if not isinstance(question, Choose):
        if question.pattern_hint:
            parts.append(question.pattern_hint)
        if not question.required:
            parts.append("optional: Enter to skip")
        if question.help:
            parts.append(question.help)
    return f"({'; '.join(parts)}) {TEXT_HINT}" if parts else TEXT_HINT


def _as_text(prompt: Prompt, session: Session) -> str:
    """A previous answer as the text to put back in the prompt."""
    value = prompt.previous
    if _is_secret(prompt.question):
        return ""
    return "" if value is None else str(value)


def _buffer_text(question: questionary.Question) -> str:
    """What was typed when Ctrl-C came (empty for list prompts)."""
    return str(question.application.current_buffer.text)
