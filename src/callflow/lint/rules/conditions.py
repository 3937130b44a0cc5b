"""Content rules about conditions and the types of expressions (CF210, CF211):
values of the wrong type anywhere an expression stands, and `when:` or routes
that can never hold where they stand (read off the path analysis)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.expressions import names, span
from callflow.flow.types import Type
from callflow.lint.analysis import PathAnalysis
from callflow.lint.bdd import FALSE
from callflow.lint.context import LintContext
from callflow.lint.encoding import Var
from callflow.lint.outcomes import NONE, Exact, Num
from callflow.lint.rule import ERROR, WARNING, Rule
from callflow.lint.rules.names import NOT_AN_AMOUNT
from callflow.lint.sites import ConditionSite, ExpressionSite
from callflow.lint.states import State

TYPE_MISMATCH = Rule(
    "CF210", "type-mismatch", ERROR, "an expression whose types do not fit: a comparison never true, arithmetic on the wrong kinds, a value of the wrong kind for its step"
)
NEVER_TRUE = Rule("CF211", "never-true", WARNING, "a `when:` or route condition that can never hold where it stands")
RULES = (TYPE_MISMATCH, NEVER_TRUE)

_WHAT = {
    "quantity": "the quantity",
    "price": "the price",
    "amount": "the amount",
    "duration": "the duration",
    "minimum": "the minimum",
    "multiplier": "the multiplier",
    "rate": "the rate",
    "due": "the due date",
}


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    mistyped: set[tuple[object, ...]] = set()
    for site in ctx.condition_sites:
        for problem in ctx.checker.infer(site.expr).problems:
            mistyped.add(site.loc)
            yield ctx.report_in(TYPE_MISMATCH, site.loc, site.text, problem.offset, problem.length, problem.message)
    for esite in ctx.expression_sites:
        yield from _expression(ctx, esite)
    yield from _computed(ctx)
    yield from _date_bounds(ctx)
    yield from _never_true(ctx, mistyped)


def _expression(ctx: LintContext, site: ExpressionSite) -> Iterator[Diagnostic]:
    expr = ctx.expr(site.text)
    step = site.loc[4]
    what = f"the {step}" if step in ("payment", "refund") else _WHAT.get(site.role, "the value")
    expected = "number" if site.expects == "whole" else site.expects
    inference = ctx.checker.check(expr, expected, what) if expected else ctx.checker.infer(expr)
    for problem in inference.problems:
        rule = NOT_AN_AMOUNT if problem.expected and step in ("payment", "refund") else TYPE_MISMATCH
        yield ctx.report_in(rule, site.loc, site.text, problem.offset, problem.length, problem.message)
    got = inference.type
    if site.expects == "whole" and not inference.problems and got.kind == "number" and not got.whole:
        offset, length = span(expr)
        message = f"{what} must be a whole number, and this can have a fraction: round it, e.g. round({site.text})"
        yield ctx.report_in(TYPE_MISMATCH, site.loc, site.text, offset, length, message)


def _computed(ctx: LintContext) -> Iterator[Diagnostic]:
    """A computed value set to two kinds of value."""
    ctx.checker  # noqa: B018 - settles the computed types, and where each is set
    for name, places in ctx.computed_sites.items():
        first: tuple[str, int, Type] | None = None
        for node_id, i, _text, kind in places:
            if kind.kind == "any":
                continue
            if first is None:
                first = (node_id, i, kind)
                continue
            if kind.kind != first[2].kind:
                line = ctx.loaded.where(("nodes", first[0], "steps", first[1], "set", name), at_key=False)[1]
                yield ctx.report(
                    TYPE_MISMATCH,
                    ("nodes", node_id, "steps", i, "set", name),
                    f"'{name}' is set to {kind} here but to {first[2]} at line {line}: a computed value holds one kind"
                    " of value; give the other a name of its own",
                )


def _date_bounds(ctx: LintContext) -> Iterator[Diagnostic]:
    for field_id, spec in ctx.written.fields.items():
        low, high = spec.date_bounds()
        if low is None or high is None:
            continue
        if (low.fixed is None) != (high.fixed is None):
            continue
        early = low.fixed > high.fixed if low.fixed and high.fixed else (low.days_from_today or 0) > (high.days_from_today or 0)
        if early:
            yield ctx.report(
                TYPE_MISMATCH,
                ("fields", field_id, "min"),
                f"field '{field_id}' has its min ({spec.min}) after its max ({spec.max}): no date can be answered",
                at_key=False,
            )


# -- never true ---------------------------------------------------------------------------


def _never_true(ctx: LintContext, mistyped: set[tuple[object, ...]]) -> Iterator[Diagnostic]:
    paths = ctx.paths
    seen = paths
    for site in ctx.condition_sites:
        if site.loc in mistyped or site.node_id not in paths.node_in:
            continue
        if site.kind == "when":
            if seen.when_runs.get((site.node_id, site.position)) is False:
                state = paths.before_step(site.node_id, site.position)
                yield ctx.report(
                    NEVER_TRUE,
                    site.loc,
                    f"this condition never holds here, so the step never runs{_why(ctx, site, state)}",
                    at_key=False,
                )
            continue
        if (site.node_id, site.position) in seen.routes_taken:
            continue
        holding = seen.routes_holding.get((site.node_id, site.position))
        if holding is None:
            continue
        if not holding:
            state = paths.after[site.node_id]
            taken = "the procedure is never called" if site.kind == "call" else "the route is never taken"
            message = f"this condition never holds here, so {taken}{_why(ctx, site, state)}"
        elif site.kind == "call":
            continue
        else:
            message = "a route above always holds first, so this route is never taken"
        yield ctx.report(NEVER_TRUE, site.loc, message, at_key=False)


def _why(ctx: LintContext, site: ConditionSite, state: State) -> str:
    paths = ctx.paths
    truth = paths.tables.truth(site.expr)
    said: list[str] = []
    with paths.in_deep():
        for name in dict.fromkeys(n.name for n in names(site.expr)):
            var = paths.enc.vars.get(name)
            if var is None:
                continue
            shown = _possible(paths, var, state)
            if shown:
                said.append(f"'{name}' {shown}")
    if not said and truth == FALSE:
        read = list(dict.fromkeys(n.name for n in names(site.expr)))
        domains = [d for d in (_domain(ctx, n) for n in read) if d]
        if domains:
            said = [f"no answer can make it true: {'; '.join(domains)}"]
        elif any(paths.enc.vars.get(n) is not None for n in read):
            said = ["no answer can make it true: its parts contradict each other"]
    if not said:
        said = [d for d in (_domain(ctx, n.name) for n in names(site.expr)) if d and "date" in d]
    return f" ({'; '.join(said)})" if said else ""


def _possible(paths: PathAnalysis, var: Var, state: State) -> str | None:
    """How a variable is narrowed here, in words (None: not narrowed)."""
    states, bdd = paths.states, paths.bdd
    unrecorded = var.recorded is not None and states.meets(state, bdd.literal(var.recorded, False))
    recorded = state if var.recorded is None else states.conj(state, bdd.literal(var.recorded))
    possible = [i for i in range(len(var.values)) if recorded[2] != FALSE and states.meets(recorded, var.is_(bdd, [i]))]
    if not possible and unrecorded:
        return "is not recorded on any path to here"
    values = [var.values[i] for i in possible]
    if len(possible) == len(var.values):
        return None
    if all(isinstance(v, Num) for v in values) and values:
        lows = [v.interval.lo for v in values if isinstance(v, Num)]
        highs = [v.interval.hi for v in values if isinstance(v, Num)]
        low, high = min(lows), max(highs)
        words = _range(low, high)
        return f"can only be {words} here" + (" or not recorded" if unrecorded else "")
    shown = sorted(_shown(v) for v in values)
    if unrecorded:
        shown.append("not recorded")
    return f"can only be {', '.join(sorted(shown))} here"


def _range(low: Decimal, high: Decimal) -> str:
    if low == high:
        return _number(low)
    if not low.is_finite():
        return f"at most {_number(high)}"
    if not high.is_finite():
        return f"at least {_number(low)}"
    return f"from {_number(low)} to {_number(high)}"


def _number(x: Decimal) -> str:
    return f"{x.normalize():f}" if x != x.to_integral_value() else f"{x.to_integral_value():f}"


def _shown(value: object) -> str:
    if isinstance(value, Exact):
        if isinstance(value.value, bool):
            return "yes" if value.value else "no"
        return f"'{value.value}'"
    if value == NONE:
        return "empty"
    return "other text"


def _domain(ctx: LintContext, name: str) -> str | None:
    """What a field can hold, in words: 'bottles' is a whole number from 0 to 6."""
    spec = ctx.flow.fields.get(name)
    if spec is not None and spec.type == "date" and (spec.min is not None or spec.max is not None):
        if spec.max is None:
            return f"'{name}' is a date, {spec.min} or later"
        if spec.min is None:
            return f"'{name}' is a date, {spec.max} or earlier"
        return f"'{name}' is a date from {spec.min} to {spec.max}"
    if spec is None or spec.type not in ("number", "money", "duration"):
        return None
    low, high = spec.bounds()
    low = low if low is not None else Decimal(0)
    if spec.type == "number":
        what = "a whole number" if spec.whole else f"a number with at most {spec.decimals} decimals"
    else:
        what = "an amount" if spec.type == "money" else "a duration in minutes"
    words = f"{_number(low)} or more" if high is None else f"from {_number(low)} to {_number(high)}"
    return f"'{name}' is {what}, {words}"
