"""`callflow run` with no FLOW: pick one of the flows of ./flows in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

from callflow.commands._common import fail
from callflow.flow.errors import ExitCode

FOLDER = "flows"


def pick_flow(command: str = "run") -> Path:
    """The flow the director picks from ./flows; a clear error without a terminal."""
    if not sys.stdin.isatty():
        fail(
            f"callflow {command}: no FLOW given, and standard input is not a terminal to pick one from: "
            f"give the flow file, e.g. callflow {command} flows/anything-computers-intake.yaml",
            ExitCode.USAGE,
        )
    from callflow.lint.listing import list_flows

    if not Path(FOLDER).is_dir():
        fail(f"callflow {command}: no FLOW given and there is no flows/ folder here: give the flow file", ExitCode.USAGE)
    found = [f for f in list_flows([FOLDER])[0] if f.kind == "flow"]
    if not found:
        fail(f"callflow {command}: no FLOW given and flows/ holds no flows: give the flow file", ExitCode.USAGE)
    import shutil

    import questionary
    from questionary import Choice

    room = shutil.get_terminal_size().columns - 4  # the pointer before each choice, and a column spare
    choices = [
        Choice(choice_label(f.title or "-", f"{f.path}{'' if f.status == 'ok' else ', lint: ' + f.status}", room), value=f.path)
        for f in found
    ]
    try:
        chosen = questionary.select("Which call script?", choices=choices).unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        fail("Stopped before the call started; nothing to save.", ExitCode.INTERRUPTED)
    return Path(chosen)


def choice_label(title: str, where: str, room: int) -> str:
    """`title  (where)` on one line of `room` columns: the title is shortened
    first (a cut line would hide which file it is), then the whole."""
    from callflow.terminal.statusline import cell_len, fit

    tail = f"  ({where})"
    keep = room - cell_len(tail)
    if cell_len(title) <= keep or keep >= 13:
        return fit(title, keep) + tail
    return fit(title + tail, room)
