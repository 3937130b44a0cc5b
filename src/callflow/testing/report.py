"""`callflow test` output: the lines of the text report, JSON, JUnit XML.

The suite's results are values (callflow.testing.suite); these functions only
turn them into text. Problem lines read `path:line:col: what: message`, the
form editors and CI annotate. The text report is printed in colour by
callflow.terminal.testreport; here each line carries the name of its style.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from callflow.testing.coverage import FlowCoverage, coverage_table, format_percent
from callflow.testing.scenario import scenarios_folder_of
from callflow.testing.scenariorun import ERROR, FAILED, PASSED, ScenarioResult
from callflow.testing.suite import SuiteResult

FORMAT_VERSION = 1
INDENT = "      "
_LABELS = {PASSED: ("PASS ", "bold green"), FAILED: ("FAIL ", "bold red"), ERROR: ("ERROR", "bold magenta")}


def _is_todo(result: ScenarioResult) -> bool:
    return result.status == FAILED and bool(result.problems) and all(p.kind == "todo" for p in result.problems)


# A line of the text report: its pieces, each (text, style name or "").
ReportLine = list[tuple[str, str]]


def result_lines(result: ScenarioResult) -> list[ReportLine]:
    """One line for the scenario, then one per problem (with its detail)."""
    label, style = ("TODO ", "bold yellow") if _is_todo(result) else _LABELS[result.status]
    head = [(label, style), (f" {result.path}", "")]
    if result.name:
        head.append((f"  {result.name}", "dim"))
    lines = [head]
    for problem in result.problems:
        lines.append([(f"{INDENT}{result.path}:{problem.line}:{problem.col}: {problem.message}", "red")])
        lines += [[(f"{INDENT}    {d}", "")] for d in problem.detail]
    lines += [[(f"{INDENT}{e}", "magenta")] for e in result.errors]
    return lines


def line_text(line: ReportLine) -> str:
    return "".join(text for text, _ in line)


def closing_line(suite: SuiteResult) -> str:
    parts = [f"{suite.passed} passed", f"{suite.failed} failed"]
    if suite.errors:
        parts.append(f"{suite.errors} error{'s' if suite.errors != 1 else ''}")
    return ", ".join(parts) + f" in {suite.seconds:.2f}s"


def under(coverages: Sequence[FlowCoverage], fail_under: float | None) -> list[FlowCoverage]:
    """The flows whose coverage is below --fail-under."""
    if fail_under is None:
        return []
    return [c for c in coverages if c.below(fail_under)]


def coverage_lines(suite: SuiteResult, fail_under: float | None) -> list[str]:
    lines = ["", "Coverage (nodes, edges and ends reached by the passing scenarios):", ""]
    lines += coverage_table(suite.coverages)
    for cov in suite.coverages:
        if cov.walks == 0:
            lines.append(f"{cov.path}: no passing scenario (scenarios live in {_folder(cov.path)})")
    for cov in under(suite.coverages, fail_under):
        lines.append(
            f"FAIL: coverage of {cov.path} is {format_percent(cov.percent)}, under --fail-under {fail_under:g} %"
        )
    return lines


def _folder(flow_path: str) -> str:
    return str(scenarios_folder_of(Path(flow_path))) + "/"


def suite_json(suite: SuiteResult, *, coverage: bool, fail_under: float | None) -> str:
    data: dict[str, Any] = {
        "format": "callflow-test",
        "format_version": FORMAT_VERSION,
        "passed": suite.passed,
        "failed": suite.failed,
        "errors": suite.errors,
        "seconds": round(suite.seconds, 3),
        "results": [r.to_dict() for r in suite.results],
        "coverage": [c.to_dict() for c in suite.coverages] if coverage else None,
        "fail_under": fail_under,
        "coverage_under": [c.path for c in under(suite.coverages, fail_under)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _problem_text(result: ScenarioResult) -> str:
    lines = [line_text(line) for line in result_lines(result)[1:]]
    return "\n".join(line.strip() for line in lines)


def suite_junit(suite: SuiteResult, *, coverage: bool, fail_under: float | None) -> str:
    """JUnit XML: a <testsuite> per flow, a <testcase> per scenario, in the
    junit-10.xsd dialect pytest writes (xunit2): a testcase carries only
    classname, name and time, so its scenario file is its <system-out>."""
    groups: dict[str, list[ScenarioResult]] = {}
    for result in suite.results:
        groups.setdefault(result.flow_id or result.flow_path or "callflow", []).append(result)
    root = ET.Element(
        "testsuites",
        name="callflow test",
        tests=str(len(suite.results)),
        failures=str(suite.failed),
        errors=str(suite.errors),
        time=f"{suite.seconds:.3f}",
    )
    for name, results in groups.items():
        failures = sum(1 for r in results if r.status == FAILED)
        errors = sum(1 for r in results if r.status == ERROR)
        element = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(results)),
            failures=str(failures),
            errors=str(errors),
            skipped="0",
            time=f"{sum(r.seconds for r in results):.3f}",
        )
        flow_path = next((r.flow_path for r in results if r.flow_path), None)
        if flow_path:
            element.set("file", flow_path)
        flow_coverage = next((c for c in suite.coverages if c.flow_id == name), None)
        if coverage and flow_coverage is not None:
            properties = ET.SubElement(element, "properties")
            ET.SubElement(properties, "property", name="coverage", value=format_percent(flow_coverage.percent))
            if fail_under is not None:
                ET.SubElement(properties, "property", name="fail-under", value=f"{fail_under:g} %")
        for result in results:
            case = ET.SubElement(
                element,
                "testcase",
                classname=name,
                name=result.name or result.path,
                time=f"{result.seconds:.3f}",
            )
            if result.status == FAILED:
                first = result.problems[0].message if result.problems else "failed"
                kind = "todo" if _is_todo(result) else "expectation"
                failure = ET.SubElement(case, "failure", message=first, type=kind)
                failure.text = _problem_text(result)
            elif result.status == ERROR:
                error = ET.SubElement(case, "error", message=result.errors[0] if result.errors else "error", type="load")
                error.text = "\n".join(result.errors)
            ET.SubElement(case, "system-out").text = f"scenario: {result.path}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
