"""Graph rules (CF1xx): the start, where each way on leads, and whether every
node is reached and every call can end (loops that cannot be left: rules/loops.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.fields import ChoiceOption
from callflow.flow.graph import loops
from callflow.flow.model import ElseRoute, RouteOption
from callflow.flow.suggest import did_you_mean
from callflow.lint.context import LintContext
from callflow.lint.rule import ERROR, WARNING, Rule

MISSING_START = Rule("CF101", "missing-start", ERROR, "`start` names a node that does not exist")
UNKNOWN_TARGET = Rule("CF102", "unknown-target", ERROR, "`next`, `goto` or `else` names a node that does not exist")
UNREACHABLE = Rule("CF103", "unreachable-node", WARNING, "no path from the start reaches the node")
DEAD_END = Rule("CF104", "dead-end", ERROR, "a node that is not an end has no way on")
NO_WAY_TO_END = Rule("CF105", "no-way-to-end", ERROR, "a loop from which no end can be reached")
DUPLICATE_OPTION = Rule("CF107", "duplicate-option", ERROR, "two options of one question share a label or a value")
NO_DEFAULT_ROUTE = Rule("CF108", "no-default-route", ERROR, "conditional routes without an `else`")
ROUTE_AFTER_ELSE = Rule("CF109", "route-after-else", WARNING, "a route after the `else` is never checked")

RULES = (
    MISSING_START,
    UNKNOWN_TARGET,
    UNREACHABLE,
    DEAD_END,
    NO_WAY_TO_END,
    DUPLICATE_OPTION,
    NO_DEFAULT_ROUTE,
    ROUTE_AFTER_ELSE,
)


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    flow = ctx.flow
    nodes = flow.nodes
    if flow.start not in nodes:
        yield ctx.report(
            MISSING_START,
            ("start",),
            f"the start node '{flow.start}' does not exist{did_you_mean(flow.start, nodes)}",
            at_key=False,
        )
    for edge in ctx.graph.edges:
        if edge.target not in nodes:
            yield ctx.report(UNKNOWN_TARGET, edge.loc, _missing_target(ctx, edge.source, edge.target), at_key=False)
    yield from _reach(ctx)
    yield from _options(ctx)
    yield from _routes(ctx)


def _shown(ids: Sequence[str], limit: int = 6) -> str:
    if len(ids) <= limit:
        return ", ".join(ids)
    return f"{', '.join(ids[:limit])} and {len(ids) - limit} more"


def _missing_target(ctx: LintContext, source: str, target: str) -> str:
    origin = ctx.loaded.origins.get(source)
    if origin is None or origin.procedure is None:
        return f"node '{target}' does not exist{did_you_mean(target, ctx.written.nodes)}"
    written = target.rsplit("/", 1)[-1]
    own = ctx.loaded.procedures[origin.procedure].procedure.nodes
    return (
        f"node '{written}' is not a node of procedure '{origin.procedure}'{did_you_mean(written, own)}:"
        " a procedure goes only to its own nodes, and back to its caller with 'return: true'"
    )


def _reach(ctx: LintContext) -> Iterator[Diagnostic]:
    flow = ctx.flow
    graph = ctx.graph
    reachable = ctx.reachable
    if flow.start in flow.nodes:
        for node_id in flow.nodes:
            if node_id not in reachable:
                yield ctx.report(
                    UNREACHABLE,
                    ("nodes", node_id),
                    f"node '{node_id}' cannot be reached from the start node '{flow.start}'"
                    ": route to it, or remove it",
                )
    for node_id, node in flow.nodes.items():
        if node.way_on is None:
            yield ctx.report(
                DEAD_END,
                ("nodes", node_id),
                f"node '{node_id}' is not an end and has no way on: add next, choose, routes or end",
            )
    ending = graph.reaching_an_end()
    trapped = [n for n in flow.nodes if n in reachable and n not in ending]
    trap_loops = loops(trapped, graph.successors)
    for loop in trap_loops:
        yield ctx.report(
            NO_WAY_TO_END,
            ("nodes", loop[0]),
            f"no end can be reached from the loop {_shown(loop)}: give one of its nodes a way to an end",
        )


def _options(ctx: LintContext) -> Iterator[Diagnostic]:
    for node_id, node in ctx.flow.nodes.items():
        if node.choose is not None:
            base = ("nodes", node_id, "choose", "options")
            yield from _duplicates(ctx, f"'{node.choose.id}'", node.choose.options, base)
    for field_id, spec in ctx.flow.fields.items():
        if spec.options:
            yield from _duplicates(ctx, f"field '{field_id}'", spec.options, ("fields", field_id, "options"))


def _duplicates(
    ctx: LintContext, question: str, options: Sequence[ChoiceOption | RouteOption], base: tuple[str, ...]
) -> Iterator[Diagnostic]:
    labels: dict[str, int] = {}
    keys: dict[str, int] = {}
    for i, option in enumerate(options):
        label = option.label.strip().casefold()
        same_label = label in labels
        if same_label:
            first = ctx.source.position((*base, labels[label], "label"), at_key=False)[0]
            yield ctx.report(
                DUPLICATE_OPTION,
                (*base, i, "label"),
                f"{question} has two options labelled '{option.label}' (the first at line {first})"
                ": the director could not tell them apart; give each a distinct label",
                at_key=False,
            )
        labels.setdefault(label, i)
        if option.key in keys and not (same_label and option.value is None):
            first = ctx.source.position((*base, keys[option.key]), at_key=False)[0]
            yield ctx.report(
                DUPLICATE_OPTION,
                (*base, i, "value" if option.value is not None else "label"),
                f"{question} has two options with the value '{option.key}' (the first at line {first})"
                ": an answer could not say which was picked; give each a distinct value",
                at_key=False,
            )
        keys.setdefault(option.key, i)


def _routes(ctx: LintContext) -> Iterator[Diagnostic]:
    for node_id, node in ctx.flow.nodes.items():
        routes = node.routes
        if routes is None:
            continue
        else_at = next((i for i, r in enumerate(routes) if isinstance(r, ElseRoute)), None)
        if else_at is None:
            yield ctx.report(
                NO_DEFAULT_ROUTE,
                ("nodes", node_id, "routes"),
                "the routes have no 'else': when no condition holds, the call stops with an error"
                "; add '- else: NODE' as the last route",
            )
            continue
        for i in range(else_at + 1, len(routes)):
            yield ctx.report(
                ROUTE_AFTER_ELSE,
                ("nodes", node_id, "routes", i),
                f"this route comes after the 'else' (route {else_at + 1}) and is never checked: move the 'else' last",
                at_key=False,
            )
