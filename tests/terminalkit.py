"""A real terminal for end-to-end tests: the installed `callflow` in a
pseudo-terminal, typed into a key at a time, its output drawn on a virtual
screen (pyte) so a test reads what the director would see."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte

CALLFLOW = Path(sys.executable).parent / "callflow"
UP, DOWN, ENTER, ESC, BACKSPACE = "\x1b[A", "\x1b[B", "\r", "\x1b", "\x7f"
CTRL_C, CTRL_N, CTRL_R = "\x03", "\x0e", "\x12"
# The status line's keys: on screen only while a prompt is open (and at the end, waiting for Enter).
STATUS_KEYS = "Ctrl-C stop"
END_KEYS = "Enter summary"
NOTE_KEYS = "Esc cancel"
REVIEW_KEYS = "Esc keep them all"
OPEN = (STATUS_KEYS, NOTE_KEYS, END_KEYS, REVIEW_KEYS)
# Styles change inside a line (a mark, an amount in bold): between any two
# characters of what the director reads there may be escape codes.
_CODES = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"


def drawn(text: str) -> re.Pattern[str]:
    """`text` as it reaches the terminal, whatever styles come between its characters."""
    return re.compile(_CODES.join(re.escape(char) for char in text))


class Terminal:
    """`callflow ARGS` at a terminal of `columns` x `rows`."""

    def __init__(self, args: list[str], *, cwd: Path, env: dict[str, str], columns: int, rows: int) -> None:
        self.columns = columns
        self.screen = pyte.HistoryScreen(columns, rows, history=5000)
        self.stream = pyte.Stream(self.screen)
        self.child = pexpect.spawn(
            str(CALLFLOW), args, env=env, cwd=str(cwd), encoding="utf-8", dimensions=(rows, columns), timeout=20
        )
        self.child.delaybeforesend = 0.005
        self.child.logfile_read = self  # everything read is drawn on the screen

    # pexpect's logfile: what the program writes goes to the virtual screen.
    def write(self, text: str) -> None:
        self.stream.feed(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        """The screen as the director sees it now, line by line."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def transcript(self) -> str:
        """Every line drawn, the ones scrolled off the top first."""
        scrolled = ["".join(line[x].data for x in range(self.columns)).rstrip() for line in self.screen.history.top]
        return "\n".join([*scrolled, self.text()])

    def prompt(self, text: str) -> None:
        """Wait until the prompt with `text` is open: drawn with the status
        line under it, which only an open prompt has."""
        keys = "|".join(drawn(k).pattern for k in OPEN)
        self.child.expect(drawn(text).pattern + r"[\s\S]*?(?:" + keys + ")")

    def at_end(self) -> None:
        """Wait until the end of the call waits for Enter (its words on screen)."""
        self.child.expect(drawn(END_KEYS).pattern)

    def open_prompt(self) -> str:
        """The line of the open prompt: the last one starting with `?` or `☐` above the status line."""
        rows = self.text().splitlines()
        keys = max(i for i, row in enumerate(rows) if any(k in row for k in OPEN))
        return next(row for row in reversed(rows[: keys - 1]) if row.startswith(("?", "☐")))

    def status(self) -> str:
        """The status line's first line (where the call is), as on screen now."""
        rows = self.text().splitlines()
        keys = max(i for i, row in enumerate(rows) if any(k in row for k in OPEN))
        return rows[keys - 1]

    def shows(self, *texts: str, timeout: float = 20) -> str:
        """Wait until every text is on the screen at once; the screen then."""
        return self.until(lambda screen: all(t in screen for t in texts), f"on the screen: {texts}", timeout)

    def until(self, check: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        """Wait until the screen passes `check`; the screen then."""
        deadline = time.monotonic() + timeout
        while not check(self.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"never {what}:\n{self.text()}")
            # A TIMEOUT keeps what was read buffered for the next `prompt`.
            self.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.05)
        return self.text()

    def types(self, keys: str) -> None:
        """A key at a time, as a person types (an arrow key is one key)."""
        for key in re.findall(r"\x1b\[[A-D]|.", keys, flags=re.DOTALL):
            self.child.send(key)

    def answers(self, prompt: str, keys: str) -> None:
        self.prompt(prompt)
        self.types(keys)

    def ends(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


def terminal_env(sessions: Path) -> dict[str, str]:
    # A pty has no terminal to answer cursor-position requests; without this
    # prompt_toolkit waits for each answer before drawing.
    env = dict(os.environ, CALLFLOW_SESSIONS_DIR=str(sessions), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    for name in ("CALLFLOW_AGENT", "COLUMNS", "LINES"):
        env.pop(name, None)
    return env
