"""Receipts say which format they are written in (docs/report.md), so that
readers of many receipts (callflow report) can tell a newer one apart."""

from __future__ import annotations

import json
from pathlib import Path

from sessionkit import PAYG, load_d2, scripted_call

from callflow.call.answers import load_answers
from callflow.record.receipts import RECEIPT_FORMAT


def test_a_receipt_names_its_format(tmp_path: Path) -> None:
    call, _ = scripted_call(load_d2(), load_answers(str(PAYG)), tmp_path)
    data = json.loads(call.receipts[0].read_text(encoding="utf-8"))
    assert data["format"] == RECEIPT_FORMAT == 1
    assert data["receipt"] == 1  # kept: what marks the file as a receipt since the first one
