"""The end of a call on screen: saved first, then the summary, then any receipt problem.

The summary is shown before a receipt problem is raised, so the director
still has everything on screen to copy into the ticketing system.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from callflow.call.engine import Session
from callflow.record.calls import CallRecorder, receipt_failure, save_call


def finish_call(call: CallRecorder, session: Session, *, save: bool, as_json: bool, console: Any = None) -> None:
    """Journal the end, save the receipt and show the summary (rich, or JSON on stdout).

    Raises ReceiptError after showing the summary when the receipt could not
    be written.
    """
    saved = save_call(call, session, save=save)
    if as_json:
        sys.stdout.write(json.dumps(saved.data, indent=2, ensure_ascii=False) + "\n")
    else:
        from rich.console import Console

        from callflow.terminal.summaryview import summary_renderable

        (console or Console(highlight=False)).print(summary_renderable(saved.data, [str(p) for p in saved.receipts]))
    if saved.problem is not None:
        raise receipt_failure(call, saved)
