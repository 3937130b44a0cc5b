"""The questionary prompts of a live call, made ready for a director.

Every prompt is erased when it is done (the prompter then prints the
answer as the record keeps it, so a card number typed, a half-typed answer
before Ctrl-C or a secret never stays on screen as typed), carries the
status line (callflow.terminal.statusline), and ends with a given result on
the call's keys (Esc: back, Ctrl-N: a note, Ctrl-R: review).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import questionary
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.styles import Style
from questionary import Choice, Separator
from rich.console import Console

from callflow.call.driver import BACK
from callflow.call.engine import Prompt, Session
from callflow.call.values import InvalidAnswer, options_of, parse_answer, question_type
from callflow.flow.index import Confirmation
from callflow.flow.model import Choose
from callflow.terminal.statusline import STYLES, CallClock, status_window, with_status


def _share_default_key_bindings() -> None:
    """prompt_toolkit builds its ~1,800 default key bindings anew for every
    Application, and questionary makes three of them for each list prompt
    (about 10 ms a prompt, on the way from a key to the next screen). The
    bindings keep no state of their own (their filters ask the running
    application), so one set serves every prompt of the call."""
    from prompt_toolkit.application import application

    loader = getattr(application, "load_key_bindings", None)
    if loader is not None and not hasattr(loader, "cache_info"):
        application.load_key_bindings = functools.lru_cache(maxsize=1)(loader)  # type: ignore[attr-defined]


_share_default_key_bindings()

STYLE = Style.from_dict(
    {"qmark": "fg:ansicyan bold", "question": "bold", "instruction": "fg:ansibrightblack", **STYLES}
)
BACK_LABEL = "← Back"
DONE = "done"
NOT_DONE = "not done"
NOT_DONE_LABEL = "Not done…"
# questionary shows "(Use arrow keys)" where a list has no instruction: the keys are in the status line.
NO_INSTRUCTION = " "


class Marker:
    """A prompt's result that is not an answer (a key such as Ctrl-N)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NOTE = Marker("NOTE")
REVIEW = Marker("REVIEW")
CANCEL = Marker("CANCEL")


class Asking(Protocol):
    """What the review and the end of a call need of the live prompter."""

    @property
    def console(self) -> Console: ...

    @property
    def clock(self) -> CallClock | None: ...

    @property
    def io(self) -> dict[str, Any]: ...

    @property
    def takes_notes(self) -> bool: ...

    @property
    def review(self) -> bool: ...

    def take_note(self, prompt: Prompt | None) -> None: ...

    def ask_again(self, session: Session, prompt: Prompt) -> object: ...


def ready(
    question: questionary.Question,
    keys: dict[str, object],
    *,
    status: Any = None,
    tick: bool = False,
) -> questionary.Question:
    """Erased when done; `keys` end it with their result; the status line under it."""
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
    app.erase_when_done = True
    if status is not None:
        with_status(question, status, tick=tick)
    return question


class Status:
    """What the status line of a call shows: the session, its clock, the keys it takes."""

    def __init__(self, session: Session, clock: CallClock | None, *, note: bool, review: bool) -> None:
        self.session = session
        self.clock = clock
        self.note = note
        self.review = review

    def keys(self, first: Sequence[tuple[str, str]], *, back: bool = True) -> list[tuple[str, str]]:
        keys = list(first)
        if back:
            keys.append(("Esc", "back"))
        if self.note:
            keys.append(("Ctrl-N", "note"))
        if self.review:
            keys.append(("Ctrl-R", "review"))
        keys.append(("Ctrl-C", "stop"))
        return keys

    def window(self, node_id: str, keys: Sequence[tuple[str, str]]) -> Any:
        return status_window(self.session, lambda: node_id, self.clock, keys)


def question_for(
    session: Session, prompt: Prompt, typed: str, *, instruction: str | None, io: dict[str, Any]
) -> questionary.Question:
    """The questionary question of a prompt: a list for choices, yes/no and
    checklist items (opening on the answer given before, or the flow's
    default), a text line (typed text kept) otherwise."""
    q = prompt.question
    kind = question_type(q)
    if isinstance(q, Confirmation):
        choices: list[Any] = [
            Choice("Done", value=DONE),
            Choice(NOT_DONE_LABEL, value=NOT_DONE),
            Separator(),
            Choice(BACK_LABEL, value=BACK),
        ]
        chosen = NOT_DONE if str(prompt.previous or "").startswith(NOT_DONE) else DONE
        return questionary.select(
            f"{q.prompt} — done?",
            choices=choices,
            default=next(c for c in choices if isinstance(c, Choice) and c.value == chosen),
            instruction=NO_INSTRUCTION,
            style=STYLE,
            qmark="☐",
            **io,
        )
    if kind in ("choice", "yesno"):
        choices = (
            [Choice(o.label, value=o.key) for o in options_of(q)]
            if kind == "choice"
            else [Choice("Yes", value=True), Choice("No", value=False)]
        )
        choices += [Separator(), Choice(BACK_LABEL, value=BACK)]
        default = next((c for c in choices if isinstance(c, Choice) and c.value == prompt.default), None)
        return questionary.select(
            q.prompt, choices=choices, default=default, instruction=NO_INSTRUCTION, style=STYLE, **io
        )
    currency, today = session.flow.currency, session.today

    def validate(text: str) -> bool | str:
        try:
            parse_answer(q, text, currency, today)
        except InvalidAnswer as exc:
            return str(exc)
        return True

    maker = questionary.password if is_secret(prompt) else questionary.text
    return maker(q.prompt, default=typed, validate=validate, instruction=instruction, style=STYLE, **io)


def is_secret(prompt: Prompt) -> bool:
    question = prompt.question
    return not isinstance(question, (Choose, Confirmation)) and question.secret


def is_list(prompt: Prompt) -> bool:
    return isinstance(prompt.question, Confirmation) or question_type(prompt.question) in ("choice", "yesno")


def select(
    message: str,
    choices: Sequence[tuple[str, object]],
    *,
    io: dict[str, Any],
    default: object = None,
    status: Any = None,
    keys: dict[str, object] | None = None,
) -> object:
    """A list prompt; Ctrl-C and Ctrl-D raise (KeyboardInterrupt, EOFError)."""
    made = [Choice(title, value=value) if title else Separator() for title, value in choices]
    chosen = next((c for c in made if isinstance(c, Choice) and c.value == default), None)
    question = questionary.select(message, choices=made, default=chosen, instruction=NO_INSTRUCTION, style=STYLE, **io)
    return ready(question, keys or {}, status=status).unsafe_ask()


def text(
    message: str,
    *,
    io: dict[str, Any],
    instruction: str | None = None,
    validate: Callable[[str], bool | str] | None = None,
    status: Any = None,
    keys: dict[str, object] | None = None,
) -> object:
    """A text prompt; Ctrl-C and Ctrl-D raise (KeyboardInterrupt, EOFError)."""
    question = questionary.text(message, instruction=instruction, validate=validate, style=STYLE, **io)
    return ready(question, keys or {}, status=status).unsafe_ask()

