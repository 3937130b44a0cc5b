"""`callflow report` over the files a shared drive really holds (issue 13):
receipts of an older format, of a newer one, half written, written while
the report reads; a secret typed on a call; the ticket numbers. Never a
traceback, never a write into the folders read, never an answer shown."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from reportkit import FLOWS, make_calls, walk
from sessionkit import cli

from callflow.call.answers import AnswerSet
from callflow.flow.loadedflow import load_flow
from callflow.record.markdown import receipt_markdown
from callflow.record.receipts import write_receipts
from callflow.testing.scenario import load_scenario


def as_json(*args: str | Path) -> dict[str, Any]:
    ran = cli("report", *args, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr
    return json.loads(ran.stdout)


def csv_rows(*args: str | Path) -> list[dict[str, str]]:
    ran = cli("report", *args, "--format", "csv")
    assert ran.returncode == 0, ran.stderr
    return list(csv.DictReader(io.StringIO(ran.stdout.removeprefix("\ufeff"), newline="")))


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = make_calls(tmp_path_factory.mktemp("walked"), extras=False)
    return made.sessions.parent


def test_a_format_1_receipt_without_time_per_node_still_reads(tmp_path: Path) -> None:
    """A receipt written before receipts carried the time per node: with its
    journal the time comes from there (the same figures), without it the call
    counts with no time."""
    scenario = load_scenario(str(sorted((FLOWS / "help-desk-go-live.scenarios").glob("*.yaml"))[0]))
    new = walk(scenario, 1, tmp_path / "new" / "sessions", tmp_path / "new" / "receipts", agent="Dana", day=date(2026, 11, 2))
    old = walk(scenario, 1, tmp_path / "old" / "sessions", tmp_path / "old" / "receipts", agent="Dana", day=date(2026, 11, 2),
               times=False)
    assert new is not None and old is not None and "time_per_node" not in old and new["time_per_node"]
    assert (old["format"], old["receipt"]) == (1, 1)
    with_times = {n["node"]: n for n in as_json(tmp_path / "new" / "receipts")["nodes"]}
    from_journal = {n["node"]: n for n in as_json(tmp_path / "old" / "receipts", tmp_path / "old" / "sessions")["nodes"]}
    receipt_only = as_json(tmp_path / "old" / "receipts")
    assert with_times == from_journal
    assert {e["node"]: e["seconds"] for e in new["time_per_node"]} == {
        n: v["median"] for n, v in with_times.items() if v["timed"]
    }
    assert receipt_only["calls"]["ended"] == 1
    assert all(n["timed"] == 0 and n["median"] is None for n in receipt_only["nodes"])
    assert sum(n["visits"] for n in receipt_only["nodes"]) == len(old["path"])


def test_unknown_half_written_and_foreign_files_are_skipped_and_counted(walked: Path, tmp_path: Path) -> None:
    folder = tmp_path / "drive"
    folder.mkdir()
    receipts = sorted((walked / "receipts").glob("*.json"))
    whole = receipts[0].read_bytes()
    (folder / "whole.json").write_bytes(whole)
    (folder / "half.json").write_bytes(whole[: len(whole) // 2])
    (folder / "empty.json").write_bytes(b"")
    newer = json.loads(whole)
    newer.update(format=2, session=newer["session"] + "-new")
    (folder / "newer.json").write_text(json.dumps(newer), encoding="utf-8")
    before_format = json.loads(whole)
    del before_format["format"]  # written before receipts carried `format`: `receipt` (1) is the version
    before_format["session"] += "-old"
    (folder / "before-format.json").write_text(json.dumps(before_format), encoding="utf-8")
    newer_receipt = dict(before_format, receipt=2, session=before_format["session"] + "-2")
    (folder / "newer-receipt.json").write_text(json.dumps(newer_receipt), encoding="utf-8")
    (folder / "settings.json").write_text('{"theme": "dark"}', encoding="utf-8")
    (folder / "list.json").write_text("[1, 2]", encoding="utf-8")
    bad_money = json.loads(whole)
    bad_money["invoice"]["paid"] = "lots"
    bad_money["session"] += "-bad"
    (folder / "bad-money.json").write_text(json.dumps(bad_money), encoding="utf-8")
    bad_times = json.loads(whole)
    bad_times["time_per_node"] = [{"node": 3}]
    bad_times["session"] += "-times"
    (folder / "bad-times.json").write_text(json.dumps(bad_times), encoding="utf-8")
    (folder / "journal").mkdir()
    (folder / "journal" / "torn.jsonl").write_text('{"event": "start", "format": 9', encoding="utf-8")
    data = as_json(folder)
    assert data["calls"]["total"] == 2
    skipped = data["sources"]["skipped"]
    assert skipped["by_reason"] == {
        "not a callflow receipt, journal or quiz report": 5,
        "not whole JSON (being written, or damaged)": 2,
        "a newer format than this callflow reads": 2,
    }
    assert skipped["count"] == 9
    assert {Path(f["path"]).name for f in skipped["files"]} == {
        "half.json", "empty.json", "newer.json", "newer-receipt.json", "settings.json", "list.json", "bad-money.json", "bad-times.json",
        "torn.jsonl",
    }
    text = cli("report", folder)
    assert text.returncode == 0 and "Traceback" not in text.stderr + text.stdout
    words = " ".join(text.stdout.split())
    assert "Read 2 receipts, 0 journals and 0 quiz reports from" in words
    assert "; 9 files skipped (listed at the end)" in words and "Skipped: 9 files" in words


def test_receipts_written_while_the_report_reads(walked: Path, tmp_path: Path) -> None:
    """Directors save receipts (and a copying tool writes one in pieces)
    while reports run: every report is whole, counts only whole receipts,
    and the last one, after the writers are done, counts them all."""
    drive = tmp_path / "drive"
    drive.mkdir()
    sources = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((walked / "receipts").glob("*.json"))]
    done = threading.Event()
    written: list[str] = []

    def director() -> None:
        for i in range(60):
            data = dict(sources[i % len(sources)], session=f"20261201-0900{i:02d}-{i:06x}")
            write_receipts(drive, data, receipt_markdown(data))
            written.append(data["session"])

    def copier() -> None:
        for i in range(30):
            data = json.dumps(dict(sources[i % len(sources)], session=f"copy-{i:04d}")).encode()
            with open(drive / f"copy-{i:04d}.json", "wb") as out:
                for start in range(0, len(data), 512):
                    out.write(data[start : start + 512])
                    out.flush()
        done.set()

    threads = [threading.Thread(target=director), threading.Thread(target=copier)]
    for t in threads:
        t.start()
    seen = []
    while not done.is_set() or any(t.is_alive() for t in threads):
        data = as_json(drive)
        skipped = data["sources"]["skipped"]["by_reason"]
        assert set(skipped) <= {"not whole JSON (being written, or damaged)"}
        seen.append(data["calls"]["total"])
        if len(seen) > 200:
            break
    for t in threads:
        t.join()
    final = as_json(drive)
    assert final["calls"]["total"] == 90 and final["sources"]["skipped"]["count"] == 0
    assert seen == sorted(seen) and seen[-1] <= 90  # files only come, and only whole


SECRET_FLOW = """\
callflow: 1
id: secret-example
title: Secret example
start: ask
fields:
  password: {type: text, prompt: "The customer's portal password?", secret: true}
  name: {type: text, prompt: "The caller's name?"}
nodes:
  ask:
    steps:
      - ask: name
      - ask: password
    next: done
  done:
    end: done
"""


def test_the_report_never_shows_a_secret_nor_any_answer(tmp_path: Path) -> None:
    (tmp_path / "flow.yaml").write_text(SECRET_FLOW, encoding="utf-8")
    loaded = load_flow(str(tmp_path / "flow.yaml"))
    for number in range(2):
        walk(None, number, tmp_path / "sessions", tmp_path / "receipts", agent="Dana", day=date(2026, 11, 2), loaded=loaded,
             answers=AnswerSet.from_mapping({"name": "Zelda Quartermain", "password": "hunter2-PLAINTEXT"}), seconds=9)
    everything = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"hunter2-PLAINTEXT" not in everything  # receipts and journals never held it
    assert b"Zelda Quartermain" in everything  # the name is in the receipts ...
    outputs = [
        cli("report", tmp_path / "sessions", tmp_path / "receipts", *args).stdout
        for args in ((), ("--format", "json"), ("--format", "csv"), ("--format", "csv", "--per", "node"))
    ]
    assert cli("report", tmp_path / "sessions", tmp_path / "receipts", "--html", tmp_path / "out.html").returncode == 0
    outputs.append((tmp_path / "out.html").read_text(encoding="utf-8"))
    for shown in outputs:
        assert "hunter2" not in shown and "[redacted]" not in shown
        assert "Zelda" not in shown  # ... but a report shows no answer at all


TICKET_FLOW = """\
callflow: 1
id: ticket-example
title: Ticket example
start: open
fields:
  ticket: {type: text, prompt: "The ticket's number?", ticket_number: true}
nodes:
  open:
    steps:
      - ask: ticket
    next: wants
  wants:
    choose:
      id: wants
      prompt: What do they want?
      options:
        - {label: Repair, goto: repaired}
        - {label: Nothing, goto: done}
  repaired:
    end: repaired
  done:
    end: done
"""


def test_ticket_numbers_are_listed_with_their_calls(tmp_path: Path) -> None:
    """From the receipt (ticket.number) for an ended call, from the journal
    (the moves carry it) for one that stopped: in the CSV rows and the list
    of calls that did not end."""
    (tmp_path / "flow.yaml").write_text(TICKET_FLOW, encoding="utf-8")
    loaded = load_flow(str(tmp_path / "flow.yaml"))
    sessions, receipts = tmp_path / "sessions", tmp_path / "receipts"
    calls = [({"ticket": "T-100", "wants": "Repair"}, None), ({"ticket": "T-101", "wants": "Nothing"}, None),
             ({"ticket": "=T-102", "wants": "Repair"}, 1)]
    for number, (answers, stop) in enumerate(calls):
        walk(None, number, sessions, receipts, agent="Dana", day=date(2026, 11, 2), loaded=loaded,
             answers=AnswerSet.from_mapping(answers), seconds=10, stop_after=stop)
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(receipts.glob("*.json"))]
    assert sorted(r["ticket"]["number"] for r in saved) == ["T-100", "T-101"]
    rows = csv_rows(receipts, sessions)
    assert sorted((r["ticket"], r["status"], r["outcome"]) for r in rows) == [
        ("'=T-102", "stopped", ""), ("T-100", "ended", "repaired"), ("T-101", "ended", "done"),
    ]  # a cell a spreadsheet would run as a formula starts with '
    per_node = csv_rows(receipts, "--per", "node")
    assert sorted((r["ticket"], r["node"], r["seconds"]) for r in per_node) == [
        ("T-100", "open", "10.0"), ("T-100", "repaired", "0.0"), ("T-100", "wants", "10.0"),
        ("T-101", "done", "0.0"), ("T-101", "open", "10.0"), ("T-101", "wants", "10.0"),
    ]
    (stopped,) = as_json(receipts, sessions)["stopped"]["calls"]
    assert (stopped["ticket"], stopped["node"], stopped["answers"]) == ("=T-102", "wants", 1)
    text = cli("report", receipts, sessions).stdout
    assert "=T-102" in text


def files_and_folders(folder: Path) -> dict[str, tuple[int, int]]:
    listing = {str(folder): (0, folder.stat().st_mtime_ns)}
    for p in folder.rglob("*"):
        st = p.stat()
        listing[str(p)] = (st.st_size if p.is_file() else 0, st.st_mtime_ns)
    return listing


def test_nothing_is_written_where_the_report_reads_even_without_a_cache(walked: Path, tmp_path: Path) -> None:
    before = files_and_folders(walked)
    atimes_off = {"CALLFLOW_NO_CACHE": "1"}
    for env in ({}, atimes_off):
        for args in ((), ("--format", "csv", "--per", "node"), ("--html", str(tmp_path / "r.html"))):
            assert cli("report", walked / "receipts", walked / "sessions", *args, env=env).returncode == 0
    assert files_and_folders(walked) == before
    assert not any(name.endswith((".sqlite", ".db", "-journal", "-wal")) for name in os.listdir(walked / "receipts"))
