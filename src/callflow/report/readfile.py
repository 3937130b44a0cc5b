"""The facts of one file found: a journal's (callflow.report.journalfacts),
else a receipt's or a quiz report's (callflow.report.extract)."""

from __future__ import annotations

from pathlib import Path

from callflow.report.extract import CANNOT_READ, JOURNAL, Facts, Unreadable, receipt_file_facts, skipped
from callflow.report.journalfacts import journal_file_facts


def read_facts(path: str | Path, kind: str) -> Facts:
    """The facts of one file (`kind` is JOURNAL for journal/*.jsonl, else
    RECEIPT: a receipt or a quiz report); a skipped file gives SKIP facts."""
    try:
        if kind == JOURNAL:
            return journal_file_facts(Path(path))
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise Unreadable(CANNOT_READ, exc.strerror or str(exc)) from None
        return receipt_file_facts(data)
    except Unreadable as exc:
        return skipped(exc.reason, exc.detail)
