"""Path rules (CF207, CF301-CF303), read off the dataflow of dataflow.py:
what a step reads must be recorded on every path to it; payments follow an
invoice line; an end leaves no required ticket field empty once a ticket was
started; no invoice line comes after a payment."""

from __future__ import annotations

from collections.abc import Iterator

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.steps import AskStep
from callflow.lint.context import LintContext
from callflow.lint.facts import Finding
from callflow.lint.rule import ERROR, WARNING, Rule

NOT_YET_ASKED = Rule(
    "CF207", "not-yet-asked", ERROR, "a value read before it is asked on some path (it would show as a blank)"
)
PAYMENT_BEFORE_INVOICE = Rule(
    "CF301", "payment-before-invoice", ERROR, "on some path a payment is taken before any invoice line exists"
)
TICKET_INCOMPLETE = Rule(
    "CF302", "ticket-incomplete", ERROR, "on some path an end is reached with the ticket started but a required field empty"
)
ITEM_AFTER_PAYMENT = Rule(
    "CF303", "item-after-payment", WARNING, "on some path an invoice line is added after a payment was taken"
)

RULES = (NOT_YET_ASKED, PAYMENT_BEFORE_INVOICE, TICKET_INCOMPLETE, ITEM_AFTER_PAYMENT)


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    if ctx.loaded.is_library:
        # Alone, a library has no caller: what is asked and invoiced before a
        # call is the flow's; each flow that uses it checks its paths exactly.
        return
    asked = _asked_anywhere(ctx)
    for finding in ctx.paths.findings:
        yield _diagnostic(ctx, finding, asked)


def _asked_anywhere(ctx: LintContext) -> set[str]:
    names: set[str] = set()
    for node in ctx.flow.nodes.values():
        names.update(step.ask for step in node.steps if isinstance(step, AskStep))
        if node.choose is not None:
            names.add(node.choose.id)
    return names


def _via(finding: Finding) -> str:
    return f" (on the way from node '{finding.via}')" if finding.via else ""


def _diagnostic(ctx: LintContext, finding: Finding, asked: set[str]) -> Diagnostic:
    base = ("nodes", finding.node_id, "steps", finding.step_index)
    if finding.kind == "unrecorded":
        read = finding.read
        assert read is not None
        name = read.name
        if finding.later_step is not None:
            line = ctx.source.position(("nodes", finding.node_id, "steps", finding.later_step))[0]
            why = f"it is asked only later in this node (line {line}): ask it before this step"
        elif name not in asked:
            why = f"no node asks it: add '- ask: {name}' on the way here"
        elif finding.via:
            why = f"it is not asked yet on the way from node '{finding.via}'; ask it on every path to here"
        else:
            why = "it is not asked on every path to here; ask it on every path"
        if read.how == "placeholder":
            assert read.text is not None and read.placeholder is not None
            message = f"{{{name}}} would show as a blank: {why}"
            end = read.text.find("}", read.placeholder.offset)
            length = (end + 1 if end >= 0 else len(read.text)) - read.placeholder.offset
            return ctx.report_in(NOT_YET_ASKED, read.loc, read.text, read.placeholder.offset, length, message)
        effect = "the past-due balance would be left out" if read.how == "past_due" else "the payment would be 0"
        return ctx.report(NOT_YET_ASKED, read.loc, f"'{name}' may not be recorded here ({effect}): {why}", at_key=False)
    if finding.kind == "payment_before_invoice":
        return ctx.report(
            PAYMENT_BEFORE_INVOICE,
            (*base, "payment"),
            f"a payment is taken here before any invoice line exists{_via(finding)}"
            ": add the item or the past-due balance before taking payment",
        )
    if finding.kind == "item_after_payment":
        return ctx.report(
            ITEM_AFTER_PAYMENT,
            (*base, "item"),
            f"an invoice line is added here after a payment was taken{_via(finding)}"
            ": the payment would not cover it; add every item before taking payment",
        )
    specs = ctx.flow.ticket_fields
    missing = ", ".join(f"'{key}' ({specs[key].label})" if specs[key].label else f"'{key}'" for key in finding.missing)
    plural = "s" if len(finding.missing) > 1 else ""
    return ctx.report(
        TICKET_INCOMPLETE,
        ("nodes", finding.node_id, "end"),
        f"the call can end here with the ticket started but required ticket field{plural} {missing} empty"
        f"{_via(finding)}: set {'them' if plural else 'it'} on every path that starts the ticket",
    )
