"""One loop drives every front end: show what the step brings, ask, record.

A front end (the live prompter, an answers file, a rehearsal) implements
`FrontEnd`; a `Recorder` (the session journal) sees every answer before the
next prompt, so a killed process loses nothing that was answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from callflow.call.engine import Prompt, Session
from callflow.call.events import Answered, Event
from callflow.call.values import InvalidAnswer


class Back:
    """The reply that undoes the last answer."""

    def __repr__(self) -> str:
        return "BACK"


BACK = Back()


class FrontEnd(Protocol):
    def show(self, session: Session, events: Sequence[Event], *, again: bool = False) -> None:
        """Show what the start, an answer or going back (`again`) brought."""

    def ask(self, session: Session, prompt: Prompt) -> object:
        """The answer to the prompt, or BACK."""

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        """The answer did not fit the question; it will be asked again."""


class Recorder(Protocol):
    def answered(self, answer: Answered) -> None: ...

    def went_back(self, undone: Answered) -> None: ...


def drive(session: Session, front: FrontEnd, recorder: Recorder | None = None) -> None:
    """Walk the session to its end with the front end's answers."""
    front.show(session, session.shown())
    while not session.ended:
        prompt = session.prompt
        assert prompt is not None
        reply = front.ask(session, prompt)
        if reply is BACK:
            answers = session.answers()
            if session.back():
                if recorder is not None:
                    recorder.went_back(answers[-1])
                front.show(session, session.shown(), again=True)
            continue
        try:
            events = session.answer(reply)
        except InvalidAnswer as exc:
            front.rejected(session, prompt, str(exc))
            continue
        if recorder is not None:
            recorder.answered(session.answers()[-1])
        front.show(session, events)
