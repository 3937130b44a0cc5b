"""A scenario checked against its flow: every question, node, outcome, ticket
field, item, checklist confirmation and computed value it names must be one
the flow has, with a "did you mean". Nodes are named as a person reads them:
`pay/P-1` for a node of procedure `pay`."""

from __future__ import annotations

from typing import Any

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.errors import FlowLoadError
from callflow.flow.index import Confirmation, FlowIndex
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.loader import INVALID_VALUE
from callflow.flow.procedures import shown
from callflow.flow.steps import TicketStep
from callflow.flow.suggest import did_you_mean
from callflow.flow.yamlsource import load_problem
from callflow.testing.scenario import LoadedScenario


def ticket_keys(loaded: LoadedFlow) -> list[str]:
    """Ticket fields a flow declares or sets."""
    keys = dict.fromkeys(loaded.flow.ticket_fields)
    for node in loaded.flow.nodes.values():
        for step in node.steps:
            if isinstance(step, TicketStep):
                keys.update(dict.fromkeys(step.ticket))
    return list(keys)


def check_against_flow(loaded: LoadedScenario, flow: LoadedFlow) -> None:
    """Refuse names the flow does not have: questions, nodes, outcomes, ticket
    fields, items. Raises FlowLoadError with every problem and a "did you mean"."""
    problems: list[Diagnostic] = []
    path = loaded.path
    index: FlowIndex = flow.index
    try:
        loaded.answer_set().check_known(flow.flow, index)
    except FlowLoadError as exc:
        problems.extend(exc.diagnostics)

    def bad(loc: tuple[Any, ...], message: str) -> None:
        line, col = loaded.where(loc, at_key=False)
        problems.append(load_problem(path, line, col, INVALID_VALUE, message))

    def at_key(loc: tuple[Any, ...], message: str) -> None:
        line, col = loaded.where(loc)
        problems.append(load_problem(path, line, col, INVALID_VALUE, message))

    nodes = list(dict.fromkeys(shown(n) for n in flow.flow.nodes))
    known_nodes = set(nodes)
    expect = loaded.scenario.expect
    for key in ("path", "path_includes", "path_excludes"):
        for i, node_id in enumerate(getattr(expect, key) or []):
            if node_id not in known_nodes:
                bad(("expect", key, i), f"'{node_id}' is not a node of flow '{flow.flow.id}'{did_you_mean(node_id, nodes)}")
    outcomes = sorted({n.end for n in flow.flow.nodes.values() if n.end is not None})
    if expect.outcome is not None and expect.outcome not in outcomes:
        bad(
            ("expect", "outcome"),
            f"'{expect.outcome}' is not an outcome of flow '{flow.flow.id}'"
            + (did_you_mean(expect.outcome, outcomes) or f"; its outcomes: {', '.join(outcomes)}"),
        )
    keys = ticket_keys(flow)
    for key in expect.ticket or {}:
        if key not in keys:
            line, col = loaded.where(("expect", "ticket", key))
            problems.append(
                load_problem(
                    path,
                    line,
                    col,
                    INVALID_VALUE,
                    f"'{key}' is not a ticket field of flow '{flow.flow.id}'"
                    + (did_you_mean(key, keys) or f"; its ticket fields: {', '.join(keys)}"),
                )
            )
    catalog = list(flow.flow.catalog)
    for i, line_expected in enumerate((expect.invoice.lines if expect.invoice else None) or []):
        if line_expected.code is not None and line_expected.code not in flow.flow.catalog:
            bad(
                ("expect", "invoice", "lines", i, "code"),
                f"item '{line_expected.code}' is not in the catalog of flow '{flow.flow.id}'{did_you_mean(line_expected.code, catalog)}",
            )
    for key in ("payments", "refunds", "notifications"):
        for i, item in enumerate(getattr(expect, key) or []):
            if item.node is not None and item.node not in known_nodes:
                bad(("expect", key, i, "node"), f"'{item.node}' is not a node of flow '{flow.flow.id}'{did_you_mean(item.node, nodes)}")
    confirmations = [k for k, q in index.questions.items() if isinstance(q, Confirmation)]
    for key in expect.checklist or {}:
        if key not in confirmations:
            known = did_you_mean(key, confirmations) or (
                f"; its checklist confirmations: {', '.join(confirmations)}" if confirmations else
                "; it has none (a checklist item is confirmed with `do: ...` and `confirm: <id>`)"
            )
            at_key(("expect", "checklist", key), f"'{key}' is not a checklist confirmation of flow '{flow.flow.id}'{known}")
    computed = index.symbols.computed
    for key in expect.values or {}:
        if key not in computed:
            known = did_you_mean(key, computed) or (
                f"; its computed values: {', '.join(computed)}" if computed else "; it computes none (set: {name: ...})"
            )
            at_key(("expect", "values", key), f"'{key}' is not a value flow '{flow.flow.id}' computes{known}")
    if problems:
        raise FlowLoadError(problems)
