"""`callflow test`'s text report on screen: a coloured line per scenario, like pytest."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from callflow.testing.report import closing_line, coverage_lines, result_lines
from callflow.testing.scenariorun import ScenarioResult
from callflow.testing.suite import SuiteResult


def print_text_result(console: Console, result: ScenarioResult) -> None:
    for line in result_lines(result):
        console.print(Text.assemble(*line), soft_wrap=True)


def print_text_end(console: Console, suite: SuiteResult, *, coverage: bool, fail_under: float | None) -> None:
    if not suite.results:
        console.print("no scenarios found (they live in <flow>.scenarios/ next to each flow; see docs/scenarios.md)")
    if coverage:
        for line in coverage_lines(suite, fail_under):
            console.print(Text(line), soft_wrap=True)
    console.print()
    style = "bold green" if suite.failed == suite.errors == 0 and suite.results else "bold red"
    console.print(Text(closing_line(suite), style=style), soft_wrap=True)
