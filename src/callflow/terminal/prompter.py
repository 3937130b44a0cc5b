"""The live prompter: questionary prompts and rich output for a director on a call.

Under every prompt a status line (callflow.terminal.statusline) says where
the call is (node, section, the call's clock, the total and what is due) and
which keys work: Esc (or the Back entry of a list) undoes the last answer,
Ctrl-N takes a note, Ctrl-R reviews the answers and changes one, Ctrl-C asks
whether to save and quit (answering no goes on with what was being typed
still in the prompt). A prompt is erased when it is done, and the answer is
then shown as the record keeps it (`? Ticket Title…  card XXXX XXXX XXXX
1111 declined`, a secret as `[secret]`). At the end of a call the end node's
words and checklist stay on screen until the director presses Enter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from callflow.call.driver import BACK, Moved, Revise
from callflow.call.engine import Prompt, Session
from callflow.call.events import Event
from callflow.flow.fields import InputField
from callflow.flow.index import Confirmation
from callflow.terminal import prompts
from callflow.terminal.hints import input_hint
from callflow.terminal.prompts import CANCEL, DONE, NOT_DONE, NOTE, REVIEW, Status
from callflow.terminal.screen import answer_words, answered_line, hanging, show_session_events, words
from callflow.terminal.statusline import CallClock, keys_window

ROOM_TO_TYPE = 12
NOTE_KEY = "c-n"
REVIEW_KEY = "c-r"
# The second step of "Not done…": why (a confirmation's answer is "not done: <reason>").
REASON = InputField(prompt="Why was it not done?", help=None)

# Keeps a note taken at a prompt and returns it as kept (card numbers masked).
NoteTaker = Callable[[Prompt | None, str], str]


class SaveAndQuit(Exception):
    """The director chose to stop the call here; the journal has every answer."""


class LivePrompter:
    """A FrontEnd for a person at a terminal."""

    def __init__(
        self,
        console: Console,
        *,
        input: Any = None,
        output: Any = None,
        on_note: NoteTaker | None = None,
        clock: CallClock | None = None,
        review: bool = False,
        end_key: bool = False,
    ) -> None:
        self.console = console
        self.on_note = on_note
        self.clock = clock
        self.review = review  # Ctrl-R changes an earlier answer (a call, not a quiz)
        self.end_key = end_key  # the end of the call waits for Enter before the summary
        self.io: dict[str, Any] = {}
        self._session: Session | None = None
        self._pending: tuple[Prompt, int] | None = None  # answered, shown once the engine takes it
        self._given: tuple[str, Any] | None = None  # the last answer given, offered again if refused
        self._retype: tuple[str, Any] | None = None
        if input is not None:
            self.io["input"] = input
        if output is not None:
            self.io["output"] = output

    @property
    def takes_notes(self) -> bool:
        return self.on_note is not None

    # -- FrontEnd -----------------------------------------------------------

    def show(self, session: Session, events: Sequence[Event], *, again: bool = False, moved: Moved | None = None) -> None:
        if again:
            from callflow.terminal.moves import show_move

            self._pending = None
            show_move(self.console, session, moved)
            return
        self.read_back(session)
        show_session_events(self.console, session, events)

    def read_back(self, session: Session) -> None:
        """The last answer as the engine took it (`? Past due…  $45.50`), once."""
        pending, self._pending = self._pending, None
        answers = session.answers()
        if pending is None or len(answers) != pending[1] + 1 or answers[-1].field_id != pending[0].field_id:
            return
        prompt, answer = pending[0], answers[-1]
        question = session.index.questions.get(answer.field_id)
        shown = answer_words(question, answer, session.today)
        check = isinstance(prompt.question, Confirmation)
        self.console.print(hanging(answered_line(prompt.question.prompt, shown, check=check), 2))

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        """The engine refused the answer: one line, and the prompt comes again with it typed."""
        self._pending = None
        self._retype = self._given
        self.console.print(hanging(words(("  ✗ ", "bold red"), (message, "bold red"))))

    def ask(self, session: Session, prompt: Prompt) -> object:
        self._session = session
        retype, self._retype = self._retype, None
        given = retype if retype is not None and retype[0] == prompt.field_id else None
        typed = "" if prompt.previous is None else _as_text(prompt)
        if given is not None:
            if prompts.is_secret(prompt):
                pass  # a secret is typed again, never kept for it
            elif not prompts.is_list(prompt):
                typed = str(given[1])
            else:
                prompt = dataclasses.replace(prompt, previous=given[1])  # the list opens on it
        reply = self._confirm(session, prompt) if isinstance(prompt.question, Confirmation) else self._typed(session, prompt, typed)
        if reply is BACK or isinstance(reply, Revise):
            self._given = None
        else:
            self._given = (prompt.field_id, reply)
            self._pending = (prompt, len(session.answers()))
        return reply

    def _typed(self, session: Session, prompt: Prompt, typed: str, *, review: bool = True) -> object:
        instruction: str | None = None
        if not prompts.is_list(prompt):
            if prompt.question.help:
                # On its own line: a long hint inside the prompt line would wrap it.
                self.console.print(words(("  ℹ ", "blue"), (prompt.question.help, "dim")))
            hint = "; ".join(input_hint(prompt.question, session.flow.currency, session.today))
            if hint and cell_len(f"? {prompt.question.prompt}  ({hint}) ") + ROOM_TO_TYPE <= self.console.width:
                instruction = f"({hint})"
            elif hint:
                self.console.print(words(("  ▸ ", "blue"), (hint, "dim")))
        return self._reply(session, prompt, typed, instruction=instruction, review=review)

    def _status(self, session: Session, prompt: Prompt, first: Sequence[tuple[str, str]], *, review: bool) -> Any:
        status = Status(session, self.clock, note=self.on_note is not None, review=self.review and review)
        return status.window(prompt.node_id, status.keys(first))

    def _reply(self, session: Session, prompt: Prompt, typed: str, *, instruction: str | None = None, review: bool = True) -> object:
        """One prompt until it gives an answer, BACK or a change: Ctrl-C asks
        whether to stop, Ctrl-N takes a note, Ctrl-R reviews the answers, and
        what was typed stays in the prompt."""
        first = [("↑↓ Enter", "pick")] if prompts.is_list(prompt) else [("Enter", "take")]
        keys: dict[str, object] = {"escape": BACK}
        if self.on_note is not None:
            keys[NOTE_KEY] = NOTE
        if self.review and review:
            keys[REVIEW_KEY] = REVIEW
        while True:
            question = self._question(session, prompt, typed, instruction)
            status = self._status(session, prompt, first, review=review)
            prompts.ready(question, keys, status=status, tick=self.clock is not None)
            try:
                reply = question.unsafe_ask()
            except (KeyboardInterrupt, EOFError):
                typed = _buffer_text(question) or typed
                if self.confirm_quit():
                    raise SaveAndQuit() from None
                continue
            if reply is NOTE:
                typed = _buffer_text(question) or typed
                self.take_note(prompt)
                continue
            if reply is REVIEW:
                typed = _buffer_text(question) or typed
                from callflow.terminal.review import review_answers

                change = review_answers(self, session)
                if change is not None:
                    return change
                continue
            return reply

    def _question(self, session: Session, prompt: Prompt, typed: str, instruction: str | None = None) -> Any:
        return prompts.question_for(session, prompt, typed, instruction=instruction, io=self.io)

    def _confirm(self, session: Session, prompt: Prompt) -> object:
        """A checklist item: Done, or Not done… and then why (Esc there comes
        back to the list; Back in the list undoes the last answer)."""
        previous = str(prompt.previous or "")
        reason = previous.split(":", 1)[1].strip() if previous.startswith(NOT_DONE) and ":" in previous else ""
        while True:
            choice = self._reply(session, prompt, "")
            if choice is BACK or choice == DONE or isinstance(choice, Revise):
                return choice
            why = dataclasses.replace(prompt, question=REASON, previous=None)
            given = self._reply(session, why, reason, review=False)
            if given is not BACK and not isinstance(given, Revise):
                return f"{NOT_DONE}: {str(given).strip()}"
            self.console.print(Text("  ↩ Back to done / not done", style="yellow"))
            prompt = dataclasses.replace(prompt, previous=NOT_DONE)

    def ask_again(self, session: Session, prompt: Prompt) -> object:
        """An earlier question asked anew (a change): its answer, or BACK."""
        if isinstance(prompt.question, Confirmation):
            reply = self._confirm(session, prompt)
        else:
            reply = self._typed(session, prompt, "" if prompt.previous is None else _as_text(prompt), review=False)
        return reply

    def take_note(self, prompt: Prompt | None) -> None:
        """Ask for a one-line note and keep it (Esc, Ctrl-C or an empty note cancel)."""
        if self.on_note is None:
            return
        status = None
        if self._session is not None:
            node = prompt.node_id if prompt is not None else self._session.current_node()
            status = Status(self._session, self.clock, note=False, review=False).window(
                node, [("Enter", "save the note"), ("Esc", "cancel")]
            )
        try:
            text = prompts.text(
                "Note:",
                instruction="(card numbers are kept masked)",
                io=self.io,
                status=status,
                keys={"escape": CANCEL},
            )
        except (KeyboardInterrupt, EOFError):
            text = CANCEL
        if text is CANCEL or not str(text).strip():
            self.console.print(Text("  (no note taken)", style="dim"))
            return
        kept = self.on_note(prompt, str(text))
        self.console.print(hanging(words(("  ✎ Note: ", "bold blue"), (kept, "italic"))))

    def confirm_end(self, session: Session) -> object:
        """The end of the call: its words and checklist stay on screen until
        Enter; Esc goes back (the last answer was wrong), Ctrl-R changes one."""
        if not self.end_key:
            return None
        from callflow.terminal.endscreen import wait_at_end

        return wait_at_end(self, session)

    def confirm_quit(self) -> bool:
        # Ctrl-C twice (or input gone): save and quit.
        return not self.choose(
            "Stop here?", "Go on with the call", "Save and quit (resume later)", interrupted=False, quiet=True
        )

    def choose(self, message: str, yes: str, no: str, *, interrupted: bool = False, quiet: bool = False) -> bool:
        """A two-way question: True for `yes` (listed first), False for `no`.
        Ctrl-C, Ctrl-D or a closed input give `interrupted`."""
        keys = [("↑↓ Enter", "pick"), ("Ctrl-C", "stop")]
        session = self._session
        status = Status(session, self.clock, note=False, review=False).window(session.current_node(), keys) if session else keys_window(keys)
        try:
            answer = bool(prompts.select(message, [(yes, True), (no, False)], io=self.io, status=status))
        except (KeyboardInterrupt, EOFError):
            return interrupted
        if not quiet:
            self.console.print(hanging(answered_line(message, yes if answer else no), 2))
        return answer

    def ask_agent(self) -> str:
        """The director's name for {agent}, when --agent and CALLFLOW_AGENT are unset."""
        message = "Your name (said to the caller as {agent}):"
        try:
            name = prompts.text(
                message,
                io=self.io,
                validate=lambda t: bool(t.strip()) or "type your name",
                status=keys_window([("Enter", "take"), ("Ctrl-C", "stop")]),
            )
        except (KeyboardInterrupt, EOFError):
            raise SaveAndQuit() from None
        self.console.print(hanging(answered_line(message, str(name).strip()), 2))
        return str(name).strip()


def _as_text(prompt: Prompt) -> str:
    """A previous answer as the text to put back in the prompt."""
    from callflow.call.values import display_value, question_type

    value = prompt.previous
    if prompts.is_secret(prompt) or value is None:
        return ""
    if question_type(prompt.question) == "duration":
        return display_value(prompt.question, value)  # 1 h 30 min, not the minutes
    return str(value)


def _buffer_text(question: Any) -> str:
    """What was typed when Ctrl-C came (empty for list prompts)."""
    return str(question.application.current_buffer.text)

