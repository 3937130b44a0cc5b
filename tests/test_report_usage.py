"""`callflow lint FLOW --usage FOLDER`: what real calls say about a flow
(CF401-CF403), the documented examples run, and the command's mistakes."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from reportkit import walk
from sessionkit import cli

from callflow.call.answers import AnswerSet
from callflow.flow.loadedflow import LoadedFlow, load_flow
from callflow.lint import ALL_RULES

DOC = Path(__file__).resolve().parents[1] / "docs" / "lint-rules.md"
SECTIONS = dict(re.findall(r"^### (CF4\d\d)\n(.*?)(?=^### |^## |\Z)", DOC.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE))
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def calls_of(base: Path, loaded: LoadedFlow, calls: list[dict[str, Any]], seconds: int = 30) -> Path:
    """Each call walked and saved (journal and receipt) under base/sessions."""
    for number, answers in enumerate(calls):
        walk(None, number, base / "sessions", base / "sessions", agent="Dana", day=date(2026, 11, 2),
             loaded=loaded, answers=AnswerSet.from_mapping(answers), seconds=seconds)
    return base / "sessions"


def lint_usage(base: Path, flow_text: str, calls: list[dict[str, Any]], *args: str) -> tuple[int, list[str], str]:
    (base / "flows").mkdir(parents=True, exist_ok=True)
    flow_file = base / "flows" / "example.yaml"
    flow_file.write_text(flow_text, encoding="utf-8")
    here = os.getcwd()
    os.chdir(base)
    try:
        calls_of(base / "calls", load_flow("flows/example.yaml"), calls)
        ran = cli("lint", "flows/example.yaml", "--usage", "calls/sessions", *args)
    finally:
        os.chdir(here)
    return ran.returncode, ran.stdout.splitlines(), ran.stderr


def test_every_usage_rule_is_documented() -> None:
    assert sorted(SECTIONS) == sorted(c for c in ALL_RULES if c.startswith("CF4"))


@pytest.mark.parametrize("code", sorted(SECTIONS))
def test_the_usage_examples_give_what_the_doc_shows(code: str, tmp_path: Path) -> None:
    blocks = BLOCK.findall(SECTIONS[code].split("Passes")[0])
    (_, flow), (_, calls), (_, output) = blocks
    _, got, _ = lint_usage(tmp_path / "fails", flow, yaml.safe_load(calls))
    assert got == output.strip().splitlines()
    (_, passing), = BLOCK.findall(SECTIONS[code].split("Passes")[1])
    document = yaml.safe_load(passing)
    if isinstance(document, list):
        _, got, _ = lint_usage(tmp_path / "passes", flow, document)
    else:
        _, got, _ = lint_usage(tmp_path / "passes", passing, yaml.safe_load(calls))
    assert got == []


@pytest.mark.parametrize(("written", "seconds"), [("20 s", 20), ("1 min", 60), ("25 seconds", 25)])
def test_cf403_reads_expected_time_as_the_flow_states_it(tmp_path: Path, written: object, seconds: int) -> None:
    """The node's expected_time as the flow model reads it (node.expected_seconds), in any way it may be written."""
    flow = yaml.safe_load(BLOCK.findall(SECTIONS["CF403"])[0][1])
    flow["nodes"]["greet"]["expected_time"] = written
    text = yaml.safe_dump(flow, sort_keys=False)
    node = load_flow_text(tmp_path, text).flow.nodes["greet"]
    assert node.expected_seconds == seconds
    code, got, notes = lint_usage(tmp_path / "run", text, [{"wants": "Repair"}, {"wants": "Nothing"}], "--strict")
    if seconds < 30:  # every answer of these calls takes 30 seconds
        (line,) = got
        assert line.endswith(f"CF403 warning: calls spend 0:30 at node 'greet' (the median of 2 timed calls; "
                             f"p90 0:30), over its expected_time of 0:{seconds:02d}")
        assert code == 1 and "compared with 2 calls that ended" in notes
    else:
        assert (code, got) == (0, [])


def load_flow_text(base: Path, text: str) -> LoadedFlow:
    base.mkdir(parents=True, exist_ok=True)
    (base / "flow.yaml").write_text(text, encoding="utf-8")
    return load_flow(str(base / "flow.yaml"))


def test_the_node_table_gives_expected_seconds_from_the_flow(tmp_path: Path) -> None:
    flow = BLOCK.findall(SECTIONS["CF403"])[0][1]
    lint_usage(tmp_path, flow, [{"wants": "Repair"}])
    os.chdir(tmp_path)
    try:
        ran = cli("report", "calls/sessions", "--flow", "flows/example.yaml", "--format", "json")
    finally:
        os.chdir(Path(__file__).resolve().parents[1])
    import json

    nodes = {n["node"]: n for n in json.loads(ran.stdout)["nodes"]}
    assert (nodes["greet"]["expected_seconds"], nodes["repair"]["expected_seconds"]) == (20.0, None)
    assert (nodes["greet"]["timed"], nodes["greet"]["median"]) == (1, 30.0)


def test_no_calls_no_warning_and_a_note(tmp_path: Path) -> None:
    flow = BLOCK.findall(SECTIONS["CF401"])[0][1]
    code, got, notes = lint_usage(tmp_path, flow, [{"wants": "Repair"}], "--since", "2027-01-01")
    assert (code, got) == (0, [])
    assert "no ended call of flow 'example'" in notes


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("flows", "--since", "2026-11-01"), 2, "--since and --until go with --usage FOLDER"),
        (("flows", "--usage", "no-such-folder"), 3, "no-such-folder: no such folder or file"),
        (("flows", "--usage", "flows", "--since", "2026-11-05", "--until", "2026-11-01"), 2, "is after --until"),
    ],
)
def test_lint_usage_mistakes(args: tuple[str, ...], code: int, words: str) -> None:
    ran = cli("lint", *args)
    assert ran.returncode == code and words in ran.stderr
