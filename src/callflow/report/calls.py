"""One call from all the files that speak of it, and the filters of a report.

A call may have a receipt (on the shared drive, maybe more than one: a
receipt exported again gets a new name), a journal (on the director's disk)
or both. They are joined by session id: the receipt (or, when it is
missing, the copy the journal keeps of it at the end) gives the outcome,
path, money and ticket number; the time per node is the receipt's
`time_per_node`, else the journal's count of it (a receipt written before
receipts carried it); the journal gives the flow version, the back-presses
and the changes (Ctrl-R). A journal without an end is a call that did not end:
`in progress` while another callflow has it open, else `stopped`, with the
reason it stopped (`ctrl-c`, `SIGHUP`, ...; `cut off` when it never said:
killed, or the power went).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from callflow.record.journal import is_open_elsewhere
from callflow.report.extract import JOURNAL, QUIZ, RECEIPT, SKIP, Facts

ENDED = "ended"
STOPPED = "stopped"
IN_PROGRESS = "in progress"
CUT_OFF = "cut off"


@dataclass(slots=True)
class Call:
    """A call as the report counts it."""

    session: str
    flow: str
    title: str
    status: str  # ENDED, STOPPED or IN_PROGRESS
    file: str  # the receipt read (else the journal)
    sha: str | None = None  # the flow file's SHA-256, when a journal says it
    flow_file: str | None = None
    agent: str | None = None
    outcome: str | None = None
    day: str | None = None
    started: str | None = None
    duration: float | None = None
    path: tuple[str, ...] = ()
    picks: tuple[str | None, ...] = ()
    times: tuple[tuple[str, int], ...] = ()  # tenths of a second at each node (all its visits), as time_per_node
    journalled: bool = False  # a journal was read: answers, backs and changes are known
    backs: tuple[str, ...] = ()  # the node of each back-press
    changes: tuple[str, ...] = ()  # the node of each answer changed with Ctrl-R
    ticket: str | None = None  # the ticket number, once the call has one
    stands_at: str | None = None  # a call that did not end: its node
    question: str | None = None  # ... and the question it waits on
    stop_reason: str | None = None
    answers: int = 0
    currency: str | None = None
    money: tuple[int, ...] | None = None  # cents: subtotal, past_due, total, paid, refunded, due
    lines: tuple[tuple[str, str, str, float, int], ...] = ()
    journal: str | None = None

    @property
    def week(self) -> str | None:
        return week_of(self.day)

    @property
    def end_node(self) -> str | None:
        """Where the call ended, or where it stands."""
        if self.status != ENDED:
            return self.stands_at
        return self.path[-1] if self.path else None


def week_of(day: str | None) -> str | None:
    """The ISO week of a day: `2026-W47`."""
    if day is None:
        return None
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(slots=True)
class Quiz:
    """One quiz report of `rehearse --quiz`."""

    session: str
    flow: str
    trainee: str | None
    day: str | None
    started: str | None
    scenario: str
    score: int
    ended: bool
    left_after: str | None
    wrong: tuple[str, ...]
    file: str


@dataclass(slots=True)
class Skipped:
    path: str
    reason: str
    detail: str = ""


@dataclass
class Filters:
    """Which calls a report keeps (each list: any of; all lists: each)."""

    flows: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None

    def _day(self, day: str | None) -> bool:
        if self.since is None and self.until is None:
            return True
        if day is None:
            return False
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def _agent(self, agent: str | None) -> bool:
        return not self.agents or (agent or "").casefold() in {a.casefold() for a in self.agents}

    def keeps(self, call: Call) -> bool:
        return (
            (not self.flows or call.flow in self.flows)
            and self._agent(call.agent)
            and (not self.outcomes or (call.outcome or "") in self.outcomes)
            and self._day(call.day)
        )

    def keeps_quiz(self, quiz: Quiz) -> bool:
        return (not self.flows or quiz.flow in self.flows) and self._agent(quiz.trainee) and self._day(quiz.day)

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flows,
            "agent": self.agents,
            "outcome": self.outcomes,
            "since": self.since,
            "until": self.until,
        }


@dataclass
class Read:
    """Everything read from the folders, one session at a time."""

    calls: list[Call] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def sessions(rows: Iterable[tuple[str, Facts]]) -> Iterator[Call | Quiz | Skipped]:
    """Calls, quizzes and skipped files from the index's rows (sorted by session)."""
    group: list[tuple[str, Facts]] = []
    current: str | None = None
    for path, facts in rows:
        kind = facts.get("k")
        if kind == SKIP:
            yield Skipped(path, str(facts.get("why", "")), str(facts.get("detail", "")))
            continue
        if kind == QUIZ:
            yield _quiz(path, facts)
            continue
        session = str(facts.get("s", ""))
        if session != current and group:
            yield from _call(group)
            group = []
        current = session
        group.append((path, facts))
    if group:
        yield from _call(group)


def _quiz(path: str, f: Facts) -> Quiz:
    return Quiz(
        f["s"], f["flow"], f.get("agent"), f.get("day"), f.get("started"), f.get("scenario", ""), f["score"],
        bool(f.get("ended", True)), f.get("left"), tuple(f.get("wrong", ())), path,
    )


def _call(group: list[tuple[str, Facts]]) -> Iterator[Call]:
    if len(group) == 1 and group[0][1].get("k") == RECEIPT:  # most calls: a receipt alone
        receipts, journals = group, []
    else:
        receipts = [(p, f) for p, f in group if f.get("k") == RECEIPT]
        journals = [(p, f) for p, f in group if f.get("k") == JOURNAL]
    journal_path, journal = journals[0] if journals else (None, None)
    if receipts:
        file, receipt = receipts[0]
    elif journal is not None and isinstance(journal.get("r"), dict):
        file, receipt = str(journal_path), journal["r"]
    else:
        file, receipt = str(journal_path), None
    if receipt is None:
        if journal is None:
            return
        yield _unfinished(str(journal_path), journal)
        return
    path = tuple(receipt.get("path", ()))
    call = Call(
        session=receipt["s"],
        flow=receipt["flow"],
        title=receipt.get("title") or receipt["flow"],
        status=ENDED,
        file=file,
        sha=receipt.get("sha"),
        flow_file=receipt.get("fpath"),
        agent=receipt.get("agent"),
        outcome=receipt.get("outcome"),
        day=receipt.get("day"),
        started=receipt.get("started"),
        duration=receipt.get("dur"),
        path=path,
        picks=tuple(receipt.get("pick", ())),
        times=tuple(receipt.get("tpn", ())),
        ticket=receipt.get("tk"),
        currency=receipt.get("cur"),
        money=receipt.get("money"),
        lines=tuple(receipt.get("lines", ())),
    )
    if journal is not None:
        call.journal = journal_path
        call.sha = journal.get("sha") or call.sha
        call.flow_file = journal.get("fpath") or call.flow_file
        call.times = call.times or tuple(journal.get("tpn", ()))
        call.journalled = True
        call.backs = tuple(journal.get("backs", ()))
        call.changes = tuple(journal.get("chg", ()))
        call.ticket = call.ticket or journal.get("tk")
        call.answers = int(journal.get("answers", 0))
    yield call


def _unfinished(path: str, j: Facts) -> Call:
    at = j.get("at") or (None, None)
    open_now = is_open_elsewhere(Path(path))
    return Call(
        session=j["s"],
        flow=j["flow"],
        title=j["flow"],
        status=IN_PROGRESS if open_now else STOPPED,
        file=path,
        sha=j.get("sha"),
        flow_file=j.get("fpath"),
        agent=j.get("agent"),
        day=j.get("day"),
        started=j.get("started"),
        duration=j.get("dur"),
        path=tuple(j.get("visits", ())),
        times=tuple(j.get("tpn", ())),
        journalled=True,
        backs=tuple(j.get("backs", ())),
        changes=tuple(j.get("chg", ())),
        ticket=j.get("tk"),
        stands_at=at[0],
        question=at[1],
        stop_reason=None if open_now else (j.get("stopped") or CUT_OFF),
        answers=int(j.get("answers", 0)),
        journal=path,
    )


def read_all(rows: Iterable[tuple[str, Facts]], filters: Filters) -> Iterator[Call | Quiz | Skipped]:
    """The calls and quizzes the filters keep, and every skipped file."""
    for item in sessions(rows):
        if isinstance(item, Call):
            if filters.keeps(item):
                yield item
        elif isinstance(item, Quiz):
            if filters.keeps_quiz(item):
                yield item
        else:
            yield item
