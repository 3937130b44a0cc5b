"""A run of `callflow test`: find the scenarios, load each flow once, run every
scenario, and count coverage from the ones that passed. Never prints."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from callflow.flow.errors import FlowLoadError
from callflow.flow.loadedflow import LoadedFlow, load_flow
from callflow.testing.coverage import FlowCoverage
from callflow.testing.discovery import discover
from callflow.testing.scenario import LoadedScenario, load_scenario
from callflow.testing.scenariocheck import check_against_flow
from callflow.testing.scenariorun import ERROR, FAILED, PASSED, ScenarioResult, run_scenario


@dataclass
class SuiteResult:
    results: list[ScenarioResult] = field(default_factory=list)
    coverages: list[FlowCoverage] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def passed(self) -> int:
        return self.count(PASSED)

    @property
    def failed(self) -> int:
        return self.count(FAILED)

    @property
    def errors(self) -> int:
        return self.count(ERROR)


class _Flows:
    """Each flow loaded once, by its real path; keeps load errors too."""

    def __init__(self) -> None:
        self.loaded: dict[str, LoadedFlow | FlowLoadError] = {}
        self.order: list[str] = []

    def get(self, path: str) -> LoadedFlow | FlowLoadError:
        key = os.path.realpath(path)
        if key not in self.loaded:
            try:
                self.loaded[key] = load_flow(path)
            except FlowLoadError as exc:
                self.loaded[key] = exc
            self.order.append(key)
        return self.loaded[key]


def run_suite(
    paths: list[str],
    on_result: Callable[[ScenarioResult], None] | None = None,
    *,
    given: Sequence[LoadedScenario] = (),
    on_total: Callable[[int], None] | None = None,
) -> SuiteResult:
    """Run every scenario under the paths, and the scenarios `given` already
    read (from standard input); `on_result` sees each result as it comes, and
    `on_total` how many results are coming before the first."""
    started = time.perf_counter()
    found = discover(paths)
    if on_total is not None:
        on_total(len(found.unreadable) + len(found.scenarios) + len(given))
    suite = SuiteResult()
    flows = _Flows()
    coverage: dict[str, FlowCoverage] = {}

    def report(result: ScenarioResult) -> None:
        suite.results.append(result)
        if on_result is not None:
            on_result(result)

    for diagnostic in found.unreadable:
        report(ScenarioResult(diagnostic.path, ERROR, errors=[str(diagnostic)]))
    for flow_path in found.flows:
        loaded = flows.get(flow_path)
        if isinstance(loaded, FlowLoadError):
            report(ScenarioResult(flow_path, ERROR, flow_path=flow_path, errors=loaded.lines()))
        else:
            coverage.setdefault(os.path.realpath(flow_path), FlowCoverage.of(loaded))
    sources: list[str | LoadedScenario] = [*found.scenarios, *given]
    for source in sources:
        report(_run_one(source, flows, coverage))
    suite.coverages = list(coverage.values())
    suite.seconds = time.perf_counter() - started
    return suite


def _run_one(source: str | LoadedScenario, flows: _Flows, coverage: dict[str, FlowCoverage]) -> ScenarioResult:
    started = time.perf_counter()
    if isinstance(source, LoadedScenario):
        scenario, path = source, source.path
    else:
        path = source
        try:
            scenario = load_scenario(path)
        except FlowLoadError as exc:
            return ScenarioResult(path, ERROR, errors=exc.lines(), seconds=time.perf_counter() - started)
    loaded = flows.get(scenario.flow_path)
    if isinstance(loaded, FlowLoadError):
        return ScenarioResult(
            path,
            ERROR,
            scenario.name,
            scenario.flow_path,
            errors=[f"{path}: its flow cannot be loaded:", *loaded.lines()],
            seconds=time.perf_counter() - started,
        )
    key = os.path.realpath(scenario.flow_path)
    flow_coverage = coverage.setdefault(key, FlowCoverage.of(loaded))
    try:
        check_against_flow(scenario, loaded)
    except FlowLoadError as exc:
        return ScenarioResult(
            path, ERROR, scenario.name, loaded.path, loaded.flow.id, errors=exc.lines(), seconds=time.perf_counter() - started
        )
    result = run_scenario(scenario, loaded)
    if result.reached is not None:
        flow_coverage.add(result.reached)
    return result
