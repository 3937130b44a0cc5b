"""Scenario files: their format, where their flow is, and every mistake reported
at file:line:col with a way to fix it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from scenariokit import D2_SCENARIOS, FLOWS, REPAIR_PAID, ROOT, cli, shop, write

from callflow.flow.errors import FlowLoadError
from callflow.flow.loadedflow import load_flow
from callflow.flow.yamlsource import parse_yaml
from callflow.testing.scenario import load_scenario
from callflow.testing.scenariocheck import check_against_flow


def load_errors(path: Path) -> list[str]:
    with pytest.raises(FlowLoadError) as caught:
        load_scenario(str(path))
    return caught.value.lines()


def flow_errors(path: Path) -> list[str]:
    scenario = load_scenario(str(path))
    with pytest.raises(FlowLoadError) as caught:
        check_against_flow(scenario, load_flow(scenario.flow_path))
    return caught.value.lines()


def test_a_scenario_in_the_flows_scenarios_folder_drives_that_flow(tmp_path: Path) -> None:
    flow = shop(tmp_path, ("repair.yaml", REPAIR_PAID))
    scenario = load_scenario(str(tmp_path / "flows/shop.scenarios/repair.yaml"))
    assert Path(scenario.flow_path) == flow
    assert scenario.name == "Repair, nothing owed, paid by card"
    assert scenario.scenario.agent == "Dana"
    assert scenario.todos == []


def test_a_scenario_elsewhere_names_its_flow_relative_to_itself(tmp_path: Path) -> None:
    flow = shop(tmp_path)
    path = write(tmp_path, "training/monday/repair.yaml", "flow: ../../flows/shop.yaml\n" + REPAIR_PAID)
    assert Path(load_scenario(str(path)).flow_path) == flow


def test_a_flow_that_is_not_there_is_reported_at_the_flow_key(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", "flow: ../shop.yaml\n" + REPAIR_PAID)
    [line] = load_errors(path)
    assert line.startswith(f"{path}:1:7: CF010 error: flow file '../shop.yaml' not found")
    assert "relative to this scenario file" in line


def test_a_scenario_with_no_flow_and_no_scenarios_folder_says_both_ways(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", REPAIR_PAID)
    [line] = load_errors(path)
    assert line.startswith(f"{path}:1:1: CF011 error: missing key 'flow'")
    assert "<flow>.scenarios/" in line


def test_a_scenarios_folder_without_its_flow_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "flows/gone.scenarios/s.yaml", REPAIR_PAID)
    [line] = load_errors(path)
    assert "no flow 'gone.yaml' next to the folder" in line


def test_a_misspelt_key_gets_did_you_mean_at_its_position(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(
        tmp_path,
        "flows/shop.scenarios/s.yaml",
        """\
        name: typo
        answers:
          wants: Repair
        expect:
          outcom: paid
        """,
    )
    errors = load_errors(path)
    assert f"{path}:5:3: CF012 error: unknown key 'outcom' (did you mean 'outcome'?)" in errors


def test_expect_needs_at_least_one_expectation(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(tmp_path, "flows/shop.scenarios/s.yaml", "name: empty\nanswers: {wants: Repair}\nexpect: {}\n")
    [line] = load_errors(path)
    assert line.startswith(f"{path}:3:")
    assert "'expect' needs at least one of: path, path_includes" in line


def test_an_answer_that_is_a_mapping_is_refused_where_it_is(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(tmp_path, "flows/shop.scenarios/s.yaml", "name: x\nanswers:\n  wants: {a: b}\nexpect: {outcome: paid}\n")
    expected = "an answer is text; a mapping answers a checklist confirmation, {done: no, reason: ...}, and has no key 'a'"
    assert load_errors(path) == [f"{path}:3:3: CF010 error: {expected}"]


@pytest.mark.parametrize("written", ["65.50", '"65.50"', '"$65.50"', "65.5", '"65.50 USD"', '"$1,065.50"'])
def test_amounts_read_as_decimal_whatever_way_they_are_written(tmp_path: Path, written: str) -> None:
    shop(tmp_path)
    path = write(tmp_path, "flows/shop.scenarios/s.yaml", f"name: x\nanswers: {{}}\nexpect:\n  invoice: {{total: {written}}}\n")
    invoice = load_scenario(str(path)).scenario.expect.invoice
    assert invoice is not None
    assert invoice.total == (Decimal("1065.50") if "1," in written else Decimal("65.50"))


def test_a_word_is_not_an_amount(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(tmp_path, "flows/shop.scenarios/s.yaml", "name: x\nanswers: {}\nexpect:\n  invoice:\n    total: lots\n")
    [line] = load_errors(path)
    assert line == f"{path}:5:5: CF010 error: 'lots' is not an amount (write it like 65.50 or $65.50)"


def test_names_the_flow_does_not_have_are_reported_with_suggestions(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(
        tmp_path,
        "flows/shop.scenarios/s.yaml",
        """\
        name: wrong names
        answers:
          want: Repair
        expect:
          path: [greet, repiar]
          outcome: payed
          ticket: {knd: Repair}
          invoice:
            lines: [{code: "1000"}]
          payments: [{node: pya}]
        """,
    )
    assert flow_errors(path) == [
        f"{path}:3:3: CF012 error: 'want' is not a question of flow 'shop' (did you mean 'wants'?)",
        f"{path}:5:17: CF010 error: 'repiar' is not a node of flow 'shop' (did you mean 'repair'?)",
        f"{path}:6:12: CF010 error: 'payed' is not an outcome of flow 'shop' (did you mean 'paid'?)",
        f"{path}:7:12: CF010 error: 'knd' is not a ticket field of flow 'shop' (did you mean 'kind'?)",
        f"{path}:9:20: CF010 error: item '1000' is not in the catalog of flow 'shop' (did you mean '100'?)",
        f"{path}:10:21: CF010 error: 'pya' is not a node of flow 'shop' (did you mean 'pay'?)",
    ]


def test_todo_answers_are_found_with_their_positions(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(
        tmp_path,
        "flows/shop.scenarios/s.yaml",
        """\
        name: half done
        answers:
          wants: Repair
          owed: TODO
          method: TODO pick card or cash
          code: ["1234", TODO]
        expect: {outcome: paid}
        """,
    )
    todos = load_scenario(str(path)).todos
    assert [(t.field_id, t.index, t.line, t.col, t.note) for t in todos] == [
        ("owed", None, 4, 9, ""),
        ("method", None, 5, 11, "pick card or cash"),
        ("code", 1, 6, 18, ""),
    ]


def test_a_word_starting_with_todo_is_an_answer(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(tmp_path, "flows/shop.scenarios/s.yaml", "name: x\nanswers: {code: TODOS}\nexpect: {outcome: paid}\n")
    assert load_scenario(str(path)).todos == []


class EditorLoader(yaml.SafeLoader):
    """YAML typed the way an editor's language server types it (1.2: no dates)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _schema_validator() -> Any:
    import jsonschema

    result = cli("schema", "--scenario")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_committed_scenario_schema_is_what_the_command_prints() -> None:
    committed = ROOT / "schema" / "scenario.schema.json"
    assert committed.read_text(encoding="utf-8") == cli("schema", "--scenario").stdout, (
        "schema/scenario.schema.json is stale: run  callflow schema --scenario > schema/scenario.schema.json"
    )


def test_the_json_schema_accepts_every_shipped_scenario_as_callflow_and_editors_read_it() -> None:
    validator = _schema_validator()
    files = sorted(FLOWS.glob("*.scenarios/*.yaml"))
    assert len(files) >= 19
    for path in files:
        text = path.read_text(encoding="utf-8")
        # callflow keeps every scalar as text; an editor reads 45.50 as a number and true as a boolean.
        for data in (parse_yaml(text, str(path)), yaml.load(text, Loader=EditorLoader)):
            assert [e.message for e in validator.iter_errors(data)] == [], path


def test_the_json_schema_refuses_what_the_loader_refuses() -> None:
    validator = _schema_validator()
    assert validator.is_valid({"name": "x", "answers": {"a": 1, "b": [True, None]}, "expect": {"outcome": "paid"}})
    assert not validator.is_valid({"name": "x", "answers": {}, "expect": {"outcome": "paid"}, "expcet": {}})
    assert not validator.is_valid({"name": "x", "answers": {}, "expect": {"path": []}})
    assert not validator.is_valid({"answers": {}, "expect": {"outcome": "paid"}})


def test_every_d2_scenario_names_the_schema_for_editors() -> None:
    for path in sorted(D2_SCENARIOS.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/scenario.schema.json", path
