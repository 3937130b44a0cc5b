"""A report counted in parts, so a second report reads what the first counted.

The index (callflow.report.index) keeps its files in shards, by their
session (every file of a call in one shard), and a generation per shard that
goes up whenever a file of the shard is read again or gone. The counts of a
shard (a Tally of its ended calls, quizzes and skipped files) are kept with
the generation and the filters they were counted under: a report whose
filters and shard generation are the same merges them instead of counting
the shard's calls again; a shard with any file new, changed or gone is
counted again, and only that shard.

A call that did not end is never kept in the counts: whether it is `in
progress` depends on whether another callflow holds its journal open right
now, not on the files. Its session is kept instead, and its files are read
from the index and counted afresh by every report.

Merging adds up exactly what `Tally.add` would have counted: counters and
histograms add, days' spans widen, a set of nodes reached joins. Only the
skipped files listed (the first hundred) come in the order of the shards.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from callflow.report.calls import ENDED, Call, Filters, Quiz, Skipped, read_all
from callflow.report.extract import Facts
from callflow.report.index import Index, cores
from callflow.report.stats import Histogram
from callflow.report.tally import MAX_SKIPPED_LISTED, PICKS_PER_STEP, AgentCounts, FlowCounts, NodeCounts, Tally

Item = Call | Quiz | Skipped
PARALLEL_SHARDS = 8  # shards to count: from this many, one process per core counts them


def _add_hist(into: Histogram, other: Histogram) -> None:
    into.merge(other)


def _lists(into: dict[Any, list[Any]], other: dict[Any, list[Any]]) -> None:
    for key, values in other.items():
        mine = into.get(key)
        if mine is None:
            into[key] = list(values)
        else:
            for i, value in enumerate(values):
                mine[i] += value


def _flow(into: FlowCounts, other: FlowCounts, flow_id: str) -> None:
    if other.title != flow_id:
        into.title = other.title
    into.calls += other.calls
    into.status.update(other.status)
    into.versions.update(other.versions)
    for sha, (first, last) in other.version_days.items():
        span = into.version_days.setdefault(sha, [first, last])
        span[0], span[1] = min(span[0], first), max(span[1], last)
    into.flow_files.update(other.flow_files)
    into.paths.update(other.paths)
    into.steps.update(other.steps)
    for step, picks in other.picks.items():
        mine = into.picks.setdefault(step, Counter())
        for pick, n in picks.items():
            if pick in mine or len(mine) < PICKS_PER_STEP:
                mine[pick] += n
    into.reached |= other.reached


def merge(into: Tally, other: Tally) -> None:
    """Add the counts of `other` (settled) to `into`."""
    other.settle()
    into.settle()
    for flow_id, counts in other.flows.items():
        if flow_id not in into.flows:
            into.flows[flow_id] = FlowCounts(counts.title)
        _flow(into.flows[flow_id], counts, flow_id)
    for key, hist in other.outcomes.items():
        _add_hist(into.outcomes.setdefault(key, Histogram()), hist)
    into.outcome_calls.update(other.outcome_calls)
    for name, agent in other.agents.items():
        theirs = into.agents.setdefault(name, AgentCounts())
        theirs.calls += agent.calls
        theirs.status.update(agent.status)
        _add_hist(theirs.duration, agent.duration)
    for periods, others in ((into.days, other.days), (into.weeks, other.weeks)):
        for period, counter in others.items():
            periods.setdefault(period, Counter()).update(counter)
    into.stopped_at.update(other.stopped_at)
    into.stop_reasons.update(other.stop_reasons)
    _lists(into.money, other.money)
    _lists(into.items, other.items)
    for item, kind in other.item_kinds.items():
        into.item_kinds.setdefault(item, kind)
    _lists(into.agent_money, other.agent_money)
    for node_key, node in other.nodes.items():
        node_counts = into.nodes.setdefault(node_key, NodeCounts())
        node_counts.visits += node.visits
        _add_hist(node_counts.seconds, node.seconds)
        node_counts.backs += node.backs
        node_counts.changes += node.changes
        node_counts.ended_here += node.ended_here
        node_counts.stopped_here += node.stopped_here
    _add_hist(into.durations, other.durations)
    into.quizzes.extend(other.quizzes)
    _lists(into.deviations, other.deviations)
    into.skipped.extend(other.skipped[: max(0, MAX_SKIPPED_LISTED - len(into.skipped))])
    into.skip_reasons.update(other.skip_reasons)
    into.calls += other.calls
    into.status.update(other.status)


class Part:
    """The counts of one shard, as kept in the index."""

    __slots__ = ("kinds", "tally", "unfinished")

    def __init__(self) -> None:
        self.tally = Tally()
        self.kinds: Counter[str] = Counter()
        self.unfinished: list[str] = []  # sessions of calls that did not end


def counted(
    rows: Iterator[tuple[str, Facts]], kinds: Counter[str], filters: Filters, add: Callable[[Item], None]
) -> list[str]:
    """Hand each call, quiz and skipped file of `rows` to `add`; the sessions
    of the calls that did not end (which are not to be kept)."""

    def tallied() -> Iterator[tuple[str, Facts]]:
        for path, facts in rows:
            kinds[str(facts.get("k"))] += 1
            yield path, facts

    unfinished: list[str] = []
    for item in read_all(tallied(), filters):
        if isinstance(item, Call) and item.status != ENDED:
            unfinished.append(item.session)
        add(item)
    return unfinished


def count_shard(rows: Iterator[tuple[str, Facts]], filters: Filters) -> tuple[Part, list[Call]]:
    """A shard's counts (what can be kept), and its calls that did not end."""
    part = Part()
    unfinished: list[Call] = []

    def add(item: Item) -> None:
        if isinstance(item, Call) and item.status != ENDED:
            unfinished.append(item)
        else:
            part.tally.add_any(item)

    part.unfinished = counted(rows, part.kinds, filters, add)
    part.tally.settle()
    return part, unfinished


def _count_in_worker(task: tuple[str, int, Filters]) -> tuple[Part, list[Call]]:
    from callflow.report.index import read_only

    path, shard, filters = task
    with contextlib.closing(read_only(path)) as index:
        return count_shard(index.shard_facts(shard), filters)


def count_shards(index: Index, shards: list[int], filters: Filters) -> Iterator[tuple[Part, list[Call]]]:
    """Each shard counted: by one process per core when there are many and the
    index is a file they can open; else here, one after the other."""
    workers = cores()
    if len(shards) < PARALLEL_SHARDS or workers < 2 or index.path is None:
        for shard in shards:
            yield count_shard(index.shard_facts(shard), filters)
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        yield from pool.imap(_count_in_worker, [(str(index.path), shard, filters) for shard in shards])
