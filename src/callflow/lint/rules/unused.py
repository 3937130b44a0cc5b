"""Definitions nothing uses (CF212-CF215): usually a typo elsewhere or a
leftover; warnings, since the call still works."""

from __future__ import annotations

from collections.abc import Iterator

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.expressions import names as condition_names
from callflow.flow.invoicesteps import CreditStep, ItemRef, ItemStep, TimeStep
from callflow.flow.scalars import catalog_reference
from callflow.flow.steps import AskStep, TicketStep
from callflow.lint.context import LintContext
from callflow.lint.rule import WARNING, Rule

UNUSED_ITEM = Rule("CF212", "unused-item", WARNING, "a catalog item no step, placeholder or expression uses")
UNUSED_FIELD = Rule("CF213", "unused-field", WARNING, "a field no node asks")
UNUSED_TICKET_FIELD = Rule("CF214", "unused-ticket-field", WARNING, "a ticket field no `ticket:` step sets")
UNUSED_CONSTANT = Rule("CF215", "unused-constant", WARNING, "a constant no placeholder or expression uses")

RULES = (UNUSED_ITEM, UNUSED_FIELD, UNUSED_TICKET_FIELD, UNUSED_CONSTANT)


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    flow = ctx.flow
    items: set[str] = set()
    asked: set[str] = set()
    ticket_keys: set[str] = set()
    for node in flow.nodes.values():
        for step in node.steps:
            if isinstance(step, AskStep):
                asked.add(step.ask)
            elif isinstance(step, ItemStep):
                items.add(step.item.code if isinstance(step.item, ItemRef) else step.item)
            elif isinstance(step, CreditStep) and step.credit.code is not None:
                items.add(step.credit.code)
            elif isinstance(step, TimeStep):
                items.add(step.time.code)
            elif isinstance(step, TicketStep):
                ticket_keys.update(step.ticket)
    names: set[str] = set()
    for site in ctx.templates:
        names.update(p.name for p in site.placeholders)
    for condition in ctx.condition_sites:
        names.update(n.name for n in condition_names(condition.expr))
    for esite in ctx.expression_sites:
        names.update(n.name for n in condition_names(ctx.expr(esite.text)))
    for name in names:
        reference = catalog_reference(name)
        if reference is not None:
            items.add(reference[0])
    # (rule, section of the flow, what it defines, what the flow uses, message)
    unused = (
        (UNUSED_ITEM, "catalog", flow.catalog, items, "catalog item '{0}' is never used: add it with '- item: \"{0}\"' or remove it"),
        (UNUSED_FIELD, "fields", flow.fields, asked, "field '{0}' is never asked: ask it with '- ask: {0}' or remove it"),
        (UNUSED_TICKET_FIELD, "ticket_fields", flow.ticket_fields, ticket_keys, "ticket field '{0}' is never set: set it in a '- ticket:' step or remove it"),
        (UNUSED_CONSTANT, "constants", flow.constants, names, "constant '{0}' is never used: write {{{0}}} where it belongs or remove it"),
    )
    for rule, section, defined, used, message in unused:
        for name in defined:
            if name not in used:
                yield ctx.report(rule, (section, name), message.format(name))
