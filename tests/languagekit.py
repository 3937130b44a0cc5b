"""The desk flow of tests/language/: a whole call that uses the flow language
of issue 10, walked through the engine, and its screens at 80 columns."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from rich.console import Console

from callflow.call.engine import Session
from callflow.flow.loadedflow import load_flow
from callflow.terminal.screen import show_session_events

DESK = Path(__file__).parent / "language" / "desk.yaml"
TODAY = date(2026, 11, 23)
# A whole call of the desk flow: three tries, billed time, a payment in the
# procedure, two bottles back, a refund, the checklist item not done, a callback.
ANSWERS = ["Robin", "no", "no", "no", "2:30", "yes", "card", "2", "160.94", "not done: sheet is locked", "2026-11-25"]


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=80, color_system=None, highlight=False), out


def lines(out: io.StringIO) -> list[str]:
    return [line.rstrip() for line in out.getvalue().splitlines()]


def walked(answers: list[str] = ANSWERS) -> tuple[Session, list[list[str]]]:
    """The desk call and what each step brought on screen (the start first)."""
    loaded = load_flow(str(DESK))
    session = Session(loaded.flow, loaded.index, agent="Dana", today=TODAY)
    screens = []
    con, out = console()
    show_session_events(con, session, session.shown())
    screens.append(lines(out))
    for answer in answers:
        con, out = console()
        show_session_events(con, session, session.answer(answer))
        screens.append(lines(out))
    return session, screens
