"""Changing an earlier answer: the call as if it had been answered that way.

`change(session, position, answer)` takes the call back to the question of
answer number `position` (0 is the first), gives it the new answer, and then
gives again, in order, each later answer while the call still asks that
question next: exactly what replaying the answers with the one changed would
do, so the summary stays a function of the answers. From the first later
question the new path asks differently (or not at all), the call stands
there; the later answers not given again are offered as the defaults of
their questions when the call asks them (`Session.offer`).

If the new answer does not fit (or what it leads to cannot be computed) the
call is left exactly as it was and InvalidAnswer says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callflow.call.engine import Session
from callflow.call.events import Answered
from callflow.call.values import InvalidAnswer
from callflow.flow.errors import FlowError
from callflow.flow.index import Confirmation


@dataclass(frozen=True)
class Change:
    """What a change did: the answer before and after, and the later answers."""

    position: int  # 0-based, among the answers standing before the change
    old: Answered
    new: Answered
    kept: tuple[Answered, ...]  # later answers given again: the call still asks them in order
    offered: tuple[Answered, ...]  # later answers the call no longer asks in order: defaults now

    @property
    def unchanged(self) -> bool:
        return self.old.value == self.new.value and self.old.reason == self.new.reason


def change(session: Session, position: int, answer: object) -> Change:
    """Change answer number `position` (0-based) to `answer`; see the module."""
    answers = session.answers()
    if not 0 <= position < len(answers):
        raise InvalidAnswer(f"there is no answer #{position + 1} to change (the call has {len(answers)})")
    old, later = answers[position], answers[position + 1 :]
    while len(session.answers()) > position:
        session.back()
    try:
        session.answer(answer)
    except (InvalidAnswer, FlowError):
        _give_back(session, [old, *later])
        raise
    new = session.answers()[-1]
    kept: list[Answered] = []
    for earlier in later:
        prompt = session.prompt
        if prompt is None or prompt.field_id != earlier.field_id:
            break
        try:
            session.answer(_again(session, earlier))
        except (InvalidAnswer, FlowError):
            break
        kept.append(session.answers()[-1])
    offered = tuple(later[len(kept) :])
    session.offer(offered)
    return Change(position, old, new, tuple(kept), offered)


def _again(session: Session, answer: Answered) -> object:
    """An answer as the engine takes it again: its recorded value (a checklist
    item with done, or not done and its reason)."""
    question = session.index.questions.get(answer.field_id)
    if isinstance(question, Confirmation):
        return "done" if answer.value else {"done": "no", "reason": answer.reason or ""}
    return answer.value


def _give_back(session: Session, answers: Sequence[Answered]) -> None:
    """The call as it stood: the same answers again (they fitted before, and
    the engine is a function of its answers)."""
    for answer in answers:
        session.answer(_again(session, answer))
    session.offer(())
