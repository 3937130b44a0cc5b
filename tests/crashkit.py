"""Crashing calls on purpose: scripted calls in child processes, killed with
SIGKILL at random moments (and, for some, the journal's last line torn as a
power loss would), then resumed; and many processes writing receipts into one
folder at once. Used by tests/test_crash.py and benchmarks/bench_crash.py.

The child processes are forked from a process that has callflow imported, so
each starts in milliseconds and the kills land anywhere in the call: between
answers, inside a journal write, at the end, while the receipt is written.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from callflow.call.answers import load_answers
from callflow.call.driver import drive
from callflow.call.engine import Prompt, Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.flow.loadedflow import load_flow
from callflow.record.calls import CallRecorder
from callflow.record.journalread import read_journal
from callflow.record.receipts import write_receipts
from callflow.terminal.callend import finish_call

RUN_KEYS = ("session", "started_at", "ended_at", "duration_seconds", "time_per_node")


def summary_part(receipt: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in receipt.items() if k not in RUN_KEYS}


class PausingFrontEnd(ScriptedFrontEnd):
    """Answers from a file, a little while after each prompt (a person types)."""

    def __init__(self, answers: Any, pause: float) -> None:
        super().__init__(answers)
        self.pause = pause

    def ask(self, session: Session, prompt: Prompt) -> object:
        time.sleep(self.pause)
        return super().ask(session, prompt)


def _child(flow: Path, answers_path: Path, sessions: Path, pause: float, ready: int) -> NoReturn:
    code = 1
    try:
        from rich.console import Console

        loaded = load_flow(str(flow))
        answers = load_answers(str(answers_path))
        session = Session(loaded.flow, loaded.index, agent=answers.agent)
        call = CallRecorder.start(loaded, session, sessions, journal=True)
        os.write(ready, f"{call.session_id}\n".encode())
        os.close(ready)
        drive(session, PausingFrontEnd(answers, pause), call)
        with open(os.devnull, "w") as null:
            finish_call(call, session, save=True, as_json=False, console=Console(file=null))
        code = 0
    finally:
        os._exit(code)


def start_call(flow: Path, answers_path: Path, sessions: Path, pause: float) -> tuple[int, str]:
    """Fork a child that runs the call; returns its pid and session id (once
    its journal exists)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        _child(flow, answers_path, sessions, pause, write_end)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        session_id = pipe.readline().strip()
    return pid, session_id


def time_whole_call(flow: Path, answers_path: Path, sessions: Path, pause: float) -> float:
    start = time.perf_counter()
    pid, _ = start_call(flow, answers_path, sessions, pause)
    os.waitpid(pid, 0)
    return time.perf_counter() - start


@dataclass
class Kill:
    """One call killed, and what its journal held right after."""

    answers_path: Path
    session_id: str
    delay: float
    torn: bool
    journalled: list[tuple[str, Any]]  # answers standing in the journal after the kill
    ended: bool
    receipts: list[str]
    how: str = ""  # resumed, exported or ended: what the check did
    receipt: dict[str, Any] = field(default_factory=dict)


def kill_calls(
    flow: Path,
    answer_files: Sequence[Path],
    sessions: Path,
    *,
    kills: int,
    seed: int,
    pause: float = 0.015,
    tear_share: float = 0.2,
) -> list[Kill]:
    """Run `kills` calls, each killed with SIGKILL at a random moment."""
    rng = random.Random(seed)
    whole = max(time_whole_call(flow, answer_files[0], sessions / "calibration", pause) for _ in range(2))
    done: list[Kill] = []
    for _ in range(kills):
        answers_path = rng.choice(list(answer_files))
        delay = rng.uniform(0, whole * 1.1)
        torn = rng.random() < tear_share
        pid, session_id = start_call(flow, answers_path, sessions, pause)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        path = sessions / "journal" / f"{session_id}.jsonl"
        if torn:
            tear_last_line(path, rng)
        record = read_journal(path)
        done.append(
            Kill(
                answers_path,
                session_id,
                delay,
                torn,
                [(a["field"], a.get("value")) for a in record.answers()],
                record.ended,
                record.receipts,
            )
        )
    return done


def tear_last_line(path: Path, rng: random.Random) -> None:
    """What a power loss may leave: the last line cut short, its newline gone."""
    data = path.read_bytes()
    start = data.rstrip(b"\n").rfind(b"\n") + 1
    if start <= 0:
        return  # keep the start line: a journal that never started is not a call
    path.write_bytes(data[: rng.randint(start, len(data) - 1)])


def check_kill(
    kill: Kill, sessions: Path, expected: dict[Path, dict[str, Any]], run: Callable[..., Any]
) -> None:
    """Finish the killed call the way a director would and check it.

    `run(*args)` runs a callflow command and returns (returncode, stdout, stderr).
    """
    common = ("--sessions-dir", str(sessions))
    if not kill.ended:
        code, out, err = run("resume", kill.session_id, "--answers", str(kill.answers_path), "--json", *common)
        kill.how = "resumed"
    elif not kill.receipts:
        code, out, err = run("sessions", "export", kill.session_id, "--json", *common)
        kill.how = "exported"
    else:
        code, out, err = 0, Path(kill.receipts[0]).read_text(encoding="utf-8"), ""
        kill.how = "ended"
    assert code == 0, f"{kill}: {err}"
    kill.receipt = json.loads(out)
    got = [(a["field"], a["value"]) for a in kill.receipt["answers"]]
    # Every answer the journal held after the kill is in the finished call ...
    assert got[: len(kill.journalled)] == kill.journalled, kill
    # ... and the call is the one an uninterrupted run gives.
    assert summary_part(kill.receipt) == expected[kill.answers_path], kill


def tally(kills: Sequence[Kill]) -> Counter[str]:
    counts = Counter(k.how for k in kills)
    counts["torn"] = sum(k.torn for k in kills)
    return counts


# -- many directors writing receipts into one folder -----------------------------------


def _writer(folder: Path, writer: int, count: int, go: int) -> NoReturn:
    code = 1
    try:
        os.read(go, 1)  # all writers start together
        for i in range(count):
            # Every writer uses the same names: each receipt name is fought over.
            data = {
                "session": f"20260101-000000-{i:06x}",
                "started_at": "2026-01-01T00:00:00+00:00",
                "flow": {"id": "race"},
                "marker": f"{writer}:{i}",
                "padding": "x" * 20_000,  # big enough to take more than one write
            }
            write_receipts(folder, data, f"# receipt {writer}:{i}\n" + "y" * 20_000 + "\n")
        code = 0
    finally:
        os._exit(code)


def race_receipts(folder: Path, *, writers: int, each: int) -> list[int]:
    """Fork `writers` processes that write `each` receipts at the same moment;
    returns their exit codes."""
    folder.mkdir(parents=True, exist_ok=True)
    go_read, go_write = os.pipe()
    pids = []
    for writer in range(writers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(go_write)
            _writer(folder, writer, each, go_read)
        pids.append(pid)
    os.close(go_read)
    os.write(go_write, b"g" * writers)
    os.close(go_write)
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
