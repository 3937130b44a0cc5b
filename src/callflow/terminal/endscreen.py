"""The end of a live call: the end node's words and checklist stay on
screen, with the outcome, until the director presses Enter; only then does
the summary come (and push them up). Esc goes back to the last question
instead (a wrong ticket number, say), Ctrl-R changes an earlier answer,
Ctrl-N takes a note."""

from __future__ import annotations

from typing import Any

from callflow.call.driver import BACK
from callflow.call.engine import Session
from callflow.terminal.prompts import NOTE, REVIEW, STYLE, Asking, Status

MESSAGE = "▸ Say the words above and do the checklist, then press Enter for the summary."


def _ask(prompter: Asking, session: Session) -> object:
    from prompt_toolkit.application import Application
    from prompt_toolkit.filters import is_done
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Layout, Window

    status = Status(session, prompter.clock, note=prompter.takes_notes, review=prompter.review)
    keys = [("Enter", "summary"), ("Esc", "back")]
    if status.note:
        keys.append(("Ctrl-N", "note"))
    if status.review:
        keys.append(("Ctrl-R", "review"))
    bindings = KeyBindings()
    results: dict[str, object] = {"enter": None, "c-m": None, "c-c": None, "c-d": None, "escape": BACK}
    if status.note:
        results["c-n"] = NOTE
    if status.review:
        results["c-r"] = REVIEW
    for key, result in results.items():

        def _exit(event: Any, result: object = result) -> None:
            event.app.exit(result=result)

        bindings.add(key, eager=True)(_exit)
    line = ConditionalContainer(
        Window(FormattedTextControl([("class:question", MESSAGE)]), height=1), filter=~is_done
    )
    app: Application[object] = Application(
        layout=Layout(HSplit([line, status.window(session.current_node(), keys)])),
        key_bindings=bindings,
        style=STYLE,
        full_screen=False,
        erase_when_done=True,
        refresh_interval=1.0 if prompter.clock is not None else None,
        **prompter.io,
    )
    app.ttimeoutlen = 0.05
    try:
        return app.run()
    except (EOFError, KeyboardInterrupt):
        return None  # the input is gone: the call is over, so on to the summary and the receipt


def wait_at_end(prompter: Asking, session: Session) -> object:
    """None to go on to the summary, BACK, or a change (Revise)."""
    while True:
        reply = _ask(prompter, session)
        if reply is NOTE:
            prompter.take_note(None)
            continue
        if reply is REVIEW:
            from callflow.terminal.review import review_answers

            change = review_answers(prompter, session)
            if change is None:
                continue
            return change
        return reply
