"""`callflow schema`: the JSON Schema editors use, generated from the models.

The committed schema/flow.schema.json must be exactly what the command
prints; every shipped flow validates against it (as callflow reads YAML,
every scalar text, and as a YAML editor types it); it refuses what the
loader refuses (unknown keys, missing keys, bad values)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from callflow.cli import app
from callflow.commands.schema import flow_schema, library_schema, render
from callflow.flow.loadedflow import is_library_text
from callflow.flow.yamlsource import parse_yaml
from callflow.lint.runner import LintReport, flow_files

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "schema" / "flow.schema.json"
LIBRARY_SCHEMA = ROOT / "schema" / "library.schema.json"
FILES = flow_files([str(ROOT / "flows")], LintReport())
SHIPPED = [p for p in FILES if not is_library_text(Path(p).read_text(encoding="utf-8"))]
LIBRARIES = [p for p in FILES if p not in SHIPPED]
LINT_FIXTURES = ROOT / "tests" / "lint" / "fixtures"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


def test_the_committed_library_schema_is_what_the_command_prints_and_libraries_validate() -> None:
    result = CliRunner().invoke(app, ["schema", "--library"])
    assert result.exit_code == 0
    assert LIBRARY_SCHEMA.read_text(encoding="utf-8") == result.stdout == render(library_schema()), (
        "schema/library.schema.json is stale: run  callflow schema --library > schema/library.schema.json"
    )
    validator = Draft202012Validator(json.loads(result.stdout))
    assert LIBRARIES, "flows/ should ship a library (flows/common/remote-session.yaml)"
    for path in LIBRARIES:
        text = Path(path).read_text(encoding="utf-8")
        assert errors(validator, parse_yaml(text, path)) == []
        assert errors(validator, yaml.safe_load(text)) == []


def test_the_committed_schema_is_what_the_command_prints() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert COMMITTED.read_text(encoding="utf-8") == result.stdout == render(flow_schema()), (
        "schema/flow.schema.json is stale: run  callflow schema > schema/flow.schema.json"
    )


def test_the_schema_names_its_draft_and_title(validator: Draft202012Validator) -> None:
    schema = validator.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "callflow flow"
    assert set(schema["required"]) == {"id", "title", "start", "nodes"}
    # The YAML keys, not the model's field names.
    assert set(schema["$defs"]["IfRoute"]["properties"]) == {"if", "goto"}
    assert schema["$defs"]["ElseRoute"]["required"] == ["else"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: Path(p).name)
def test_every_shipped_flow_validates_as_callflow_reads_it(validator: Draft202012Validator, path: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    assert errors(validator, parse_yaml(text, path)) == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: Path(p).name)
def test_every_shipped_flow_validates_as_an_editor_types_it(validator: Draft202012Validator, path: str) -> None:
    # An editor reads `price: 35.00` as a number and `required: true` as a boolean.
    typed = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    assert errors(validator, typed) == []


def test_the_docs_example_validates(validator: Draft202012Validator) -> None:
    text = (ROOT / "docs" / "flow-format.md").read_text(encoding="utf-8")
    block = re.search(r"## A complete small example\n\n```yaml\n(.*?)```", text, re.DOTALL)
    assert block
    assert errors(validator, parse_yaml(block.group(1), "example.yaml")) == []
    assert errors(validator, yaml.safe_load(block.group(1))) == []


@pytest.mark.parametrize("code", ["CF010", "CF011", "CF012"])
def test_what_the_loader_refuses_the_schema_refuses_too(validator: Draft202012Validator, code: str) -> None:
    bad = (LINT_FIXTURES / code / "bad.yaml").read_text(encoding="utf-8")
    good = (LINT_FIXTURES / code / "good.yaml").read_text(encoding="utf-8")
    assert errors(validator, parse_yaml(bad, "bad.yaml")) != []
    assert errors(validator, parse_yaml(good, "good.yaml")) == []


def test_every_lint_fixture_twin_is_a_valid_flow_for_the_schema(validator: Draft202012Validator) -> None:
    for good in sorted(LINT_FIXTURES.glob("CF[123]*/good.yaml")):
        data = parse_yaml(good.read_text(encoding="utf-8"), str(good))
        assert errors(validator, data) == [], good


def flow(text: str) -> Any:
    return parse_yaml(textwrap.dedent(text), "inline.yaml")


def test_text_for_numbers_and_booleans_is_accepted(validator: Draft202012Validator) -> None:
    data = flow(
        """\
        id: t
        title: T
        start: A
        catalog:
          "310": {name: SESSION, price: "35.00"}
        ticket_fields:
          title: {required: yes}
        fields:
          n: {type: number, prompt: N, min: 1, max: "10"}
        nodes:
          A:
            steps:
              - item: {code: "310", quantity: "2"}
            end: done
        """
    )
    assert errors(validator, data) == []


def test_unknown_keys_wrong_values_and_two_step_kinds_are_refused(validator: Draft202012Validator) -> None:
    data = flow(
        """\
        id: t
        title: T
        start: A
        catalog:
          "310": {name: SESSION, price: thirty-five}
        fields:
          f: {type: datetime, prompt: F}
        nodes:
          A:
            sectoin: Leads
            steps:
              - say: Hello.
                do: Wave.
            routes:
              - if: f
            end: done
        """
    )
    found = errors(validator, data)
    assert any(e.startswith("catalog/310/price") for e in found)
    assert any(e.startswith("fields/f/type") for e in found)
    assert any(e.startswith("nodes/A:") and "'sectoin' was unexpected" in e for e in found)
    assert any(e.startswith("nodes/A/steps/0") for e in found)
    assert any(e.startswith("nodes/A/routes") for e in found)
    assert errors(validator, {"id": "t", "start": "A", "nodes": {"A": {"end": "x"}}}) == [
        ": 'title' is a required property"
    ]


def test_every_schema_has_an_id_naming_its_committed_file() -> None:
    for option, name in (([], "flow"), (["--library"], "library"), (["--scenario"], "scenario")):
        printed = json.loads(CliRunner().invoke(app, ["schema", *option]).stdout)
        committed = json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert printed["$id"] == committed["$id"]
        assert re.fullmatch(rf"https://[^\s#]+/schema/{name}\.schema\.json", printed["$id"]), printed["$id"]
        # The id is a URI a validator accepts as the schema's base.
        Draft202012Validator.check_schema(printed)
