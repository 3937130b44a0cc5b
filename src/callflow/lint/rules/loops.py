"""Loop rules (CF106, CF116): a call that goes round a loop once must be able
to leave it. A loop is left by a `choose` option or a `next` that leads out,
by an `at_most` limit, or by a route whose condition can become true inside
the loop: it reads something the loop asks, computes, pays or invoices, or
the visit count of one of its nodes. A loop with none of these goes round
for ever once entered (a loop with no way to an end at all is CF105)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.graph import Edge, loops
from callflow.flow.invoicesteps import CreditStep, ItemStep, PastDueStep, PaymentStep, RefundStep, TimeStep
from callflow.flow.model import ElseRoute, IfRoute
from callflow.flow.scalars import AMOUNT_NAMES
from callflow.flow.steps import AskStep, DoStep, SetStep
from callflow.lint.context import LintContext
from callflow.lint.encoding import reads
from callflow.lint.rule import ERROR, Rule

ENDLESS_LOOP = Rule("CF106", "endless-loop", ERROR, "a loop that asks nothing and changes nothing goes round for ever")
LOOP_NEVER_EXITS = Rule(
    "CF116", "loop-never-exits", ERROR, "a loop whose only ways out read nothing that changes inside it, with no at_most"
)

RULES = (ENDLESS_LOOP, LOOP_NEVER_EXITS)
_INVOICE = (ItemStep, CreditStep, TimeStep, PastDueStep, PaymentStep, RefundStep)


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    graph = ctx.graph
    reachable = ctx.reachable
    ending = graph.reaching_an_end()
    nodes = [n for n in ctx.flow.nodes if n in reachable and n in ending]
    reported: set[str] = set()
    silent = [n for n in nodes if not _changes(ctx, n)]
    for loop in loops(silent, graph.successors):
        if not _can_leave(ctx, loop):
            reported.update(loop)
            yield ctx.report(
                ENDLESS_LOOP,
                ("nodes", loop[0]),
                f"the loop {_shown(ctx, loop)} asks nothing and changes no amount, so a call that goes round it once"
                " goes round for ever: ask something in the loop or route out of it",
            )
    candidates = [list(loop) for loop in loops(nodes, graph.successors)]
    candidates += [[n] for n in nodes if n in graph.successors(n) and not any(loop == [n] for loop in candidates)]
    for loop in candidates:
        if reported.intersection(loop) or _can_leave(ctx, loop):
            continue
        reported.update(loop)
        read = sorted(_exit_reads(ctx, loop) - {"agent", "today"})
        what = f" ({', '.join(read)})" if read else ""
        origin = ctx.loaded.origins.get(loop[0])
        # visits() counts the flow's own nodes: inside a procedure only a limit bounds a loop.
        visits = "" if origin is not None and origin.procedure else f" route out on visits('{ctx.shown(loop[0])}'),"
        yield ctx.report(
            LOOP_NEVER_EXITS,
            ("nodes", loop[0]),
            f"the loop {_shown(ctx, loop)} is left only by routes whose conditions read nothing that changes inside it{what},"
            f" so a call that goes round it once goes round for ever: ask or compute what they read inside the loop,{visits}"
            " or give a node of it an at_most limit",
        )


def _shown(ctx: LintContext, ids: Sequence[str], limit: int = 6) -> str:
    shown = list(dict.fromkeys(ctx.shown(n) for n in ids))
    if len(shown) <= limit:
        return ", ".join(shown)
    return f"{', '.join(shown[:limit])} and {len(shown) - limit} more"


def _changes(ctx: LintContext, node_id: str) -> set[str]:
    """What a node's steps and question change: names, visit counts aside."""
    node = ctx.flow.nodes[node_id]
    found: set[str] = set()
    for step in node.steps:
        if isinstance(step, AskStep):
            found.add(step.ask)
        elif isinstance(step, DoStep) and step.confirm is not None:
            found.add(step.confirm)
        elif isinstance(step, SetStep):
            found.update(step.set)
        elif isinstance(step, _INVOICE):
            found.update(AMOUNT_NAMES)
    if node.choose is not None:
        found.add(node.choose.id)
    return found


def _exits(ctx: LintContext, loop: Sequence[str]) -> list[Edge]:
    inside = set(loop)
    return [e for n in loop for e in ctx.graph.out[n] if e.target not in inside and e.target in ctx.flow.nodes]


def _route_reads(ctx: LintContext, edge: Edge) -> set[str]:
    """What decides whether a route is taken: its condition and those of the routes above it."""
    routes = ctx.flow.nodes[edge.source].routes or []
    last = edge.branch if isinstance(routes[edge.branch], IfRoute) else edge.branch - 1
    found: set[str] = set()
    for route in routes[: last + 1]:
        if isinstance(route, IfRoute):
            found |= reads(ctx.expr(route.if_))
        elif isinstance(route, ElseRoute):
            break
    return found


def _exit_reads(ctx: LintContext, loop: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for edge in _exits(ctx, loop):
        if edge.way == "routes":
            found |= {k for k in _route_reads(ctx, edge) if not k.startswith("visits:")}
    return found


def _can_leave(ctx: LintContext, loop: Sequence[str]) -> bool:
    """Whether a call inside the loop can ever take a way out of it."""
    nodes = ctx.flow.nodes
    if any(nodes[n].at_most is not None for n in loop):
        return True
    changed: set[str] = {f"visits:{n}" for n in loop}
    for n in loop:
        changed |= _changes(ctx, n)
    for edge in _exits(ctx, loop):
        if edge.way != "routes":
            return True  # an option, a next or a limit leads out
        if _route_reads(ctx, edge) & changed:
            return True
    return False
