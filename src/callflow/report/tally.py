"""The running counts of a report: each call and quiz is added once and
then forgotten, so memory holds the counts, not the calls.

What is counted (docs/report.md says it field by field):

- calls by flow and flow version, by flow and outcome (with their
  duration), by agent, by day and by ISO week;
- calls that did not end: by the node where they stand and by why they
  stopped, and the newest of them one by one;
- money per currency (invoiced = the call's own lines; payments pay the
  call's lines first, then the past-due balance: what goes to the balance is
  `past_due_collected`), by item code and by agent;
- per node of each flow: visits on the paths of ended calls, the seconds
  each ended call spent there (its time per node), back-presses, changes,
  and the calls that ended or stand there;
- the paths of ended calls, and each step with the option picked;
- quizzes: scores per trainee, and where trainees left the scenario's path
  or answered otherwise.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from callflow.report.calls import ENDED, IN_PROGRESS, STOPPED, Call, Quiz, Skipped, week_of
from callflow.report.stats import Histogram, past_due_collected

NEWEST_STOPPED = 100
MAX_SKIPPED_LISTED = 100
PICKS_PER_STEP = 50  # an option's values are few; a typed amount is not an option
PENDING_PATHS = 20_000  # distinct (path, picks) held before they are counted out
MONEY_FIELDS = ("invoiced", "past_due", "paid", "past_due_collected", "refunded", "due")


@dataclass
class FlowCounts:
    title: str
    calls: int = 0
    status: Counter[str] = field(default_factory=Counter)
    versions: Counter[str | None] = field(default_factory=Counter)
    version_days: dict[str | None, list[str]] = field(default_factory=dict)
    flow_files: Counter[str] = field(default_factory=Counter)
    paths: Counter[tuple[str, ...]] = field(default_factory=Counter)
    steps: Counter[tuple[str, str]] = field(default_factory=Counter)
    picks: dict[tuple[str, str], Counter[str | None]] = field(default_factory=dict)
    reached: set[str] = field(default_factory=set)  # nodes any call went through or stands at


@dataclass
class NodeCounts:
    visits: int = 0
    seconds: Histogram = field(default_factory=Histogram)  # per call at the node
    backs: int = 0
    changes: int = 0
    ended_here: int = 0
    stopped_here: int = 0


@dataclass
class AgentCounts:
    calls: int = 0
    status: Counter[str] = field(default_factory=Counter)
    duration: Histogram = field(default_factory=Histogram)


@dataclass
class Tally:
    """Everything a report counts, filled by `add`."""

    flows: dict[str, FlowCounts] = field(default_factory=dict)
    outcomes: dict[tuple[str, str | None], Histogram] = field(default_factory=dict)
    outcome_calls: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    agents: dict[str | None, AgentCounts] = field(default_factory=dict)
    days: dict[str | None, Counter[str]] = field(default_factory=dict)
    weeks: dict[str | None, Counter[str]] = field(default_factory=dict)
    stopped_at: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    stop_reasons: Counter[str] = field(default_factory=Counter)
    newest_stopped: list[tuple[str, int, Call]] = field(default_factory=list)
    money: dict[str, list[int]] = field(default_factory=dict)  # currency -> calls + MONEY_FIELDS
    items: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)  # (cur, code, name) -> lines, qty, cents
    item_kinds: dict[tuple[str, str, str], str] = field(default_factory=dict)
    agent_money: dict[tuple[str | None, str], list[int]] = field(default_factory=dict)
    nodes: dict[tuple[str, str], NodeCounts] = field(default_factory=dict)
    durations: Histogram = field(default_factory=Histogram)  # every ended call
    quizzes: list[Quiz] = field(default_factory=list)
    deviations: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # -> left path, wrong answers
    skipped: list[Skipped] = field(default_factory=list)  # the first MAX_SKIPPED_LISTED
    skip_reasons: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    status: Counter[str] = field(default_factory=Counter)
    _order: itertools.count[int] = field(default_factory=itertools.count)
    # Ended calls by (flow, path, picks): calls mostly go the same few ways, so
    # their nodes, steps and picks are counted once per way (`settle`).
    _pending: Counter[tuple[str, tuple[str, ...], tuple[str | None, ...]]] = field(default_factory=Counter)
    _pending_calls: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    flows_reached: list[tuple[str, str | None]] = field(default_factory=list)  # calls not ended: where they stand

    def __getstate__(self) -> dict[str, Any]:
        """What is kept of the counts (callflow.report.parts): settled, without the running order."""
        self.settle()
        return {k: v for k, v in self.__dict__.items() if k != "_order"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._order = itertools.count()

    # -- calls -----------------------------------------------------------------------------

    def add(self, call: Call) -> None:
        ended = call.status == ENDED
        outcome = call.outcome if ended else None
        # What is counted by flow, version, agent, day and outcome is counted
        # once per combination (`settle`); calls share them by the thousand.
        self._pending_calls[(call.flow, call.title, call.status, call.sha, call.day, call.flow_file, outcome,
                             call.agent)] += 1
        if call.duration is not None:
            tenths = round(call.duration * 10)
            key = (call.flow, outcome)
            hist = self.outcomes.get(key)
            if hist is None:
                hist = self.outcomes[key] = Histogram()
            hist.counts[tenths] += 1
            hist.n += 1
            agent = self.agents.get(call.agent)
            if agent is None:
                agent = self.agents[call.agent] = AgentCounts()
            agent.duration.counts[tenths] += 1
            agent.duration.n += 1
            if ended:
                self.durations.counts[tenths] += 1
                self.durations.n += 1
        if call.backs or call.changes or call.times or not ended:
            self._nodes(call)
        if ended:
            self._pending[(call.flow, call.path, call.picks)] += 1
            if call.money is not None and call.currency is not None:
                self._money(call)
        else:
            self.flows_reached.append((call.flow, call.stands_at))
            self.stopped_at[(call.flow, call.stands_at)] += 1
            self.stop_reasons[call.stop_reason or IN_PROGRESS] += 1
            entry = (call.started or "", next(self._order), call)
            if len(self.newest_stopped) < NEWEST_STOPPED:
                heapq.heappush(self.newest_stopped, entry)
            else:
                heapq.heappushpop(self.newest_stopped, entry)
        if len(self._pending) >= PENDING_PATHS or len(self._pending_calls) >= PENDING_PATHS:
            self.settle()

    def _settle_calls(self) -> None:
        weeks: dict[str | None, str | None] = {}
        for (flow_id, title, status, sha, day, flow_file, outcome, agent_name), n in self._pending_calls.items():
            self.calls += n
            self.status[status] += n
            flow = self.flows.get(flow_id)
            if flow is None:
                flow = self.flows[flow_id] = FlowCounts(title)
            if title != flow_id:
                flow.title = title
            flow.calls += n
            flow.status[status] += n
            flow.versions[sha] += n
            if day is not None:
                span = flow.version_days.setdefault(sha, [day, day])
                span[0], span[1] = min(span[0], day), max(span[1], day)
            if flow_file:
                flow.flow_files[flow_file] += n
            self.outcome_calls[(flow_id, outcome)] += n
            agent = self.agents.get(agent_name)
            if agent is None:
                agent = self.agents[agent_name] = AgentCounts()
            agent.calls += n
            agent.status[status] += n
            label = outcome if outcome is not None else status
            self.days.setdefault(day, Counter())[label] += n
            if day not in weeks:
                weeks[day] = week_of(day)
            self.weeks.setdefault(weeks[day], Counter())[label] += n
        self._pending_calls.clear()
        for flow_id, node in self.flows_reached:
            if node is not None:
                self.flows[flow_id].reached.add(node)
        self.flows_reached.clear()

    def _node(self, flow: str, node: str) -> NodeCounts:
        counts = self.nodes.get((flow, node))
        if counts is None:
            counts = self.nodes[(flow, node)] = NodeCounts()
        return counts

    def _nodes(self, call: Call) -> None:
        for node in call.backs:
            self._node(call.flow, node).backs += 1
        for node in call.changes:
            self._node(call.flow, node).changes += 1
        if call.status != ENDED:
            if call.stands_at is not None:
                self._node(call.flow, call.stands_at).stopped_here += 1
            return
        nodes = self.nodes
        for node, tenths in call.times:
            counts = nodes.get((call.flow, node))
            if counts is None:
                counts = self._node(call.flow, node)
            hist = counts.seconds
            hist.counts[tenths] += 1
            hist.n += 1

    def settle(self) -> None:
        """Count what is held by combination: the calls by flow, version,
        agent, day and outcome; the nodes, steps and picks of the ended calls."""
        self._settle_calls()
        for (flow_id, path, picks_of), calls in self._pending.items():
            flow = self.flows[flow_id]
            flow.paths[path] += calls
            flow.reached.update(path)
            for node in path:
                self._node(flow_id, node).visits += calls
            if path:
                self._node(flow_id, path[-1]).ended_here += calls
            for i in range(len(path) - 1):
                step = (path[i], path[i + 1])
                flow.steps[step] += calls
                pick = picks_of[i] if i < len(picks_of) else None
                picks = flow.picks.get(step)
                if picks is None:
                    picks = flow.picks[step] = Counter()
                if pick in picks or len(picks) < PICKS_PER_STEP:
                    picks[pick] += calls
        self._pending.clear()

    def _money(self, call: Call) -> None:
        assert call.money is not None and call.currency is not None
        subtotal, past_due, _total, paid, refunded, due = call.money
        collected = past_due_collected(subtotal, past_due, paid, refunded)
        values = (subtotal, past_due, paid, collected, refunded, due)
        totals = self.money.setdefault(call.currency, [0] * (1 + len(values)))
        by_agent = self.agent_money.setdefault((call.agent, call.currency), [0] * (1 + len(values)))
        for target in (totals, by_agent):
            target[0] += 1
            for i, value in enumerate(values, start=1):
                target[i] += value
        for code, name, kind, quantity, amount in call.lines:
            key = (call.currency, code, name)
            item = self.items.get(key)
            if item is None:
                item = self.items[key] = [0, 0.0, 0]
                self.item_kinds[key] = kind
            item[0] += 1
            item[1] += quantity
            item[2] += amount

    # -- quizzes -----------------------------------------------------------------------------

    def add_quiz(self, quiz: Quiz) -> None:
        self.quizzes.append(quiz)
        if quiz.left_after is not None:
            self.deviations.setdefault((quiz.flow, quiz.left_after), [0, 0])[0] += 1
        for node in quiz.wrong:
            self.deviations.setdefault((quiz.flow, node), [0, 0])[1] += 1

    def add_any(self, item: Call | Quiz | Skipped) -> None:
        if isinstance(item, Call):
            self.add(item)
        elif isinstance(item, Quiz):
            self.add_quiz(item)
        else:
            self.skip_reasons[item.reason] += 1
            if len(self.skipped) < MAX_SKIPPED_LISTED:
                self.skipped.append(item)

    @property
    def stopped_calls(self) -> list[Call]:
        """The newest calls that did not end, newest first."""
        return [call for _, _, call in sorted(self.newest_stopped, key=lambda e: (e[0], e[1]), reverse=True)]

    @property
    def unfinished(self) -> int:
        return self.status[STOPPED] + self.status[IN_PROGRESS]
