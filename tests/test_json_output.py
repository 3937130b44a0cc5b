"""Every JSON a command prints says its format and version, and every field
in it is described in docs/json-output.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from scenariokit import FLOWS, ROOT
from typer.testing import CliRunner

from callflow.cli import app

DOC = (ROOT / "docs" / "json-output.md").read_text(encoding="utf-8")
D2 = FLOWS / "anything-computers-intake.yaml"
PAYG = ROOT / "tests/answers/d2/D-2-9-payg-addon-and-balance.yaml"
# Objects whose keys are the flow's own names (field ids, ticket keys), not fields of the format.
KEYED_BY_THE_FLOW = ("routes[].example_answers", "scenarios[].old.ticket", "scenarios[].new.ticket")
runner = CliRunner()


def printed(*args: str | Path) -> Any:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def fields(value: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else key
            found.add(name)
            if name not in KEYED_BY_THE_FLOW:
                found |= fields(item, name)
    elif isinstance(value, list):
        for item in value:
            found |= fields(item, f"{prefix}[]")
    return found


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", DOC, re.S | re.M)
    assert match, f"docs/json-output.md has no section {title!r}"
    return match.group(1)


def documented(title: str) -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", section(title), re.M))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("json")
    repriced = work / "repriced.yaml"
    repriced.write_text(D2.read_text(encoding="utf-8").replace("price: 20.00", "price: 25.00"), encoding="utf-8")
    broken = work / "broken.yaml"
    broken.write_text("id: x\nstart: A\nnodes:\n  A: {say: hi, next: B}\n", encoding="utf-8")
    sessions = work / "sessions"
    receipt = printed("run", D2, "--answers", PAYG, "--format", "json", "--save", "--sessions-dir", sessions)
    return {
        "callflow-lint": printed("lint", broken, "--format", "json"),
        "callflow-paths": printed("paths", D2, "--format", "json"),
        "callflow-test": printed("test", FLOWS, "--coverage", "--format", "json"),
        "callflow-walk": printed("walk", D2, "--random", "--seed", "1", "--count", "20", "--format", "json"),
        "callflow-sessions": printed("sessions", "list", "--sessions-dir", sessions, "--format", "json"),
        "callflow-diff": printed(
            "diff", D2, repriced, "--scenarios", FLOWS / "anything-computers-intake.scenarios", "--format", "json"
        ),
        "callflow-list": printed("list", FLOWS, work, "--format", "json"),
        "Receipt": receipt,
    }


@pytest.mark.parametrize(
    "name",
    ["callflow-lint", "callflow-paths", "callflow-test", "callflow-walk", "callflow-sessions", "callflow-diff", "callflow-list"],
)
def test_each_document_names_its_format_and_version_and_every_field_is_documented(
    outputs: dict[str, Any], name: str
) -> None:
    data = outputs[name]
    assert (data["format"], data["format_version"]) == (name, 1)
    missing = fields(data) - documented(f"`{name}`")
    assert not missing, f"fields of {name} not described in docs/json-output.md: {sorted(missing)}"


def test_the_receipt_carries_its_version_and_every_field_is_documented(outputs: dict[str, Any]) -> None:
    receipt = outputs["Receipt"]
    assert receipt["receipt"] == 1
    missing = fields(receipt) - documented("Receipt")
    assert not missing, f"receipt fields not described in docs/json-output.md: {sorted(missing)}"


def test_the_documents_exercised_here_have_the_parts_a_reader_needs(outputs: dict[str, Any]) -> None:
    # The fixtures are not empty, so the field checks above saw the nested fields.
    assert outputs["callflow-lint"]["diagnostics"]
    assert any(s["changed"] for s in outputs["callflow-diff"]["scenarios"])
    assert outputs["callflow-sessions"]["sessions"]
    assert outputs["Receipt"]["invoice"]["lines"] and outputs["Receipt"]["payments"]


def test_every_json_format_is_in_the_table_of_formats() -> None:
    table = DOC.split("\n## ", 1)[0]
    for name in ("lint", "paths", "test", "walk", "sessions", "diff", "list"):
        assert f"`callflow-{name}`" in table
