"""The scripted front end: answers from an answers file, no prompts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from callflow.call.answers import AnswerSet
from callflow.call.engine import Prompt, Session
from callflow.call.events import Event
from callflow.flow.errors import AnswersError
from callflow.flow.procedures import shown

if TYPE_CHECKING:
    from callflow.call.driver import Moved


class ScriptedFrontEnd:
    """Answers each prompt from an AnswerSet; a missing or unfitting answer
    stops the walk with the node, the field and the answer's position."""

    def __init__(self, answers: AnswerSet) -> None:
        self.answers = answers
        self._last: tuple[str, int] | None = None

    def show(
        self, session: Session, events: Sequence[Event], *, again: bool = False, moved: Moved | None = None
    ) -> None:
        pass

    def ask(self, session: Session, prompt: Prompt) -> object:
        value, index = self.answers.next_for(prompt)
        self._last = (prompt.field_id, index)
        return value

    def rejected(self, session: Session, prompt: Prompt, message: str) -> None:
        field_id, index = self._last or (prompt.field_id, 0)
        raise AnswersError(
            f"{self.answers.where(field_id, index)}: the answer to '{field_id}' at node {shown(prompt.node_id)} "
            f"does not fit: {message}"
        )
