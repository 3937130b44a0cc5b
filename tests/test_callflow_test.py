"""`callflow test`: finding scenarios, pytest-like text, JSON, JUnit XML,
coverage, --fail-under and exit codes; and every shipped flow fully covered."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from scenariokit import FLOWS, REPAIR_PAID, RUSH_REFUSED, cli, shop, write

from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.flow.loadedflow import load_flow
from callflow.testing.coverage import FlowCoverage, reached_by
from callflow.testing.scenario import load_scenario

CLOSING = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) errors?)? in \d+\.\d\ds$")


def closing(output: str) -> tuple[int, ...]:
    match = CLOSING.match(output.rstrip().splitlines()[-1])
    assert match, output
    return tuple(int(g or 0) for g in match.groups())


# -- the flows the project ships ------------------------------------------------


def test_every_shipped_flow_has_scenarios_reaching_all_its_edges_and_ends() -> None:
    """What CI checks: `callflow test flows/ --coverage --fail-under 100`."""
    result = cli("test", FLOWS, "--coverage", "--fail-under", "100")
    assert result.exit_code == 0, result.output
    passed, failed, errors = closing(result.output)
    assert passed >= 19 and failed == errors == 0
    assert "FAIL: coverage" not in result.output
    flows = sorted(FLOWS.glob("*.yaml"))
    rows = [line for line in result.output.splitlines() if line.startswith(str(FLOWS))]
    assert len(rows) == len(flows)
    assert all(row.endswith("100 %") for row in rows), rows


def test_the_d2_scenarios_reach_all_36_nodes_51_edges_and_13_ends() -> None:
    # 32 seed nodes and the 4 nodes of its procedures; 38 seed edges and each
    # of the 9 calls and 4 returns; 13 ends.
    result = cli("test", FLOWS / "anything-computers-intake.yaml", "--coverage", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [coverage] = data["coverage"]
    assert (coverage["nodes"]["reached"], coverage["nodes"]["total"]) == (36, 36)
    assert (coverage["edges"]["reached"], coverage["edges"]["total"]) == (51, 51)
    assert (coverage["ends"]["reached"], coverage["ends"]["total"]) == (13, 13)
    assert data["passed"] == len(list((FLOWS / "anything-computers-intake.scenarios").glob("*.yaml")))


# -- coverage numbers on a flow with a known answer --------------------------------


def test_coverage_counts_nodes_edges_and_ends_reached(tmp_path: Path) -> None:
    flow = load_flow(str(shop(tmp_path)))
    coverage = FlowCoverage.of(flow)
    assert (len(coverage.nodes), len(coverage.edges), len(coverage.ends)) == (6, 6, 3)

    def walk(answers: dict[str, object]) -> None:
        from callflow.call.answers import AnswerSet

        session = Session(flow.flow, flow.index, agent="Dana")
        drive(session, ScriptedFrontEnd(AnswerSet.from_mapping(answers)))
        coverage.add(reached_by(session))

    walk({"wants": "repair", "owed": "0", "method": "card", "code": "1234"})
    assert (coverage.node_count.reached, coverage.edge_count.reached, coverage.end_count.reached) == (3, 2, 1)
    assert round(coverage.percent, 1) == 33.3  # (2 edges + 1 end) of (6 + 3)
    walk({"wants": "rush", "owed": "150"})
    assert (coverage.node_count.reached, coverage.edge_count.reached, coverage.end_count.reached) == (5, 5, 2)
    assert round(coverage.percent, 1) == 77.8  # 7 of 9
    assert [e.describe() for e in coverage.missed_edges] == ["greet → bye (wants = Nothing)"]
    assert (coverage.missed_ends, coverage.missed_nodes) == (["bye"], ["bye"])
    assert coverage.below(80) and not coverage.below(77.7)


def test_coverage_table_and_fail_under(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID), ("b.yaml", RUSH_REFUSED))
    flows = tmp_path / "flows"
    result = cli("test", flows, "--coverage")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("flow "))
    assert lines[header].split() == ["flow", "nodes", "edges", "ends", "cover"]
    assert lines[header + 1].split() == [f"{flows}/shop.yaml", "5/6", "83.3", "%", "5/6", "83.3", "%", "2/3", "66.7", "%", "77.8", "%"]
    assert f"Not reached in {flows}/shop.yaml:" in lines
    assert "    greet → bye (wants = Nothing)" in lines
    assert "  ends:  bye" in lines

    under = cli("test", flows, "--fail-under", "80")
    assert under.exit_code == 1
    assert f"FAIL: coverage of {flows}/shop.yaml is 77.8 %, under --fail-under 80 %" in under.output
    assert closing(under.output) == (2, 0, 0)
    assert cli("test", flows, "--fail-under", "77.7").exit_code == 0


def test_only_passing_scenarios_count_for_coverage(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID), ("b.yaml", RUSH_REFUSED.replace("total: 212.50", "total: 1.00")))
    data = json.loads(cli("test", tmp_path / "flows", "--coverage", "--format", "json").stdout)
    assert data["coverage"][0]["edges"]["reached"] == 2


def test_a_flow_without_scenarios_is_listed_at_zero(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID))
    write(tmp_path, "flows/loop.yaml", "callflow: 1\nid: lonely\ntitle: L\nstart: a\nnodes:\n  a: {end: done}\n")
    result = cli("test", tmp_path / "flows", "--fail-under", "10")
    assert result.exit_code == 1
    assert f"{tmp_path}/flows/loop.yaml: no passing scenario (scenarios live in {tmp_path}/flows/loop.scenarios/)" in result.output
    assert "FAIL: coverage of" in result.output and "loop.yaml is 0.0 %" in result.output


# -- the text report -----------------------------------------------------------------


def test_text_report_is_a_line_per_scenario_with_differences_under_failures(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID), ("b.yaml", RUSH_REFUSED.replace("total: 212.50", "total: 200.00")))
    folder = tmp_path / "flows/shop.scenarios"
    result = cli("test", tmp_path / "flows")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"PASS  {folder}/a.yaml  Repair, nothing owed, paid by card"
    assert lines[1] == f"FAIL  {folder}/b.yaml  Rush repair refused while $150.00 is owed"
    assert lines[2] == f"      {folder}/b.yaml:14:5: invoice.total: expected $200.00, got $212.50"
    assert closing(result.output) == (1, 1, 0)


def test_a_scenario_that_cannot_be_loaded_exits_3_and_the_others_still_run(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID), ("b.yaml", "name: b\nanswers: {}\nexpect:\n  outcom: paid\n"))
    result = cli("test", tmp_path / "flows")
    assert result.exit_code == 3
    assert f"ERROR {tmp_path}/flows/shop.scenarios/b.yaml" in result.output
    assert f"{tmp_path}/flows/shop.scenarios/b.yaml:4:3: CF012 error: unknown key 'outcom' (did you mean 'outcome'?)" in result.output
    assert closing(result.output) == (1, 0, 1)


def test_paths_can_be_flow_files_scenario_files_or_folders(tmp_path: Path) -> None:
    flow = shop(tmp_path, ("a.yaml", REPAIR_PAID), ("b.yaml", RUSH_REFUSED))
    assert closing(cli("test", flow).output) == (2, 0, 0)
    assert closing(cli("test", tmp_path / "flows/shop.scenarios").output) == (2, 0, 0)
    assert closing(cli("test", tmp_path / "flows/shop.scenarios/b.yaml").output) == (1, 0, 0)
    elsewhere = write(tmp_path, "training/c.yaml", "flow: ../flows/shop.yaml\n" + REPAIR_PAID)
    assert closing(cli("test", tmp_path / "training").output) == (1, 0, 0)
    assert closing(cli("test", elsewhere, flow).output) == (3, 0, 0)


def test_the_default_is_the_flows_folder_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID))
    monkeypatch.chdir(tmp_path)
    result = cli("test")
    assert result.exit_code == 0
    assert result.output.startswith("PASS  flows/shop.scenarios/a.yaml")
    monkeypatch.chdir(tmp_path / "flows")
    nothing = cli("test")
    assert nothing.exit_code == 2
    assert "there is no flows/ folder here" in nothing.stderr


def test_no_scenarios_found_fails(tmp_path: Path) -> None:
    shop(tmp_path)
    result = cli("test", tmp_path / "flows")
    assert result.exit_code == 1
    assert "no scenarios found" in result.output
    assert closing(result.output) == (0, 0, 0)


# -- JSON and JUnit -------------------------------------------------------------------


def test_json_report_has_every_result_with_its_problems(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID), ("b.yaml", RUSH_REFUSED.replace("outcome: refused", "outcome: paid")))
    result = cli("test", tmp_path / "flows", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["passed"], data["failed"], data["errors"]) == (1, 1, 0)
    assert data["coverage"] is None
    failed = data["results"][1]
    assert failed["status"] == "failed"
    assert failed["path_taken"] == ["greet", "rush", "repair", "refuse"]
    [problem] = failed["problems"]
    assert problem == {
        "kind": "expectation",
        "what": "outcome",
        "message": "outcome: expected paid, got refused",
        "line": 8,
        "col": 3,
        "expected": "paid",
        "actual": "refused",
        "detail": [],
    }


def test_junit_report_is_valid_xml_with_the_right_counts(tmp_path: Path) -> None:
    shop(
        tmp_path,
        ("a.yaml", REPAIR_PAID),
        ("b.yaml", RUSH_REFUSED.replace("outcome: refused", "outcome: paid")),
        ("c.yaml", "name: c\nanswers: {}\nexpect: {}\n"),
    )
    result = cli("test", tmp_path / "flows", "--format", "junit", "--coverage")
    assert result.exit_code == 3
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["shop", "callflow"]
    shop_suite = suites[0]
    assert (shop_suite.get("tests"), shop_suite.get("failures"), shop_suite.get("errors")) == ("2", "1", "0")
    cases = shop_suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["Repair, nothing owed, paid by card", "Rush repair refused while $150.00 is owed"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "outcome: expected paid, got refused"
    assert "b.yaml:8:3: outcome: expected paid, got refused" in (failure.text or "")
    error = suites[1].find("testcase/error")
    assert error is not None and "needs at least one of" in (error.get("message") or "")
    properties = {p.get("name"): p.get("value") for p in shop_suite.findall("properties/property")}
    assert properties == {"coverage": "33.3 %"}  # only a.yaml passed


def test_load_scenario_keeps_the_file_text_for_positions(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID))
    scenario = load_scenario(str(tmp_path / "flows/shop.scenarios/a.yaml"))
    assert scenario.where(("expect", "invoice", "total")) == (15, 5)
