"""Path rules, read off the path analysis (callflow.lint.analysis): what a step
reads must be recorded on every path to it (CF207); payments follow an invoice
line (CF301); an end leaves no required ticket field empty once a ticket was
started (CF302); a line added after a payment is paid by a later one (CF303);
no amount paid, billed or credited can be below zero (CF304); a refund is
never more than the invoice owes (CF305); no divisor can be 0 (CF217); and
CF117 when the analysis would cost more than its budget."""

from __future__ import annotations

from collections.abc import Iterator

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.expressions import names
from callflow.flow.steps import AskStep, DoStep
from callflow.lint.analysis import diagram_budget
from callflow.lint.context import LintContext
from callflow.lint.findings import Finding
from callflow.lint.rule import ERROR, WARNING, Rule

NOT_YET_ASKED = Rule(
    "CF207", "not-yet-asked", ERROR, "a value read before it is asked on some path (it would show as a blank)"
)
DIVISION_BY_ZERO = Rule("CF217", "division-by-zero", WARNING, "a division whose divisor can be 0 where it stands")
PAYMENT_BEFORE_INVOICE = Rule(
    "CF301", "payment-before-invoice", ERROR, "on some path a payment is taken before any invoice line exists"
)
TICKET_INCOMPLETE = Rule(
    "CF302", "ticket-incomplete", ERROR, "on some path an end is reached with the ticket started but a required field empty"
)
ITEM_AFTER_PAYMENT = Rule(
    "CF303", "item-after-payment", WARNING, "on some path a line added after a payment reaches an end that no later payment takes"
)
NEGATIVE_AMOUNT = Rule(
    "CF304", "negative-amount", WARNING, "an amount paid, billed, credited or refunded, or a quantity, that can be below zero"
)
REFUND_BEYOND_DUE = Rule(
    "CF305", "refund-beyond-due", WARNING, "a refund lint cannot prove is at most what the invoice owes (refund_due)"
)

ANALYSIS_TOO_LARGE = Rule(
    "CF117", "analysis-too-large", ERROR, "conditions too entangled for the path analysis to judge in bounded time and memory"
)

RULES = (ANALYSIS_TOO_LARGE, NOT_YET_ASKED, DIVISION_BY_ZERO, PAYMENT_BEFORE_INVOICE, TICKET_INCOMPLETE, ITEM_AFTER_PAYMENT, NEGATIVE_AMOUNT, REFUND_BEYOND_DUE)

_EFFECTS = {
    "value": "it would have no value",
    "quantity": "the call would refuse the line",
    "price": "the line would be priced at 0",
    "duration": "the call would refuse the time line",
    "minimum": "no minimum would apply",
    "multiplier": "the call would refuse the time line",
    "rate": "the time would be billed at 0",
    "due": "the follow-up would have no due date",
}
_NEGATIVE = {
    "payment": "a negative payment would pay the customer",
    "refund": "the call refuses a negative refund",
    "credit": "a negative credit would charge the customer",
    "item": "a negative price takes money off the invoice (use a credit for that)",
    "time": "a negative rate takes money off the invoice",
    "past_due": "a negative balance would lower the total",
}


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    paths = ctx.paths
    if paths.too_large:
        yield ctx.report(
            ANALYSIS_TOO_LARGE,
            ("start",),
            f"the conditions of this flow tie its answers together in more ways than the path analysis may"
            f" follow ({diagram_budget(len(ctx.flow.nodes)):,} diagram nodes): what is asked before it is read,"
            " payments, tickets, amounts and conditions that never hold were not checked; split conditions that"
            " read many answers at once into steps (set: a value, then route on it)",
        )
        return
    asked = None
    for finding in paths.findings:
        if finding.kind in ("division", "negative", "refund"):
            if _well_typed(ctx, finding):
                yield _hazard(ctx, finding)
            continue
        if ctx.loaded.is_library:
            # Alone, a library has no caller: what is asked and invoiced before a
            # call is the flow's; each flow that uses it checks its paths exactly.
            continue
        if asked is None:
            asked = _asked_anywhere(ctx)
        yield _diagnostic(ctx, finding, asked)


def _asked_anywhere(ctx: LintContext) -> set[str]:
    names: set[str] = set()
    for node in ctx.flow.nodes.values():
        for step in node.steps:
            if isinstance(step, AskStep):
                names.add(step.ask)
            elif isinstance(step, DoStep) and step.confirm is not None:
                names.add(step.confirm)
        if node.choose is not None:
            names.add(node.choose.id)
    names.update(ctx.symbols.computed)
    return names


def _well_typed(ctx: LintContext, finding: Finding) -> bool:
    """Hazards are judged on expressions whose types are right (CF210 and CF201 say what is wrong)."""
    hazard = finding.hazard
    assert hazard is not None
    expr = ctx.expr(hazard.text)
    inference = ctx.checker.infer(expr)
    if inference.problems or any(ctx.symbols.resolve(n.name) is None for n in names(expr)):
        return False
    return finding.kind == "division" or inference.type.kind in ("money", "number", "duration")


def _via(ctx: LintContext, finding: Finding) -> str:
    return f" (on the way from node '{ctx.shown(finding.via)}')" if finding.via else ""


def _hazard(ctx: LintContext, finding: Finding) -> Diagnostic:
    hazard = finding.hazard
    assert hazard is not None
    if finding.kind == "division":
        message = (
            "the divisor can be 0 here, and a division by 0 has no value: the call would refuse the answer that"
            " leads here; give the field a min above 0, or divide only when it is not 0"
        )
        return ctx.report_in(DIVISION_BY_ZERO, hazard.loc, hazard.text, hazard.offset, hazard.length, message)
    if finding.kind == "negative":
        kind = hazard.loc[4] if len(hazard.loc) > 4 else "payment"
        what = hazard.what.replace("the past_due", "the past-due").replace("the credit amount", "the credit")
        what = what.replace("the payment amount", "the payment").replace("the refund amount", "the refund")
        effect = _NEGATIVE.get(str(kind), "a negative amount")
        if hazard.what.endswith("quantity"):
            what, effect = "the quantity", "the call refuses a negative quantity"
        message = f"{what} can be below zero here: {effect}; keep it at 0 or more (a field's min, or max(…, 0))"
        return ctx.report_in(NEGATIVE_AMOUNT, hazard.loc, hazard.text, hazard.offset, hazard.length, message)
    message = (
        "this refund can be more than the invoice owes the customer (refund_due), and the call would refuse it:"
        f" refund refund_due, or min({hazard.text}, refund_due), or add when: {hazard.text} <= refund_due"
    )
    return ctx.report_in(REFUND_BEYOND_DUE, hazard.loc, hazard.text, hazard.offset, hazard.length, message)


def _diagnostic(ctx: LintContext, finding: Finding, asked: set[str]) -> Diagnostic:
    base = ("nodes", finding.node_id, "steps", finding.step_index)
    if finding.kind == "unrecorded":
        return _unrecorded(ctx, finding, asked)
    if finding.kind == "payment_before_invoice":
        return ctx.report(
            PAYMENT_BEFORE_INVOICE,
            (*base, "payment"),
            f"a payment is taken here before any invoice line exists{_via(ctx, finding)}"
            ": add the item or the past-due balance before taking payment",
        )
    if finding.kind == "item_after_payment":
        step = ctx.flow.nodes[finding.node_id].steps[finding.step_index]
        assert finding.end is not None
        return ctx.report(
            ITEM_AFTER_PAYMENT,
            (*base, step.kind),
            f"this line is added after a payment, and the call can end at node '{ctx.shown(finding.end)}' with it"
            " unpaid: take a payment after it (a payment takes what is due so far), or add it before the payment",
        )
    specs = ctx.flow.ticket_fields
    missing = ", ".join(f"'{key}' ({specs[key].label})" if specs[key].label else f"'{key}'" for key in finding.missing)
    plural = "s" if len(finding.missing) > 1 else ""
    return ctx.report(
        TICKET_INCOMPLETE,
        ("nodes", finding.node_id, "end"),
        f"the call can end here with the ticket started but required ticket field{plural} {missing} empty"
        f"{_via(ctx, finding)}: set {'them' if plural else 'it'} on every path that starts the ticket",
    )


def _unrecorded(ctx: LintContext, finding: Finding, asked: set[str]) -> Diagnostic:
    read = finding.read
    assert read is not None
    name = read.name
    computed = name in ctx.symbols.computed
    verb = "computed" if computed else "asked"
    if finding.later_step is not None:
        line = ctx.loaded.where(("nodes", finding.node_id, "steps", finding.later_step))[1]
        why = f"it is asked only later in this node (line {line}): ask it before this step"
    elif name not in asked:
        why = f"no node asks it: add '- ask: {name}' on the way here"
    elif finding.via:
        why = f"it is not {verb} yet on the way from node '{ctx.shown(finding.via)}'; {'compute' if computed else 'ask'} it on every path to here"
    else:
        why = f"it is not {verb} on every path to here; {'compute' if computed else 'ask'} it on every path"
    if read.how == "placeholder":
        assert read.text is not None and read.placeholder is not None
        message = f"{{{name}}} would show as a blank: {why}"
        end = read.text.find("}", read.placeholder.offset)
        length = (end + 1 if end >= 0 else len(read.text)) - read.placeholder.offset
        return ctx.report_in(NOT_YET_ASKED, read.loc, read.text, read.placeholder.offset, length, message)
    if read.how == "past_due":
        effect = "the past-due balance would be left out"
        return ctx.report(NOT_YET_ASKED, read.loc, f"'{name}' may not be recorded here ({effect}): {why}", at_key=False)
    effect = f"the {read.step} would be 0" if read.how == "amount" else _EFFECTS.get(read.how, "it would have no value")
    assert read.text is not None
    message = f"'{name}' may not be recorded here ({effect}): {why}"
    return ctx.report_in(NOT_YET_ASKED, read.loc, read.text, read.offset, len(name), message)
