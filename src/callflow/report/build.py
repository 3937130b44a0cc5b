"""The report as data: the counts of a Tally, with the flows' edges and
nodes, in the shape `--format json` prints (docs/report.md, format 1).

Every list is in a fixed order (most calls first, then by name; days and
weeks in time order; nodes as the flow is written), so the same files give
the same report byte for byte.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from callflow.report.calls import ENDED, IN_PROGRESS, STOPPED, Filters
from callflow.report.flowmap import FlowMap
from callflow.report.stats import Histogram, money_text, share
from callflow.report.tally import MONEY_FIELDS, FlowCounts, NodeCounts, Tally

REPORT_FORMAT = 2
TOP_PATHS = 10


def _status(counter: Counter[str]) -> dict[str, int]:
    return {"ended": counter[ENDED], "stopped": counter[STOPPED], "in_progress": counter[IN_PROGRESS]}


def _time(hist: Histogram | None) -> dict[str, Any]:
    return (hist or Histogram()).to_dict()


def _money(values: Sequence[int]) -> dict[str, Any]:
    return {"calls": values[0], **{name: money_text(v) for name, v in zip(MONEY_FIELDS, values[1:], strict=True)}}


def build(tally: Tally, maps: dict[str, FlowMap | str], sources: dict[str, Any], filters: Filters) -> dict[str, Any]:
    """The whole report (JSON-ready)."""
    flows = sorted(tally.flows.items(), key=lambda kv: (-kv[1].calls, kv[0]))
    days = sorted(d for d in tally.days if d is not None)
    return {
        "format": "callflow-report",
        "format_version": REPORT_FORMAT,
        "filters": filters.to_dict(),
        "sources": {**sources, "skipped": _skipped(tally)},
        "period": {"first_day": days[0] if days else None, "last_day": days[-1] if days else None},
        "calls": {
            "total": tally.calls,
            **_status(tally.status),
            "by_flow": [_flow(flow_id, counts, _flow_time(tally, flow_id)) for flow_id, counts in flows],
            "by_outcome": _outcomes(tally, [flow_id for flow_id, _ in flows]),
            "by_agent": _agents(tally),
            "by_day": _periods(tally.days, "day"),
            "by_week": _periods(tally.weeks, "week"),
            "duration_histogram": _histogram(tally.durations),
        },
        "stopped": _stopped(tally),
        "money": _money_part(tally),
        "nodes": _nodes(tally, flows, maps),
        "paths": [_paths(flow_id, counts, maps.get(flow_id)) for flow_id, counts in flows],
        "training": _training(tally),
    }


NICE_BINS = (5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)
MAX_BINS = 16


def _histogram(durations: Histogram) -> dict[str, Any]:
    """Ended calls by how long they took: bins of a round width up to the 95th
    percentile, the last bin holding the rest."""
    high = durations.quantile(0.95) or 0.0
    width = next((w for w in NICE_BINS if high / w <= MAX_BINS - 1), NICE_BINS[-1])
    count = min(MAX_BINS, int(high // width) + 2) if durations.n else 0
    return {"bin_seconds": width, "counts": durations.bins([i * width for i in range(count)]) if count else []}


def _skipped(tally: Tally) -> dict[str, Any]:
    return {
        "count": sum(tally.skip_reasons.values()),
        "by_reason": dict(sorted(tally.skip_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "files": [{"path": s.path, "reason": s.reason, "detail": s.detail} for s in tally.skipped],
    }


def _flow_time(tally: Tally, flow_id: str) -> Histogram:
    whole = Histogram()
    for (flow, _), hist in tally.outcomes.items():
        if flow == flow_id:
            whole.merge(hist)
    return whole


def _flow(flow_id: str, counts: FlowCounts, duration: Histogram) -> dict[str, Any]:
    versions = sorted(counts.versions.items(), key=lambda kv: (-kv[1], kv[0] or "~"))
    return {
        "flow": flow_id,
        "title": counts.title,
        "calls": counts.calls,
        **_status(counts.status),
        "duration": duration.to_dict(),
        "versions": [
            {
                "sha256": sha,
                "calls": n,
                "first_day": counts.version_days.get(sha, [None, None])[0],
                "last_day": counts.version_days.get(sha, [None, None])[1],
            }
            for sha, n in versions
        ],
    }


def _outcomes(tally: Tally, flow_order: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for flow_id in flow_order:
        total = tally.flows[flow_id].calls
        keys = [k for k in tally.outcome_calls if k[0] == flow_id]
        keys.sort(key=lambda k: (k[1] is None, -tally.outcome_calls[k], k[1] or ""))
        for key in keys:
            n = tally.outcome_calls[key]
            rows.append(
                {"flow": flow_id, "outcome": key[1], "calls": n, "share": share(n, total), "duration": _time(tally.outcomes.get(key))}
            )
    return rows


def _agents(tally: Tally) -> list[dict[str, Any]]:
    agents = sorted(tally.agents.items(), key=lambda kv: (-kv[1].calls, kv[0] is None, kv[0] or ""))
    return [
        {"agent": agent, "calls": counts.calls, **_status(counts.status), "duration": _time(counts.duration)}
        for agent, counts in agents
    ]


def _periods(periods: dict[str | None, Counter[str]], name: str) -> list[dict[str, Any]]:
    rows = []
    for period in sorted(periods, key=lambda p: (p is None, p or "")):
        counter = periods[period]
        outcomes = {k: v for k, v in counter.items() if k not in (STOPPED, IN_PROGRESS)}
        ended = sum(outcomes.values())
        rows.append(
            {
                name: period,
                "calls": sum(counter.values()),
                "ended": ended,
                "stopped": counter[STOPPED],
                "in_progress": counter[IN_PROGRESS],
                "outcomes": dict(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
            }
        )
    return rows


def _stopped(tally: Tally) -> dict[str, Any]:
    by_node = sorted(tally.stopped_at.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or ""))
    return {
        "count": tally.unfinished,
        "by_node": [{"flow": flow_id, "node": node, "calls": n} for (flow_id, node), n in by_node],
        "by_reason": dict(sorted(tally.stop_reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "calls": [
            {
                "session": call.session,
                "flow": call.flow,
                "agent": call.agent,
                "day": call.day,
                "started_at": call.started,
                "status": call.status,
                "ticket": call.ticket,
                "node": call.stands_at,
                "question": call.question,
                "reason": call.stop_reason,
                "answers": call.answers,
                "seconds": call.duration,
                "journal": call.journal,
            }
            for call in tally.stopped_calls
        ],
    }


def _money_part(tally: Tally) -> dict[str, Any]:
    items = sorted(tally.items.items(), key=lambda kv: (kv[0][0], -kv[1][2], kv[0][1], kv[0][2]))
    agents = sorted(tally.agent_money.items(), key=lambda kv: (kv[0][1], -kv[1][3], kv[0][0] is None, kv[0][0] or ""))
    return {
        "by_currency": [{"currency": cur, **_money(values)} for cur, values in sorted(tally.money.items())],
        "by_item": [
            {
                "currency": cur,
                "code": code,
                "name": name,
                "kind": tally.item_kinds[(cur, code, name)],
                "lines": int(values[0]),
                "quantity": round(values[1], 2),
                "amount": money_text(int(values[2])),
            }
            for (cur, code, name), values in items
        ],
        "by_agent": [{"agent": agent, "currency": cur, **_money(values)} for (agent, cur), values in agents],
    }


def _node_row(flow_id: str, node: str, counts: NodeCounts, flow_map: FlowMap | None) -> dict[str, Any]:
    expected = flow_map.expected_seconds(node) if flow_map is not None else None
    return {
        "flow": flow_id,
        "node": node,
        "visits": counts.visits,
        "timed": counts.seconds.n,
        "median": counts.seconds.median,
        "p90": counts.seconds.p90,
        "backs": counts.backs,
        "changes": counts.changes,
        "ended_here": counts.ended_here,
        "stopped_here": counts.stopped_here,
        "expected_seconds": expected,
    }


def _nodes(tally: Tally, flows: list[tuple[str, FlowCounts]], maps: dict[str, FlowMap | str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for flow_id, _ in flows:
        flow_map = maps.get(flow_id)
        flow_map = flow_map if isinstance(flow_map, FlowMap) else None
        counted = {node: c for (f, node), c in tally.nodes.items() if f == flow_id}
        if flow_map is not None:
            order = list(flow_map.nodes)
            order += sorted(n for n in counted if n not in flow_map.nodes)
        else:
            order = sorted(counted, key=lambda n: (-counted[n].visits, n))
        rows += [_node_row(flow_id, node, counted.get(node, NodeCounts()), flow_map) for node in order]
    return rows


def _paths(flow_id: str, counts: FlowCounts, flow_map: FlowMap | str | None) -> dict[str, Any]:
    ended = counts.status[ENDED]
    top = sorted(counts.paths.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PATHS]
    part: dict[str, Any] = {
        "flow": flow_id,
        "calls": ended,
        "distinct": len(counts.paths),
        "most_frequent": [{"path": list(path), "calls": n, "share": share(n, ended)} for path, n in top],
        "flow_file": None,
        "flow_sha256": None,
        "flow_problem": flow_map if isinstance(flow_map, str) else None,
        "edges": None,
        "edges_never_taken": None,
        "nodes_never_reached": None,
    }
    if isinstance(flow_map, FlowMap):
        flow_map.count(counts.steps, counts.picks)
        part.update(
            flow_file=flow_map.file,
            flow_sha256=flow_map.sha256,
            edges=[_edge(edge, n) for edge, n in zip(flow_map.edges, flow_map.taken, strict=True)],
            edges_never_taken=[_edge(edge, 0) for edge in flow_map.never_taken()],
            nodes_never_reached=flow_map.never_reached(counts.reached),
        )
    return part


def _edge(edge: Any, times: int) -> dict[str, Any]:
    return {"from": edge.source, "to": edge.target, "way": edge.way, "label": edge.label, "calls": times}


def _training(tally: Tally) -> dict[str, Any]:
    by_trainee: dict[str | None, list[Any]] = {}
    for quiz in sorted(tally.quizzes, key=lambda q: (q.started or "", q.session)):
        by_trainee.setdefault(quiz.trainee, []).append(quiz)
    trainees = []
    for trainee, quizzes in sorted(by_trainee.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        scores = [q.score for q in quizzes]
        trainees.append(
            {
                "trainee": trainee,
                "quizzes": len(quizzes),
                "first_day": quizzes[0].day,
                "last_day": quizzes[-1].day,
                "mean_score": round(sum(scores) / len(scores), 1),
                "last_score": scores[-1],
                "scores": [{"day": q.day, "scenario": q.scenario, "score": q.score, "ended": q.ended} for q in quizzes],
            }
        )
    deviations = sorted(tally.deviations.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
    return {
        "quizzes": len(tally.quizzes),
        "trainees": trainees,
        "deviations": [
            {"flow": flow_id, "node": node, "left_path": left, "wrong_answers": wrong}
            for (flow_id, node), (left, wrong) in deviations
        ],
    }
