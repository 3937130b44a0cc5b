"""What the journal, resume, sessions, secrets and crash tests share: running
the installed command, a flow with secrets, scripted journalled calls, and a
folder that cannot be written to."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from callflow.call.answers import AnswerSet, load_answers
from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.flow.loadedflow import LoadedFlow, load_flow
from callflow.record.calls import CallRecorder
from callflow.record.journalread import read_journal
from callflow.terminal.callend import finish_call

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
D2_ANSWERS = ROOT / "tests" / "answers" / "d2"
CALLFLOW = Path(sys.executable).parent / "callflow"
PAYG = D2_ANSWERS / "D-2-9-payg-addon-and-balance.yaml"

# Keys of a receipt that differ between two runs of the same call.
RUN_KEYS = ("session", "started_at", "ended_at", "duration_seconds", "time_per_node")

# A PIN decides the way on (so a resume needs it again); the card number is
# only used in the step that takes it (so a resume does not).
SECRET_FLOW = """\
callflow: 1
id: card-payment
title: Card payment
start: A
catalog:
  "100": {name: SERVICE, price: 50.00}
ticket_fields:
  description: {label: Description}
fields:
  name: {prompt: Caller name}
  pin: {prompt: Account PIN, secret: true, pattern: '[A-Z]{2}[0-9]{4}', pattern_hint: two letters and four digits}
  card: {prompt: Card number, secret: true}
  issue: {prompt: Describe the issue}
  ticket_number: {prompt: Ticket number}
nodes:
  A:
    steps:
      - ask: name
      - ask: pin
    routes:
      - if: pin == 'QZ7319'
        goto: B
      - else: C
  B:
    steps:
      - item: "100"
      - ask: card
      - payment: {amount: due, method: card}
      - ask: issue
      - ticket: {description: "{issue}"}
      - say: "Thank you {name}. The card was charged."
      - ask: ticket_number
    end: paid
  C:
    steps:
      - say: That PIN does not match.
    end: refused
"""
PIN = "QZ7319"
CARD = "5105 1051 0510 5100 exp 12/29 cvv 987"
CARD_TEXT = "card 4000 0566 5566 5556 was declined"
CARD_MASKED = "card XXXX XXXX XXXX 5556 was declined"
SECRET_ANSWERS = f"""\
agent: Dana
answers:
  name: Robin
  pin: {PIN}
  card: "{CARD}"
  issue: "{CARD_TEXT}"
  ticket_number: T-77
"""
# What must never appear in anything callflow writes or prints.
NEVER_SHOWN = (PIN, "5105 1051", "cvv 987", "4000 0566", "0566 5566")


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str | Path, env: dict[str, str] | None = None) -> Ran:
    """Run the `callflow` command in this process (stdin is not a terminal),
    the way the installed command runs it; an exception is not swallowed."""
    from typer.testing import CliRunner

    from callflow.cli import app

    result = CliRunner().invoke(
        app, [str(a) for a in args], env={"CALLFLOW_AGENT": None, **(env or {})}, catch_exceptions=False
    )
    return Ran(result.exit_code, result.stdout, result.stderr)


def cli_process(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the installed `callflow` in its own process, stdin not a terminal."""
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("CALLFLOW_AGENT", None)
    return subprocess.run(
        [str(CALLFLOW), *map(str, args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
    )


def summary_part(receipt: dict[str, Any]) -> dict[str, Any]:
    """A receipt without what differs between two runs of the same call."""
    return {k: v for k, v in receipt.items() if k not in RUN_KEYS}


def scripted_call(
    loaded: LoadedFlow,
    answers: AnswerSet,
    sessions_dir: Path,
    *,
    front: Any = None,
    receipts_dir: Path | None = None,
    finish: bool = True,
) -> tuple[CallRecorder, Session]:
    """A journalled call driven from answers, as `run --answers --save` does."""
    session = Session(loaded.flow, loaded.index, agent=answers.agent)
    call = CallRecorder.start(loaded, session, sessions_dir, journal=True, receipts_dir=receipts_dir)
    drive(session, front or ScriptedFrontEnd(answers), call)
    if finish:
        finish_call(call, session, save=True, as_json=False, console=_null_console())
    return call, session


def _null_console() -> Any:
    from rich.console import Console

    return Console(file=open(os.devnull, "w"), width=100)


def partial_call(loaded: LoadedFlow, answers_path: Path, sessions_dir: Path, count: int) -> CallRecorder:
    """A call journalled up to `count` answers and left unfinished (a crash)."""
    answers = load_answers(str(answers_path))
    session = Session(loaded.flow, loaded.index, agent=answers.agent)
    call = CallRecorder.start(loaded, session, sessions_dir, journal=True)
    front = ScriptedFrontEnd(answers)
    for _ in range(count):
        prompt = session.prompt
        assert prompt is not None
        session.answer(front.ask(session, prompt))
        call.answered(session.answers()[-1])
    call.close()
    return call


def journal_of(sessions_dir: Path) -> Path:
    journals = sorted((sessions_dir / "journal").glob("*.jsonl"))
    assert len(journals) == 1, journals
    return journals[0]


def standing(path: Path) -> list[tuple[str, Any]]:
    return [(a["field"], a.get("value")) for a in read_journal(path).answers()]


def every_file_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """A folder nobody may create files in, even root (then: chattr +i)."""
    import pytest

    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=False).returncode:
            pytest.skip("running as root without a working chattr: no way to make a folder unwritable")
        try:
            yield
        finally:
            subprocess.run([chattr, "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_d2() -> LoadedFlow:
    return load_flow(str(D2))


def d2_answer_files() -> Sequence[Path]:
    return sorted(D2_ANSWERS.glob("*.yaml"))


def marked_d2(folder: Path) -> Path:
    """The D-2 flow, whose ticket_number field is marked as the ticket's
    number, copied into `folder` (a test may change it there)."""
    text = D2.read_text(encoding="utf-8")
    assert '    prompt: "Ticket number (from the ticket receipt)"\n    ticket_number: true\n' in text
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "anything-computers-intake.yaml"
    path.write_text(text, encoding="utf-8")
    return path
