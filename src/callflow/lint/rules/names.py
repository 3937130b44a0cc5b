"""Content rules about names (CF201-CF206): every name a flow uses must be one
it defines, each defined once, and of the kind the step needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.expressions import names as condition_names
from callflow.flow.expressions import visited_nodes
from callflow.flow.invoicesteps import CreditStep, ItemRef, ItemStep, PastDueStep, TimeStep
from callflow.flow.scalars import BUILTIN_NAMES, CATALOG_PARTS, catalog_reference
from callflow.flow.steps import AskStep, TicketStep
from callflow.flow.suggest import did_you_mean
from callflow.lint.context import LintContext
from callflow.lint.rule import ERROR, Rule

UNKNOWN_NAME = Rule("CF201", "unknown-name", ERROR, "a placeholder or expression names nothing the flow defines")
UNKNOWN_FIELD = Rule("CF202", "unknown-field", ERROR, "`ask:` names a field not defined under `fields`")
UNKNOWN_TICKET_FIELD = Rule("CF203", "unknown-ticket-field", ERROR, "a `ticket:` key not declared in `ticket_fields`")
UNKNOWN_ITEM = Rule("CF204", "unknown-item", ERROR, "an item code or `{catalog.CODE...}` not defined in `catalog`")
NOT_AN_AMOUNT = Rule(
    "CF205", "not-an-amount", ERROR, "`past_due:` or a payment or refund `amount:` that is not an amount of money"
)
NAME_CLASH = Rule("CF206", "name-clash", ERROR, "a `choose` id or field that takes a name already in use")

RULES = (UNKNOWN_NAME, UNKNOWN_FIELD, UNKNOWN_TICKET_FIELD, UNKNOWN_ITEM, NOT_AN_AMOUNT, NAME_CLASH)


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    yield from _placeholders(ctx)
    yield from _conditions(ctx)
    yield from _steps(ctx)
    yield from _clashes(ctx)


def _unknown(ctx: LintContext, name: str) -> tuple[Rule, str] | None:
    """The rule and message for a name that resolves to nothing, or None."""
    symbols = ctx.symbols
    if symbols.resolve(name) is not None:
        return None
    catalog = ctx.flow.catalog
    reference = catalog_reference(name)
    if reference is not None:
        code = reference[0]
        return UNKNOWN_ITEM, f"catalog item '{code}' is not defined{did_you_mean(code, catalog)}"
    if name.startswith("catalog."):
        # `catalog.310` or `catalog.310.cost`: a known item, a part that is not.
        rest = name[len("catalog.") :]
        known = next((c for c in (rest, rest.rpartition(".")[0]) if c in catalog), None)
        if known is not None:
            options = " or ".join(f"catalog.{known}.{part}" for part in CATALOG_PARTS)
            return UNKNOWN_NAME, f"'{name}' is not a catalog placeholder: use {options}"
    return UNKNOWN_NAME, f"'{name}' is not defined in this flow{did_you_mean(name, symbols.names())}"


def _placeholders(ctx: LintContext) -> Iterator[Diagnostic]:
    for site in ctx.templates:
        for placeholder in site.placeholders:
            found = _unknown(ctx, placeholder.name)
            if found is not None:
                rule, message = found
                yield ctx.report_placeholder(rule, site, placeholder, f"placeholder {{{placeholder.name}}}: {message}")


def _conditions(ctx: LintContext) -> Iterator[Diagnostic]:
    sites = [(site.loc, site.text, site.expr, "condition") for site in ctx.condition_sites]
    sites += [(site.loc, site.text, ctx.expr(site.text), "expression") for site in ctx.expression_sites]
    for loc, text, expr, what in sites:
        for name in condition_names(expr):
            found = _unknown(ctx, name.name)
            if found is not None:
                rule, message = found
                yield ctx.report_in(rule, loc, text, name.offset, len(name.name), f"{what}: {message}")
        for node_id, literal in visited_nodes(expr):
            if node_id not in ctx.flow.nodes:
                yield ctx.report_in(UNKNOWN_NAME, loc, text, literal.offset, literal.length, _no_node(ctx, loc, node_id))


def _no_node(ctx: LintContext, loc: tuple[object, ...], node_id: str) -> str:
    origin = ctx.loaded.origins.get(str(loc[1]))
    if origin is not None and origin.procedure is not None:
        return (
            f"visits('{node_id}'): visits() counts the flow's own nodes, and '{node_id}' is not one of them"
            f" (inside procedure '{origin.procedure}', count a node of the flow, or use an at_most limit)"
        )
    return f"visits('{node_id}'): there is no node '{node_id}'{did_you_mean(node_id, ctx.written.nodes)}"


def _steps(ctx: LintContext) -> Iterator[Diagnostic]:
    flow = ctx.flow
    symbols = ctx.symbols
    money_fields = [name for name, spec in flow.fields.items() if spec.type == "money"]
    for node_id, node in flow.nodes.items():
        for i, step in enumerate(node.steps):
            base = ("nodes", node_id, "steps", i)
            if isinstance(step, AskStep) and step.ask not in flow.fields:
                symbol = symbols.resolve(step.ask)
                if symbol is not None and symbol.kind == "choose":
                    message = f"'{step.ask}' is a choose question, asked by its node's choose; ask a field defined under fields"
                else:
                    message = f"field '{step.ask}' is not defined under fields{did_you_mean(step.ask, flow.fields)}"
                yield ctx.report(UNKNOWN_FIELD, (*base, "ask"), message, at_key=False)
            elif isinstance(step, TicketStep):
                for key in step.ticket:
                    if key not in flow.ticket_fields:
                        yield ctx.report(
                            UNKNOWN_TICKET_FIELD,
                            (*base, "ticket", key),
                            f"ticket field '{key}' is not declared under ticket_fields"
                            f"{did_you_mean(key, flow.ticket_fields)}",
                        )
            elif isinstance(step, (ItemStep, CreditStep, TimeStep)):
                code, loc = _item_code(step, base)
                if code is not None and code not in flow.catalog:
                    yield ctx.report(
                        UNKNOWN_ITEM,
                        loc,
                        f"catalog item '{code}' is not defined{did_you_mean(code, flow.catalog)}",
                        at_key=False,
                    )
            elif isinstance(step, PastDueStep):
                spec = flow.fields.get(step.past_due)
                if spec is None or spec.type != "money":
                    what = (
                        f"'{step.past_due}' is a {spec.type} field"
                        if spec is not None
                        else f"'{step.past_due}' is not a field{did_you_mean(step.past_due, money_fields)}"
                    )
                    yield ctx.report(
                        NOT_AN_AMOUNT, (*base, "past_due"), f"past_due needs a money field: {what}", at_key=False
                    )


def _item_code(step: ItemStep | CreditStep | TimeStep, base: tuple[Any, ...]) -> tuple[str | None, tuple[Any, ...]]:
    """The catalog code a line step names, and where."""
    if isinstance(step, ItemStep):
        if isinstance(step.item, ItemRef):
            return step.item.code, (*base, "item", "code")
        return step.item, (*base, "item")
    if isinstance(step, CreditStep):
        return step.credit.code, (*base, "credit", "code")
    return step.time.code, (*base, "time", "code")


def _clashes(ctx: LintContext) -> Iterator[Diagnostic]:
    flow = ctx.flow
    for name in flow.fields:
        if name in flow.constants:
            yield ctx.report(
                NAME_CLASH,
                ("fields", name),
                f"field '{name}' has the name of a constant: placeholders and conditions could not tell"
                " them apart; rename one",
            )
    first_choose: dict[str, str] = {}
    for node_id, node in flow.nodes.items():
        choose = node.choose
        if choose is None:
            continue
        name = choose.id
        loc = ("nodes", node_id, "choose", "id")
        if name in BUILTIN_NAMES:
            taken = f"the built-in name '{name}' ({', '.join(sorted(BUILTIN_NAMES))})"
        elif name in flow.fields:
            taken = f"the id of field '{name}'"
        elif name in flow.constants:
            taken = f"the name of constant '{name}'"
        elif name in first_choose:
            first = ("nodes", first_choose[name], "choose", "id")
            if ctx.loaded.written_at(first) == ctx.loaded.written_at(loc):
                continue  # two call sites' copies of one procedure's question: the same question
            there = ctx.report(NAME_CLASH, first, "", at_key=False)
            here = ctx.loaded.written_at(loc)[0]
            place = f"line {there.line}" if there.path == here else f"{there.path}:{there.line}"
            taken = f"the choose id of node '{ctx.shown(first_choose[name])}' ({place})"
        else:
            first_choose[name] = node_id
            continue
        yield ctx.report(
            NAME_CLASH,
            loc,
            f"choose id '{name}' is already {taken}: answers, conditions and placeholders could not tell"
            " them apart; give it its own id",
            at_key=False,
        )
