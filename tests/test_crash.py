"""Crash tests you can run: 50 calls killed with SIGKILL at random (seeded)
moments, a fifth of them with the journal's last line torn as a power loss
leaves it, each then finished (`callflow resume ID --answers FILE`, or
`callflow sessions export ID` when the kill came between the end and the
receipt); and 8 processes writing receipts into one folder at once.

Every tenth resume runs the installed command in its own process; the
others run the same command in this process (a process start costs ~0.5 s).
benchmarks/bench_crash.py runs more kills and prints where they landed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from crashkit import check_kill, kill_calls, race_receipts, summary_part, tally
from sessionkit import D2, cli, cli_process, d2_answer_files

from callflow.call.answers import load_answers
from callflow.flow.loadedflow import load_flow
from callflow.record.journalread import read_journal

KILLS = 50
SEED = 20261123


def expected_receipts(tmp_path: Path) -> dict[Path, dict[str, Any]]:
    """What each answers file gives when nothing goes wrong."""
    from sessionkit import scripted_call

    loaded = load_flow(str(D2))
    expected = {}
    for path in d2_answer_files():
        call, _ = scripted_call(loaded, load_answers(str(path)), tmp_path / "uninterrupted")
        expected[path] = summary_part(json.loads(call.receipts[0].read_text(encoding="utf-8")))
    return expected


def test_calls_killed_at_random_moments_are_resumed_whole(tmp_path: Path) -> None:
    expected = expected_receipts(tmp_path)
    sessions = tmp_path / "sessions"
    kills = kill_calls(D2, d2_answer_files(), sessions, kills=KILLS, seed=SEED)

    def in_process(*args: str) -> tuple[int, str, str]:
        result = cli(*args)
        return result.returncode, result.stdout, result.stderr

    def own_process(*args: str) -> tuple[int, str, str]:
        result = cli_process(*args, timeout=60)
        return result.returncode, result.stdout, result.stderr

    for number, kill in enumerate(kills):
        check_kill(kill, sessions, expected, own_process if number % 10 == 0 else in_process)

    counts = tally(kills)
    assert sum(counts[k] for k in ("resumed", "exported", "ended")) == KILLS
    # The seeded moments are spread over the call: most land before its end.
    assert counts["resumed"] >= KILLS // 2, counts
    assert counts["torn"] >= 5, counts
    # Every receipt in the folder is whole: no torn or half-written JSON.
    for receipt in sessions.glob("*.json"):
        json.loads(receipt.read_text(encoding="utf-8"))
    # And every session is now ended with its receipt.
    for kill in kills:
        record = read_journal(sessions / "journal" / f"{kill.session_id}.jsonl")
        assert record.ended and record.receipts and not record.damaged


@pytest.mark.parametrize("writers", [8])
def test_eight_processes_writing_receipts_into_one_folder_lose_none(tmp_path: Path, writers: int) -> None:
    each = 25
    folder = tmp_path / "shared"
    assert race_receipts(folder, writers=writers, each=each) == [0] * writers
    receipts = sorted(folder.glob("*.json"))
    markdown = sorted(folder.glob("*.md"))
    assert len(receipts) == len(markdown) == writers * each
    markers = []
    for path in receipts:
        data = json.loads(path.read_text(encoding="utf-8"))  # whole, not torn
        markers.append(data["marker"])
        # The Markdown of the same name is the same writer's same receipt.
        assert path.with_suffix(".md").read_text(encoding="utf-8").startswith(f"# receipt {data['marker']}\n")
    assert sorted(markers) == sorted(f"{w}:{i}" for w in range(writers) for i in range(each))
    assert not list(folder.glob(".tmp-*"))
