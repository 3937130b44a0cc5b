"""The path analysis has a budget (CF117): conditions that tie dozens of
answers together in orders no diagram keeps small are reported in bounded
time and memory, and the rules that do not read the analysis still run."""

from __future__ import annotations

from pathlib import Path

import pytest

from callflow.lint import lint_paths
from callflow.lint.analysis import DIAGRAM_BASE, DIAGRAM_PER_NODE, diagram_budget
from callflow.lint.bdd import BDD, TooLarge

ENTANGLED = Path(__file__).parent / "fixtures" / "CF117" / "bad.yaml"


def test_a_diagram_stops_at_its_limit() -> None:
    bdd = BDD(limit=10)
    with pytest.raises(TooLarge):
        for v in range(20):
            bdd.literal(v)
    assert len(bdd) == 10


def test_the_budget_grows_with_the_flow() -> None:
    assert diagram_budget(0) == DIAGRAM_BASE
    assert diagram_budget(20_000) == DIAGRAM_BASE + 20_000 * DIAGRAM_PER_NODE


def test_an_entangled_flow_is_one_error_and_the_graph_rules_still_run(tmp_path: Path) -> None:
    text = ENTANGLED.read_text(encoding="utf-8")
    flow = tmp_path / "flow.yaml"
    flow.write_text(text.replace("  D: {end: done}\n", "  D: {end: done}\n  LOST: {end: lost}\n"), encoding="utf-8")
    found = [(d.code, d.line) for d in lint_paths([str(flow)]).diagnostics]
    assert found == [("CF117", 5), ("CF103", 25)]
