"""Content rules about conditions (CF210, CF211): comparisons of the wrong
type, and `when:` or routes that can never hold where they stand."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from callflow.flow.conditions import Compare, Literal, Name, Value, comparisons
from callflow.flow.dates import calendar_day
from callflow.flow.diagnostics import Diagnostic
from callflow.flow.suggest import did_you_mean
from callflow.lint.context import LintContext
from callflow.lint.evaluation import (
    ORDERING,
    Opaque,
    comparable,
    kind_of_type,
    unique_names,
)
from callflow.lint.rule import ERROR, WARNING, Rule
from callflow.lint.sites import ConditionSite
from callflow.lint.symbols import Symbol
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


def type_problems(expr: object, ctx: LintContext) -> Iterator[tuple[int, int, str]]:
    """(offset, length, message) of each comparison that can never be true by types."""
    for compare in comparisons(expr):  # type: ignore[arg-type]
        right = compare.right
        pairs = [(compare.left, item, "==") for item in right] if isinstance(right, tuple) else [(compare.left, right, compare.op)]
        for left, other, op in pairs:
            yield from _pair(ctx, compare, left, other, op)


def _pair(
    ctx: LintContext, compare: Compare, left: Literal | Name, right: Literal | Name, op: str
) -> Iterator[tuple[int, int, str]]:
    symbols = ctx.symbols
    if isinstance(left, Literal) and isinstance(right, Name):
        left, right, op = right, left, _FLIPPED[op]
    if not isinstance(left, Name):
        return
    symbol = symbols.resolve(left.name)
    if symbol is None:
        return
    where = (left.offset, len(left.name))
    if isinstance(right, Name):
        other = symbols.resolve(right.name)
        if other is None:
            return
        a, b = Opaque(kind_of_type(symbol.type)), Opaque(kind_of_type(other.type))
        if not comparable(op, a, b):
            message = (
                f"'{left.name}' is {symbol.describe()} and '{right.name}' is {other.describe()}:"
                f" '{left.name} {op} {right.name}' is never true"
            )
            yield (*where, message)
        return
    problem = _literal_problem(symbol, op, right.value)
    if problem is not None:
        yield (*where, problem)


def _shown(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return str(value)
    return f"'{value}'"


def _literal_problem(symbol: Symbol, op: str, value: Value) -> str | None:
    name = symbol.name
    what = f"'{name}' is {symbol.describe()}"
    if symbol.type == "yesno":
        if isinstance(value, bool):
            if op in ORDERING:
                return f"{what} and yes/no has no order: '{name} {op} {_shown(value)}' is never true; use == or !="
            return None
        if isinstance(value, str):
            word = value.strip().casefold()
            hint = "yes" if word in _YES else "no" if word in _NO else None
            fix = f": write {name} == {hint} (or just {name} / not {name})" if hint else ": compare it with yes or no"
            return f"{what}, and '{value}' in quotes is text, so this is never true{fix}"
        return f"{what}: compare it with yes or no, not a number"
    if symbol.type in ("money", "number"):
        if isinstance(value, str):
            if comparable("==", Opaque("number"), value):
                return f"{what}: compare it with a number without quotes ({value.strip()})"
            return f"{what} and never equals the text '{value}': compare it with a number"
        if isinstance(value, bool):
            return f"{what}: compare it with a number, not yes/no"
        return None
    if symbol.type == "date":
        if isinstance(value, str):
            # Exactly as written: the engine compares the text, so ' 2026-12-01' sorts before every date.
            if calendar_day(value) is not None:
                return None
            return f"{what} and '{value}' is not a date, so this is {_outcome(op)}: write it YYYY-MM-DD, e.g. '2026-12-01'"
        return f"{what}: compare it with a date in quotes, e.g. '2026-12-01'"
    if symbol.type == "choice":
        keys = symbol.option_keys
        listed = ", ".join(f"'{k}'" for k in keys)
        if isinstance(value, bool):
            key = "yes" if value else "no"
            if key in keys:
                return f"{what} whose values are text: write '{key}' in quotes"
            return f"{what} whose values are {listed}: yes/no is never one of them"
        text = value if isinstance(value, str) else str(value)
        if text in keys or (isinstance(value, Decimal) and any(_same_number(k, value) for k in keys)):
            return None
        for option in symbol.options:
            if option.label.strip().casefold() == text.strip().casefold():
                return f"'{text}' is the label of an option of '{name}'; conditions compare values: write '{option.key}'"
        return f"'{text}' is not a value of '{name}' (its values: {listed}), so this is {_outcome(op)}{did_you_mean(text, keys)}"
    if isinstance(value, bool):
        return f"{what} and never equals yes/no: write '{'yes' if value else 'no'}' in quotes"
    return None


def _outcome(op: str) -> str:
    """What a comparison of one kind with a value the field never holds comes to."""
    return "always true once it is answered" if op == "!=" else "never true"


def _same_number(key: str, value: Decimal) -> bool:
    return comparable("==", key, Opaque("number")) and Decimal(key.strip()) == value


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
