"""Lint never crashes and always finishes, whatever graph a flow draws: random
flows with loops, conditional asks, tickets, items and payments."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from lintkit import computing_flows, flows

from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.loader import validate_data
from callflow.flow.model import Flow
from callflow.flow.positions import PositionIndex
from callflow.lint import ALL_RULES, lint_flow


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows())
def test_lint_finishes_on_any_graph_with_known_codes_in_order(data: dict[str, Any]) -> None:
    flow = validate_data(Flow, data, "", "fuzz.yaml")
    loaded = LoadedFlow(flow, "fuzz.yaml", "", PositionIndex("", "fuzz.yaml"))
    found = lint_flow(loaded)
    assert found == sorted(found)
    assert all(d.code in ALL_RULES and d.severity is ALL_RULES[d.code].severity for d in found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(computing_flows())
def test_lint_finishes_on_any_flow_that_computes(data: dict[str, Any]) -> None:
    flow = validate_data(Flow, data, "", "fuzz.yaml")
    loaded = LoadedFlow(flow, "fuzz.yaml", "", PositionIndex("", "fuzz.yaml"))
    found = lint_flow(loaded)
    assert found == sorted(found)
    assert all(d.code in ALL_RULES and d.severity is ALL_RULES[d.code].severity for d in found)
