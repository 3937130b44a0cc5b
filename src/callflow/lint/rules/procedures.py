"""Procedure rules (CF110-CF115, CF216): every `call:` names a procedure, no
procedure calls itself, `return: true` only ends a procedure, a procedure
starts at one of its own nodes, and the expansion of calls stays within
bounds; a procedure nothing calls is a warning.

The other rules see through calls: they check the flat flow, where each call
site has its own copy of the procedure (callflow.flow.procedures), and report
what they find where it was written.
"""

from __future__ import annotations

from collections.abc import Iterator

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.procedures import MAX_EXPANDED_NODES, written_nodes
from callflow.flow.steps import CallStep
from callflow.flow.suggest import did_you_mean
from callflow.lint.context import LintContext
from callflow.lint.rule import ERROR, WARNING, Rule

UNKNOWN_PROCEDURE = Rule("CF110", "unknown-procedure", ERROR, "`call:` names a procedure that is not defined")
RECURSIVE_CALL = Rule("CF111", "recursive-call", ERROR, "a procedure calls itself, directly or through others")
RETURN_OUTSIDE = Rule("CF112", "return-outside-procedure", ERROR, "`return: true` on a node that is not in a procedure")
PROCEDURE_START = Rule("CF113", "missing-procedure-start", ERROR, "a procedure's `start` is not one of its nodes")
TOO_MANY_CALLS = Rule(
    "CF115", "expansion-too-large", ERROR, f"calls inside calls make more than {MAX_EXPANDED_NODES:,} nodes"
)
UNUSED_PROCEDURE = Rule("CF216", "unused-procedure", WARNING, "a procedure no node calls")

RULES = (UNKNOWN_PROCEDURE, RECURSIVE_CALL, RETURN_OUTSIDE, PROCEDURE_START, TOO_MANY_CALLS, UNUSED_PROCEDURE)


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    loaded = ctx.loaded
    procedures = loaded.procedures
    written = ctx.written
    calls: dict[str | None, set[str]] = {}
    for procedure, node_id, node, path in written_nodes(written, procedures):
        base = (*(("procedures", procedure) if procedure else ()), "nodes", node_id)
        if node.return_ and procedure is None:
            yield ctx.report_written(
                RETURN_OUTSIDE,
                path,
                (*base, "return"),
                "'return: true' goes back to the step after a call, but this node is not in a procedure:"
                " end the call here with 'end: <outcome>', or go on with 'next:'",
            )
        for i, step in enumerate(node.steps):
            if not isinstance(step, CallStep):
                continue
            calls.setdefault(procedure, set()).add(step.call)
            if step.call not in procedures:
                yield ctx.report_written(
                    UNKNOWN_PROCEDURE,
                    path,
                    (*base, "steps", i, "call"),
                    f"there is no procedure '{step.call}'{did_you_mean(step.call, procedures)}"
                    + ("" if procedures else ": define it under 'procedures:' or in a library named in 'uses:'"),
                    at_key=False,
                )
    for name, source in procedures.items():
        if source.procedure.start not in source.procedure.nodes:
            start = source.procedure.start
            yield ctx.report_written(
                PROCEDURE_START,
                source.path,
                ("procedures", name, "start"),
                f"the start node '{start}' is not a node of procedure '{name}'{did_you_mean(start, source.procedure.nodes)}",
                at_key=False,
            )
    yield from _recursion(ctx, calls)
    called = set().union(*calls.values()) if calls else set()
    if not loaded.is_library:
        for name, source in procedures.items():
            if name not in called and source.path is None:
                yield ctx.report_written(
                    UNUSED_PROCEDURE, None, ("procedures", name), f"procedure '{name}' is never called: call it with '- call: {name}' or remove it"
                )
    if loaded.too_large:
        yield ctx.report_written(
            TOO_MANY_CALLS,
            None,
            ("nodes",),
            f"expanding the calls gives more than {MAX_EXPANDED_NODES:,} nodes: call procedures from fewer places,"
            " or fewer procedures from inside procedures",
        )


def _recursion(ctx: LintContext, calls: dict[str | None, set[str]]) -> Iterator[Diagnostic]:
    """Each procedure that can reach itself through calls, reported at its first such call."""
    procedures = ctx.loaded.procedures
    for name, source in procedures.items():
        trail = _cycle(name, calls)
        if trail is None:
            continue
        for node_id, node in source.procedure.nodes.items():
            for i, step in enumerate(node.steps):
                if isinstance(step, CallStep) and step.call == trail[1]:
                    shown = " → ".join(trail)
                    yield ctx.report_written(
                        RECURSIVE_CALL,
                        source.path,
                        ("procedures", name, "nodes", node_id, "steps", i, "call"),
                        f"procedure '{name}' calls itself ({shown}): a procedure cannot call itself; loop with a route back to an earlier node instead",
                        at_key=False,
                    )
                    break
            else:
                continue
            break


def _cycle(start: str, calls: dict[str | None, set[str]]) -> list[str] | None:
    """A chain of calls from `start` back to it, or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        name, trail = stack.pop()
        for callee in sorted(calls.get(name, ())):
            if callee == start:
                return [*trail, callee]
            if callee not in seen:
                seen.add(callee)
                stack.append((callee, [*trail, callee]))
    return None
