"""The four support procedures (seeds 000-003) as flows: each lints clean
with --strict, records its readings of the seed as "Choice:" comments, and its
scenarios (flows/<flow>.scenarios/) pass and reach every node, edge and end,
through the real `callflow lint` and `callflow test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callflow.cli import app
from callflow.flow.loadedflow import load_flow

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
SEED_FLOWS = (
    "remote-support-session",
    "onsite-visit-non-managed",
    "remote-offsite-engagement",
    "help-desk-go-live",
)
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/flow.schema.json"


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_flow_file_names_its_schema_and_records_its_choices(stem: str) -> None:
    text = (FLOWS / f"{stem}.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    assert "# Choice:" in text


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_flow_lints_clean_with_strict(stem: str) -> None:
    result = CliRunner().invoke(app, ["lint", str(FLOWS / f"{stem}.yaml"), "--strict", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["diagnostics"] == []


@pytest.mark.parametrize("stem", SEED_FLOWS)
def test_scenarios_pass_and_reach_every_edge_and_end(stem: str) -> None:
    scenarios = sorted((FLOWS / f"{stem}.scenarios").rglob("*.yaml"))
    result = CliRunner().invoke(
        app, ["test", str(FLOWS / f"{stem}.yaml"), "--fail-under", "100", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["passed"], report["failed"], report["errors"]) == (len(scenarios), 0, 0)
    assert {r["outcome"] for r in report["results"]} == {
        node.end for node in load_flow(str(FLOWS / f"{stem}.yaml")).flow.nodes.values() if node.end is not None
    }
    (coverage,) = report["coverage"]
    assert (coverage["edges"]["percent"], coverage["ends"]["percent"], coverage["nodes"]["percent"]) == (100, 100, 100)
    assert coverage["missed"] == {"nodes": [], "edges": [], "ends": []}
