"""A session's receipt rebuilt from its journal (`callflow sessions export`).

An ended call journalled its receipt data with its end: that is the call as
it happened (the words, prices and secrets of that moment), so it is written
as it was. Otherwise (a call that has not ended, or a journal written before
the end carried the receipt) the journal is replayed through the flow, the
same replay `callflow resume` uses, and the receipt shows the call so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from callflow.record.journalread import JournalRecord

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow


@dataclass
class Rebuilt:
    data: dict[str, Any]
    ended: bool
    replayed: bool  # False: the receipt data journalled at the end
    warnings: list[str] = field(default_factory=list)


def rebuild(record: JournalRecord, load_flow: Callable[[], LoadedFlow]) -> Rebuilt:
    """The receipt data of a journalled session."""
    end = record.end
    if end is not None and isinstance(end.get("receipt"), dict):
        return Rebuilt(dict(end["receipt"]), ended=True, replayed=False)
    from callflow.call.summary import summarize
    from callflow.record.calls import expected_times, flow_digest
    from callflow.record.receipts import receipt_data
    from callflow.record.replay import replay
    from callflow.record.timing import time_per_node

    loaded = load_flow()
    warnings: list[str] = []
    if record.damaged:
        warnings.append(f"journal line(s) {', '.join(map(str, record.damaged))} could not be read and were skipped")
    if record.flow_sha256 is not None and flow_digest(loaded.text) != record.flow_sha256:
        warnings.append(f"the flow file {loaded.path} has changed since the call; it is replayed on the changed flow")
    result = replay(record.answers(), loaded.flow, loaded.index, agent=record.agent, today=record.today)
    if result.waiting_for_secret is not None:
        warnings.append(
            f"the replay stops at the secret '{result.waiting_for_secret}', which a later step needs and which is "
            "never saved; `callflow resume` asks for it and goes on"
        )
    for misfit in result.misfits:
        warnings.append(f"answer {misfit.line()}")
    events = [record.start, *record.events]
    last_at = str(end.get("at") if end else next((e["at"] for e in reversed(events) if e.get("at")), ""))
    duration = end.get("duration_seconds") if end else None
    data = receipt_data(
        summarize(result.session),
        session_id=record.session_id,
        flow_path=str(record.start.get("flow_path", loaded.path)),
        started_at=str(record.start.get("started_at") or record.started_at),
        ended_at=last_at,
        duration_seconds=float(duration) if isinstance(duration, (int, float)) else record.active_seconds(),
        notes=[{k: note.get(k) for k in ("node", "field", "text", "at")} for note in record.notes()],
        time_per_node=time_per_node(events, expected_times(result.session)),
    )
    if end is None:
        warnings.append("the call has not ended: this receipt shows it so far (`callflow resume` goes on with it)")
    return Rebuilt(data, ended=end is not None, replayed=True, warnings=warnings)
