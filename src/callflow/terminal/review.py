"""Ctrl-R: the answers so far, and changing one of them.

The director picks an answer from the list (the newest is where the list
opens), answers its question again (holding the old answer), and the call
becomes what it would have been with that answer (callflow.call.revise):
the later answers are given again where the call still asks them. Esc
leaves everything as it was.
"""

from __future__ import annotations

from rich.text import Text

from callflow.call.driver import BACK, Revise
from callflow.call.engine import Session
from callflow.flow.controls import visible
from callflow.flow.procedures import shown
from callflow.terminal import prompts
from callflow.terminal.prompts import CANCEL, Asking, Status
from callflow.terminal.screen import answer_words, words
from callflow.terminal.statusline import fit

KEEP = "← Keep the answers and go on with the call"


def answer_titles(session: Session, width: int) -> list[str]:
    """`D-2-8  How was the payment made?  Online: …` per answer, each one line."""
    titles = []
    for answer in session.answers():
        question = session.index.questions.get(answer.field_id)
        said = answer_words(question, answer, session.today)
        titles.append(fit(visible(f"{shown(answer.node_id)}  {answer.prompt}  {said}"), width))
    return titles


def review_answers(prompter: Asking, session: Session) -> Revise | None:
    """The answer to change and its new answer, or None (nothing changed)."""
    console = prompter.console
    answers = session.answers()
    if not answers:
        console.print(Text("  Nothing to review yet: no answer has been given.", style="yellow"))
        return None
    titles = answer_titles(session, max(20, console.width - 4))
    # The list and its status line fit the terminal: the newest answers, if not all.
    first = max(0, len(titles) - max(3, console.height - 8))
    node = session.current_node()
    status = Status(session, prompter.clock, note=False, review=False)
    keys = status.window(node, [("↑↓ Enter", "change it"), ("Esc", "keep them all")])
    choices: list[tuple[str, object]] = [(t, i) for i, t in enumerate(titles) if i >= first]
    choices += [("", None), (KEEP, CANCEL)]
    try:
        message = "Change which answer?" if not first else f"Change which answer? (the last {len(titles) - first})"
        picked = prompts.select(
            message, choices, io=prompter.io, default=len(answers) - 1, status=keys, keys={"escape": CANCEL}
        )
    except (KeyboardInterrupt, EOFError):
        picked = CANCEL
    if not isinstance(picked, int):
        console.print(Text("  (no answer changed)", style="dim"))
        return None
    asked = session.asked(picked)
    console.print(words((f"  ✎ Answer {picked + 1} of {len(answers)}, at {shown(asked.node_id)} (Esc keeps it):", "bold yellow")))
    reply = prompter.ask_again(session, asked)
    if reply is BACK:
        console.print(Text("  (no answer changed)", style="dim"))
        return None
    return Revise(picked, reply)
