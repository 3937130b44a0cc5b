"""Time per node, from the times the journal keeps.

Each journal event says when it happened (`at`) and, for an answer, a back,
a change, the start and a resume, where the call stands afterwards
(`next_node`). The time between two events counts for the node the call
stood at in between: the time from arriving at a question to answering it
counts for the question's node, a back counts where the call was when the
director went back, and a stretch between a stop and a resume counts for
nobody. A node the call passes without asking anything takes no time of its
own: its words are read at the next node that asks.

Nodes come in the order the call first reached them; a node reached twice
(a loop, or after a back) adds up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from callflow.record.journalread import parse_time

MOVES = ("start", "resume", "answer", "back", "change")




def node_seconds(events: Iterable[Mapping[str, Any]], now: datetime | None = None) -> dict[str, float]:
    """Seconds spent at each node (as written), in the order first reached.
    `now` closes the stretch still open (a call in progress)."""
    spent: dict[str, float] = {}
    where: str | None = None
    since: datetime | None = None

    def count(until: datetime | None) -> None:
        if where is not None and since is not None and until is not None:
            spent[where] = spent.get(where, 0.0) + max(0.0, (until - since).total_seconds())

    for event in events:
        kind = event.get("event")
        moment = parse_time(event.get("at"))
        if kind in MOVES:
            if kind not in ("start", "resume"):
                count(moment)
            node = event.get("next_node")
            where = str(node) if node else None
            since = moment
            if where is not None:
                spent.setdefault(where, 0.0)
        elif kind in ("end", "stopped"):
            count(moment)
            where = since = None
    if now is not None:
        count(now)
    return spent


def time_per_node(
    events: Iterable[Mapping[str, Any]], expected: Mapping[str, int], now: datetime | None = None
) -> list[dict[str, Any]]:
    """The receipt's `time_per_node`: each node's seconds and, where the flow
    states one, its expected seconds."""
    return [
        {"node": node, "seconds": round(seconds, 1), "expected_seconds": expected.get(node)}
        for node, seconds in node_seconds(events, now).items()
    ]
