"""Receipts: unique names, never overwritten, a busy share retried, and an
unwritable or full folder told to the director with the journal keeping the
call until `callflow sessions export` writes it."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sessionkit import D2, PAYG, cli, journal_of, summary_part, unwritable

from callflow.flow.errors import ReceiptError
from callflow.record import diskio, receipts
from callflow.record.receipts import write_receipts


def data(session: str = "20260101-100000-abcdef", marker: str = "x") -> dict[str, Any]:
    return {"session": session, "started_at": "2026-01-01T10:00:00+00:00", "flow": {"id": "f"}, "marker": marker}


def test_a_taken_name_moves_on_and_nothing_is_overwritten(tmp_path: Path) -> None:
    first = write_receipts(tmp_path, data(marker="one"), "# one\n")
    second = write_receipts(tmp_path, data(marker="two"), "# two\n")
    assert [p.name for p in first] == ["20260101-100000-f-abcdef.json", "20260101-100000-f-abcdef.md"]
    assert [p.name for p in second] == ["20260101-100000-f-abcdef-2.json", "20260101-100000-f-abcdef-2.md"]
    assert json.loads(first[0].read_text())["marker"] == "one"
    assert second[1].read_text() == "# two\n"
    assert not list(tmp_path.glob(".tmp-*"))


def test_without_hard_links_the_name_is_reserved_then_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_link(src: Any, dst: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(receipts.os, "link", no_link)
    write_receipts(tmp_path, data(marker="one"), "# one\n")
    paths = write_receipts(tmp_path, data(marker="two"), "# two\n")
    assert paths[0].name.endswith("-2.json")
    assert json.loads(paths[0].read_text())["marker"] == "two"
    assert not list(tmp_path.glob(".tmp-*"))


def test_a_busy_destination_is_retried_with_a_short_backoff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_link = os.link
    busy = {"left": 3}
    waits: list[float] = []

    def link(src: Any, dst: Any) -> None:
        if busy["left"]:
            busy["left"] -= 1
            raise OSError(errno.EBUSY, "Device or resource busy")
        real_link(src, dst)

    monkeypatch.setattr(receipts.os, "link", link)
    monkeypatch.setattr(diskio.time, "sleep", waits.append)
    paths = write_receipts(tmp_path, data(), "# r\n")
    assert [p.exists() for p in paths] == [True, True]
    assert waits == list(diskio.BUSY_DELAYS[:3])


def test_a_share_that_stays_busy_gives_up_after_a_bounded_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def link(src: Any, dst: Any) -> None:
        raise OSError(errno.ETXTBSY, "Text file busy")

    waits: list[float] = []
    monkeypatch.setattr(receipts.os, "link", link)
    monkeypatch.setattr(diskio.time, "sleep", waits.append)
    with pytest.raises(ReceiptError, match="cannot write the receipt: the folder stayed busy"):
        write_receipts(tmp_path, data(), "# r\n")
    assert waits == list(diskio.BUSY_DELAYS)
    assert sum(waits) < 2.0
    assert not list(tmp_path.iterdir())  # no temp file and no half receipt left


def test_a_full_disk_is_said_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(receipts, "_temporary", full)
    with pytest.raises(ReceiptError, match=rf"{tmp_path}: cannot write the receipt: the disk is full"):
        write_receipts(tmp_path, data(), "# r\n")


def test_an_unwritable_receipts_folder_exits_5_and_export_writes_it_later(tmp_path: Path) -> None:
    sessions = tmp_path / "local"
    shared = tmp_path / "shared"
    with unwritable(shared):
        result = cli("run", D2, "--answers", PAYG, "--save", "--sessions-dir", sessions, "--receipts-dir", shared)
        assert result.returncode == 5, result.stderr
        assert "Traceback" not in result.stderr
        # The director still sees the whole summary, and is told what to do.
        assert "Call summary" in result.stdout and "$65.50" in result.stdout
        message = result.stderr.strip()
        assert message.startswith(f"{shared}: cannot write the receipt: permission denied.")
        assert f"The journal {sessions}/journal/" in message and "keeps the whole call" in message
        session_id = journal_of(sessions).stem
        assert f"callflow sessions export {session_id} --sessions-dir {sessions} --receipts-dir {shared}" in message
        assert list(shared.iterdir()) == []

        listed = json.loads(cli("sessions", "list", "--json", "--sessions-dir", sessions).stdout)["sessions"]
        assert [(s["session"], s["status"]) for s in listed] == [(session_id, "receipt missing")]
        failed = cli("sessions", "export", session_id, "--sessions-dir", sessions, "--receipts-dir", shared)
        assert failed.returncode == 5 and "permission denied" in failed.stderr

    # The share is writable again: the receipt is written from the journal.
    exported = cli("sessions", "export", session_id, "--sessions-dir", sessions, "--receipts-dir", shared)
    assert exported.returncode == 0, exported.stderr
    written = sorted(shared.iterdir())
    assert [p.suffix for p in written] == [".json", ".md", ".txt"]
    receipt = json.loads(written[0].read_text())
    assert receipt["session"] == session_id
    assert receipt["invoice"]["total"] == "65.50"
    expected = json.loads(cli("run", D2, "--answers", PAYG, "--json").stdout)
    assert summary_part(receipt) == summary_part(expected)
    listed = json.loads(cli("sessions", "list", "--json", "--sessions-dir", sessions).stdout)["sessions"]
    assert listed[0]["status"] == "ended" and listed[0]["receipts"] == [str(p) for p in written]


def test_receipts_go_to_their_own_folder_and_journals_stay_local(tmp_path: Path) -> None:
    result = cli(
        "run", D2, "--answers", PAYG, "--save",
        env={"CALLFLOW_SESSIONS_DIR": str(tmp_path / "local"), "CALLFLOW_RECEIPTS_DIR": str(tmp_path / "shared")},
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.suffix for p in (tmp_path / "shared").iterdir()) == [".json", ".md", ".txt"]
    assert [p.name for p in (tmp_path / "local").iterdir()] == ["journal"]


# -- a receipt is all its files or none -------------------------------------------------


def full_on(call: int, real: Any) -> Any:
    """`real`, except that its `call`-th use finds the disk full."""
    calls = {"n": 0}

    def fill(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    return fill


@pytest.mark.parametrize("step", ["_written", "_publish"])
def test_a_disk_that_fills_between_the_json_and_the_markdown_leaves_no_receipt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """Writing the Markdown's content, or giving it its name, after the JSON's."""
    monkeypatch.setattr(receipts, step, full_on(2, getattr(receipts, step)))
    with pytest.raises(ReceiptError, match="the disk is full"):
        write_receipts(tmp_path, data(), "# r\n", "r\n")
    assert list(tmp_path.iterdir()) == []  # no .json alone, no temporary file


def test_export_rewrites_the_same_calls_receipt_even_when_only_part_of_it_is_there(tmp_path: Path) -> None:
    own = data(marker="before")
    first = write_receipts(tmp_path, own, "# before\n", "before\n")
    first[1].unlink()  # a receipt left in part (an older callflow, a hand that tidied)
    again = write_receipts(tmp_path, data(marker="after"), "# after\n", "after\n", rewrite=True)
    assert again == first
    assert sorted(tmp_path.iterdir()) == sorted(first)
    assert json.loads(first[0].read_text())["marker"] == "after" and first[1].read_text() == "# after\n"


def test_export_with_only_the_markdown_left_finds_it_by_the_session_it_names(tmp_path: Path) -> None:
    first = write_receipts(tmp_path, data(), f"# receipt\nSession {data()['session']}\n")
    first[0].unlink()
    again = write_receipts(tmp_path, data(), "# r\n", "r\n", rewrite=True)
    assert [p.name for p in again] == [p.name for p in first] + [first[0].with_suffix(".txt").name]


def test_export_never_rewrites_another_sessions_receipt_under_the_same_name(tmp_path: Path) -> None:
    other = write_receipts(tmp_path, data(session="20260101-100005-abcdef", marker="other"), "# other\n")
    ours = write_receipts(tmp_path, data(marker="ours"), "# ours\n", rewrite=True)
    assert ours[0].name.endswith("-2.json")
    assert json.loads(other[0].read_text())["marker"] == "other"


def test_an_exported_receipt_missing_its_markdown_is_made_whole_under_its_name(tmp_path: Path) -> None:
    sessions, shared = tmp_path / "local", tmp_path / "shared"
    assert cli("run", D2, "--answers", PAYG, "--save", "--sessions-dir", sessions, "--receipts-dir", shared).returncode == 0
    written = sorted(shared.iterdir())
    written[1].unlink()
    exported = cli("sessions", "export", journal_of(sessions).stem, "--sessions-dir", sessions, "--receipts-dir", shared)
    assert exported.returncode == 0, exported.stderr
    assert sorted(shared.iterdir()) == written  # the same three names, no -2
