"""One loop drives every front end: show what the step brings, ask, record.

A front end (the live prompter, an answers file, a rehearsal) implements
`FrontEnd`; a `Recorder` (the session journal) sees every answer, back and
change before the next prompt, so a killed process loses nothing that was
answered. A front end's reply is an answer, BACK (undo the last answer), or
`Revise` (change an earlier answer: callflow.call.revise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from callflow.call.engine import Frame, Prompt, Session
from callflow.call.events import Answered, Event
from callflow.call.revise import Change, change
from callflow.call.values import InvalidAnswer


class Back:
    """The reply that undoes the last answer."""

    def __repr__(self) -> str:
        return "BACK"


BACK = Back()


@dataclass(frozen=True)
class Revise:
    """The reply that changes answer number `position` (0-based) to `answer`."""

    position: int
    answer: object


@dataclass(frozen=True)
class Undo:
    """What going back did: the frame undone, or None at the first question
    (nothing to undo)."""

    frame: Frame | None


Moved = Undo | Change


class FrontEnd(Protocol):
    def show(
        self, session: Session, events: Sequence[Event], *, again: bool = False, moved: Moved | None = None
    ) -> None:
        """Show what the start or an answer brought; with `again`, the call
        moved back (`moved` says how: an Undo, or a Change)."""

    def ask(self, session: Session, prompt: Prompt) -> object:
        """The answer to the prompt, or BACK."""

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        """The answer did not fit the question; it will be asked again."""


class Recorder(Protocol):
    def answered(self, answer: Answered) -> None: ...

    def went_back(self, undone: Answered) -> None: ...

    def changed(self, change: Change) -> None: ...


def drive(session: Session, front: FrontEnd, recorder: Recorder | None = None) -> None:
    """Walk the session to its end with the front end's answers. A front end
    with `confirm_end(session)` is asked at the end before the walk is over:
    None ends it; BACK or a Revise goes on from there."""
    front.show(session, session.shown())
    confirm_end = getattr(front, "confirm_end", None)
    while True:
        prompt = session.prompt
        if prompt is None:
            reply = confirm_end(session) if confirm_end is not None else None
            if reply is None:
                return
        else:
            reply = front.ask(session, prompt)
        if reply is BACK:
            answers = session.answers()
            frame = session.back()
            if frame is not None and recorder is not None:
                recorder.went_back(answers[-1])
            front.show(session, session.shown(), again=True, moved=Undo(frame))
            continue
        if isinstance(reply, Revise):
            try:
                done = change(session, reply.position, reply.answer)
            except InvalidAnswer as exc:
                front.rejected(session, session.asked(reply.position), str(exc))
                continue
            if recorder is not None:
                recorder.changed(done)
            front.show(session, session.shown(), again=True, moved=done)
            continue
        if prompt is None:
            return
        try:
            events = session.answer(reply)
        except InvalidAnswer as exc:
            front.rejected(session, prompt, str(exc))
            continue
        if recorder is not None:
            recorder.answered(session.answers()[-1])
        front.show(session, events)
