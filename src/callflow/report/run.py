"""A report from folders: find the files, bring the index up to them, count
every call the filters keep, and build the report with the flows' edges."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from callflow.report.build import build
from callflow.report.calls import ENDED, Call, Filters, Quiz, Skipped, read_all
from callflow.report.extract import JOURNAL, QUIZ, RECEIPT, Facts
from callflow.report.flowmap import FlowMap, locate_flows
from callflow.report.index import Index, Synced
from callflow.report.parts import Part, count_shards, merge
from callflow.report.sources import Listing
from callflow.report.tally import Tally


@dataclass
class Collected:
    """What the folders hold, counted."""

    tally: Tally
    kinds: Counter[str] = field(default_factory=Counter)
    synced: Synced = field(default_factory=Synced)
    unlistable: list[str] = field(default_factory=list)


def collect(roots: Sequence[str], filters: Filters, sink: Callable[[Call | Quiz | Skipped], None] | None = None) -> Collected:
    """Count the calls and quizzes under `roots` that the filters keep (or,
    given a `sink`, hand each to it: CSV rows are written as they come)."""
    index = Index.open(roots)
    try:
        listing = Listing(list(roots))
        try:
            synced = index.sync(listing.files())
        except sqlite3.OperationalError:  # another report is writing the same index right now
            index.close()
            index = Index.temporary_index()
            listing = Listing(list(roots))
            synced = index.sync(listing.files())
        collected = Collected(Tally(), synced=synced, unlistable=list(dict.fromkeys(listing.unlistable)))
        if sink is not None:
            for item in read_all(_counted(index.facts(), collected.kinds), filters):
                sink(item)
            return collected
        _count_in_parts(index, filters, collected)
        return collected
    finally:
        index.close()


def _count_in_parts(index: Index, filters: Filters, collected: Collected) -> None:
    """Each shard's counts as kept, if its files are as they were, else
    counted again and kept; calls that did not end are always counted afresh."""
    key = json.dumps(filters.to_dict(), sort_keys=True)
    tally = collected.tally
    again: list[tuple[int, int]] = []
    for shard, generation in index.generations():
        part = index.kept(shard, generation, key)
        if not isinstance(part, Part):
            again.append((shard, generation))
            continue
        for item in read_all(index.session_facts(shard, part.unfinished), filters):
            if isinstance(item, Call) and item.status != ENDED:
                tally.add(item)
        merge(tally, part.tally)
        collected.kinds.update(part.kinds)
    counts = count_shards(index, [shard for shard, _ in again], filters)
    for (shard, generation), (part, unfinished) in zip(again, counts, strict=True):
        index.keep(shard, generation, key, part)
        for call in unfinished:
            tally.add(call)
        merge(tally, part.tally)
        collected.kinds.update(part.kinds)
    index.commit()
    tally.settle()


def _counted(rows: Iterator[tuple[str, Facts]], kinds: Counter[str]) -> Iterator[tuple[str, Facts]]:
    for path, facts in rows:
        kinds[str(facts.get("k"))] += 1
        yield path, facts


def report(
    roots: Sequence[str], filters: Filters, flow_files: dict[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, FlowMap | str]]:
    """The report of the calls under `roots`, and the flows it drew on
    (`flow_files`: flow id -> a file the user named)."""
    collected = collect(roots, filters)
    tally = collected.tally
    recorded = {flow_id: counts.flow_files for flow_id, counts in tally.flows.items()}
    maps = locate_flows(flow_files or {}, recorded) if tally.flows or flow_files else {}
    sources = {
        "folders": list(roots),
        "files": {
            "receipts": collected.kinds[RECEIPT],
            "journals": collected.kinds[JOURNAL],
            "quiz_reports": collected.kinds[QUIZ],
        },
        "unlistable": collected.unlistable,
    }
    return build(tally, maps, sources, filters), maps
