"""Content rules about conditions (CF210, CF211): comparisons of the wrong
type, and `when:` or routes that can never hold where they stand."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.evaluate import Value
from callflow.flow.expressions import Expr
from callflow.lint.context import LintContext
from callflow.lint.evaluation import (
    unique_names,
)
from callflow.lint.rule import ERROR, WARNING, Rule
from callflow.lint.sites import ConditionSite
from callflow.lint.valuesets import VState

TYPE_MISMATCH = Rule("CF210", "type-mismatch", ERROR, "a comparison with a value of the wrong type, never true")
NEVER_TRUE = Rule("CF211", "never-true", WARNING, "a `when:` or route condition that can never hold where it stands")

RULES = (TYPE_MISMATCH, NEVER_TRUE)

_YES = {"yes", "y", "true", "on"}
_NO = {"no", "n", "false", "off"}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    mistyped: set[tuple[str, tuple[object, ...]]] = set()
    for site in ctx.condition_sites:
        for offset, length, message in type_problems(site.expr, ctx):
            mistyped.add((site.node_id, site.loc))
            yield ctx.report_in(TYPE_MISMATCH, site.loc, site.text, offset, length, message)
    yield from _never_true(ctx, mistyped)


def type_problems(expr: Expr, ctx: LintContext) -> Iterator[tuple[int, int, str]]:
    """(offset, length, message) of each type problem of an expression."""
    for problem in ctx.checker.infer(expr).problems:
        yield problem.offset, problem.length, problem.message


def _shown(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(value)
    return f"'{value}'"


def _never_true(ctx: LintContext, mistyped: set[tuple[str, tuple[object, ...]]]) -> Iterator[Diagnostic]:
    paths = ctx.paths
    for site in ctx.condition_sites:
        if (site.node_id, site.loc) in mistyped or site.node_id not in paths.node_in:
            continue
        if site.kind == "when":
            if paths.never_runs(site.node_id, site.position):
                cases = paths.cases_at(site.node_id, site.position)
                yield ctx.report(
                    NEVER_TRUE,
                    site.loc,
                    f"this condition never holds here, so the step never runs{_why(ctx, site, cases)}",
                    at_key=False,
                )
            continue
        if (site.node_id, site.position) in paths.feasible:
            continue
        cases = paths.cases_at(site.node_id, len(ctx.flow.nodes[site.node_id].steps))
        if paths.model.space(cases).outcomes(site.expr) <= {False}:
            message = f"this condition never holds here, so the route is never taken{_why(ctx, site, cases)}"
        else:
            message = "a route above always holds first, so this route is never taken"
        yield ctx.report(NEVER_TRUE, site.loc, message, at_key=False)


def _why(ctx: LintContext, site: ConditionSite, cases: list[VState]) -> str:
    model = ctx.paths.model
    said = []
    for name in unique_names(site.expr):
        possible: set[Value] = set()
        for case in cases:
            possible |= model.value_set(case, name) or set()
        if name not in model.tracked or not possible:
            continue
        if possible == {None}:
            said.append(f"'{name}' is not recorded on any path to here")
        else:
            shown = ", ".join(sorted("not recorded" if v is None else _shown(v) for v in possible))
            said.append(f"'{name}' can only be {shown} here")
    return f" ({'; '.join(said)})" if said else ""
