"""The scenarios of a flow walked through two versions of it: which calls a
change alters (path, outcome, ticket, invoice, payments), and how.

Each scenario's answers drive both flows (expectations are not judged: the
question is what changed, not what is right). A walk the answers no longer
fit stops, and says where and why. Never prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import summarize
from callflow.flow.errors import AnswersError, FlowError, FlowLoadError
from callflow.flow.loadedflow import LoadedFlow
from callflow.testing.scenario import LoadedScenario, load_scenario

ASPECTS = ("stopped", "path", "outcome", "ticket", "invoice", "payments")


@dataclass(frozen=True)
class Walk:
    """What one scenario's call produced in one version of the flow."""

    path: tuple[str, ...]
    outcome: str | None
    ticket: tuple[tuple[str, str | None], ...]
    invoice: tuple[str, ...]  # lines, then the totals
    payments: tuple[str, ...]
    stopped: str | None = None  # why the answers could not finish the call

    def aspect(self, name: str) -> str:
        value: Any = getattr(self, name)
        if name == "path":
            return " → ".join(value)
        if name == "ticket":
            return "; ".join(f"{k}: {v}" for k, v in value) or "none"
        if isinstance(value, tuple):
            return "; ".join(value) or "none"
        return str(value) if value is not None else "none"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "outcome": self.outcome,
            "ticket": dict(self.ticket),
            "invoice": list(self.invoice),
            "payments": list(self.payments),
            "stopped": self.stopped,
        }


@dataclass
class ScenarioChange:
    """A scenario and what differs between its two walks (nothing: same call)."""

    path: str
    name: str
    old: Walk | None = None
    new: Walk | None = None
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # (aspect, old, new)
    error: str | None = None  # the scenario could not be read

    @property
    def changed(self) -> bool:
        return bool(self.differences)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "name": self.name,
            "changed": self.changed,
            "differences": [{"what": w, "old": a, "new": b} for w, a, b in self.differences],
            "old": self.old.as_dict() if self.old else None,
            "new": self.new.as_dict() if self.new else None,
            "error": self.error,
        }


def walk(scenario: LoadedScenario, flow: LoadedFlow) -> Walk:
    """Drive the flow with the scenario's answers, as far as they go."""
    session = Session(flow.flow, flow.index, agent=scenario.scenario.agent, today=scenario.today)
    stopped = None
    try:
        drive(session, ScriptedFrontEnd(scenario.answer_set()))
    except (AnswersError, FlowError) as exc:
        stopped = f"at {session.current_node()}: {exc}"
    data = summarize(session).to_dict()
    invoice = data["invoice"]
    lines = tuple(f"{line['code'] or line['name']} × {line['quantity']} = {line['amount']}" for line in invoice["lines"])
    totals = tuple(f"{key} {invoice[key]}" for key in ("past_due", "total", "paid", "due"))
    return Walk(
        path=tuple(data["path"]),
        outcome=data["outcome"],
        ticket=tuple((f["key"], f["value"]) for f in data["ticket"]["fields"]),
        invoice=lines + totals,
        payments=tuple(f"{p['amount']} {p['method'] or ''}".strip() for p in data["payments"]),
        stopped=stopped,
    )


def scenario_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def compare_scenarios(files: list[Path], old: LoadedFlow | None, new: LoadedFlow | None) -> list[ScenarioChange]:
    """Each scenario walked through both flows (None: that side has no flow)."""
    found = []
    for path in files:
        try:
            scenario = load_scenario(str(path))
        except FlowLoadError as exc:
            found.append(ScenarioChange(str(path), path.stem, error=exc.lines()[0]))
            continue
        change = ScenarioChange(str(path), scenario.name)
        change.old = walk(scenario, old) if old is not None else None
        change.new = walk(scenario, new) if new is not None else None
        for aspect in ASPECTS:
            a = change.old.aspect(aspect) if change.old else "no flow"
            b = change.new.aspect(aspect) if change.new else "no flow"
            if a != b:
                change.differences.append((aspect, a, b))
        found.append(change)
    return found
