"""The report's index in the cache folder: a second report counts only what
changed (shards of sessions, callflow.report.parts) and says exactly what a
report without any cache says; a call that did not end is looked at afresh
each time (in progress while a callflow holds its journal)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest
from reportkit import Made, make_calls
from sessionkit import cli

from callflow.report import parts


@pytest.fixture()
def made(tmp_path: Path) -> Made:
    return make_calls(tmp_path / "calls")


def report(made: Made, cache: Path, *args: str, no_cache: bool = False) -> dict:
    env = {"CALLFLOW_NO_CACHE": "1"} if no_cache else {"CALLFLOW_CACHE_DIR": str(cache)}
    ran = cli("report", made.sessions, made.receipts, "--format", "json", *args, env=env)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The shards counted again by each report, recorded."""
    counted: list[int] = []
    original = parts.count_shards

    def spy(index, shards, filters):  # type: ignore[no-untyped-def]
        counted.extend(shards)
        return original(index, shards, filters)

    monkeypatch.setattr("callflow.report.run.count_shards", spy)
    return counted


def test_a_second_report_counts_nothing_again_and_says_the_same(made: Made, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    counted = counting(monkeypatch)
    first = report(made, tmp_path / "cache")
    assert counted  # the first counts every shard
    counted.clear()
    second = report(made, tmp_path / "cache")
    assert counted == []
    assert second == first == report(made, tmp_path / "cache", no_cache=True)
    filtered = report(made, tmp_path / "cache", "--agent", "Dana")
    assert filtered == report(made, tmp_path / "cache", "--agent", "Dana", no_cache=True)
    assert filtered["calls"]["total"] < first["calls"]["total"]


def test_a_file_added_changed_or_gone_counts_its_shard_again(made: Made, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    report(made, cache)
    counted = counting(monkeypatch)
    receipts = sorted(made.receipts.glob("*.json"))
    copy = json.loads(receipts[0].read_text(encoding="utf-8"))
    copy["session"] = "20261130-120000-abcdef"
    (made.receipts / "new.json").write_text(json.dumps(copy), encoding="utf-8")
    receipts[1].unlink()
    changed = json.loads(receipts[2].read_text(encoding="utf-8"))
    changed["agent"] = "Robin"
    receipts[2].write_text(json.dumps(changed), encoding="utf-8")
    after = report(made, cache)
    assert 1 <= len(counted) <= 3
    assert after == report(made, cache, no_cache=True)
    assert "Robin" in {a["agent"] for a in after["calls"]["by_agent"]}


def test_a_stopped_call_is_in_progress_while_its_journal_is_open_even_from_the_index(made: Made, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert report(made, cache)["calls"]["stopped"] == 2
    journal = made.sessions / "journal" / f"{made.stopped[0]}.jsonl"
    fd = os.open(journal, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a callflow resuming it holds it
        calls = report(made, cache)["calls"]
        assert (calls["stopped"], calls["in_progress"]) == (1, 1)
    finally:
        os.close(fd)
    calls = report(made, cache)["calls"]
    assert (calls["stopped"], calls["in_progress"]) == (2, 0)


def test_a_damaged_index_is_made_again(made: Made, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = report(made, cache)
    (index,) = (cache / "report").glob("*.sqlite")
    index.write_bytes(b"not a database" * 100)
    assert report(made, cache) == first
    shutil.rmtree(cache)
    assert report(made, cache) == first
