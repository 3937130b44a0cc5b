"""Sub-procedures seen through: a flow with `- call:` steps expanded into one
flat graph that the engine walks and lint, paths, coverage and walks read.

A node whose steps call a procedure is cut at the call: its first part goes
on to the procedure's start, and the procedure's `return: true` nodes go on
to the rest of the node (its continuation, `X#2`), which keeps the node's way
on. Each call site gets its own copy of the procedure's nodes, named
`<caller>/<procedure>/<node>`, so what a path carries into a procedure comes
back to the same caller: the analysis is exact, not an average over callers.

Every expanded node keeps its `Origin`: the file and key path it was written
at, so a problem found in a copy is reported where the author wrote it.
`shown(node_id)` is the id a person reads: `D-2-8`, `payment/P-1`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from callflow.flow.model import AtMost, ElseRoute, Flow, IfRoute, Node, Procedure
from callflow.flow.steps import CallStep

# Expanding calls inside calls multiplies nodes: beyond this the flow is refused by lint.
MAX_EXPANDED_NODES = 200_000
PART = "#"
LEVEL = "/"


@dataclass(frozen=True)
class Origin:
    """Where an expanded node was written."""

    path: str | None  # the file (None: the flow's own)
    prefix: tuple[Any, ...]  # the node's key path in that file
    step_offset: int = 0  # this part's first step is step `step_offset` of the written node
    procedure: str | None = None
    site: str | None = None  # the expanded id of the node that called the procedure

    def locate(self, rest: tuple[Any, ...]) -> tuple[Any, ...]:
        """The key path in the written file of `rest` below this expanded node."""
        if len(rest) >= 2 and rest[0] == "steps" and isinstance(rest[1], int):
            return (*self.prefix, "steps", rest[1] + self.step_offset, *rest[2:])
        return (*self.prefix, *rest)


@dataclass(frozen=True)
class SourceProcedure:
    """A procedure and the file it comes from (None: the flow's own file)."""

    procedure: Procedure
    path: str | None


@dataclass
class Expansion:
    """The flat flow and where each of its nodes was written."""

    flow: Flow
    origins: dict[str, Origin]
    skipped_calls: list[tuple[str, int, str]] = field(default_factory=list)  # (node, step, why)
    truncated: bool = False


@dataclass(frozen=True)
class Scope:
    """The node ids a node can go to: its procedure's (a target outside it is
    kept dangling, for lint to report), or the flow's own."""

    names: dict[str, str]
    level: str | None

    def to(self, target: str) -> str:
        found = self.names.get(target)
        if found is not None:
            return found
        return target if self.level is None else f"{self.level}{LEVEL}{target}"


def shown(node_id: str) -> str:
    """The id a person reads: `D-2-8` for `D-2-8#2`, `pay/P-1` for `D-2-8/pay/P-1`."""
    parts = node_id.split(LEVEL)
    last = parts[-2:] if len(parts) >= 3 else parts[-1:]
    return LEVEL.join(p.split(PART)[0] for p in last)


def is_part_of(node_id: str, previous: str) -> bool:
    """Whether `node_id` is the next part of the node `previous` is a part of
    (`X#2` after `X`, `X#3` after `X#2`): what follows a call that did not run."""
    base, sep, number = node_id.rpartition(PART)
    if not sep or not number.isdigit():
        return False
    head, sep, part = previous.rpartition(PART)
    return previous == base or (bool(sep) and part.isdigit() and head == base)


def calling_node(node_id: str) -> str | None:
    """The expanded node that called a procedure node: `D-2-8` for `D-2-8/pay/P-1`."""
    parts = node_id.split(LEVEL)
    return LEVEL.join(parts[:-2]) if len(parts) >= 3 else None


def call_site(node_id: str) -> str | None:
    """The caller of a procedure node, as a person reads it: `D-2-8` for `D-2-8/pay/P-1`."""
    caller = calling_node(node_id)
    return shown(caller) if caller is not None else None


def has_calls(flow: Flow) -> bool:
    return any(isinstance(step, CallStep) for node in flow.nodes.values() for step in node.steps)


def expand(flow: Flow, procedures: dict[str, SourceProcedure] | None = None) -> Expansion:
    """The flow with every call expanded. `procedures` are those the flow can
    call (its own and its libraries'); unknown or recursive calls are left
    out (lint reports them)."""
    known = procedures if procedures is not None else {
        name: SourceProcedure(p, None) for name, p in flow.procedures.items()
    }
    if expanded_size(flow, known) > MAX_EXPANDED_NODES:
        # Refused before building: lint says so (CF115), and the calls are left out.
        flat = dataclasses.replace(flow, procedures={})
        return Expansion(flat, {}, [], True)
    builder = _Builder(known)
    for node_id, node in flow.nodes.items():
        builder.node(node_id, node, Origin(None, ("nodes", node_id)), Scope({}, None), None, ())
    flat = dataclasses.replace(flow, nodes=builder.nodes, procedures={})
    return Expansion(flat, builder.origins, builder.skipped, builder.truncated)


def expanded_size(flow: Flow, procedures: dict[str, SourceProcedure]) -> int:
    """How many nodes the expansion would make, counted without making them."""
    sizes: dict[str, int] = {}
    busy: set[str] = set()

    def size_of_steps(nodes: dict[str, Node]) -> int:
        total = 0
        for node in nodes.values():
            total += 1
            for step in node.steps:
                if isinstance(step, CallStep) and step.call in procedures and step.call not in busy:
                    total += 1 + size(step.call)  # the continuation and the copy
                    if total > MAX_EXPANDED_NODES:
                        return total
        return total

    def size(name: str) -> int:
        if name not in sizes:
            busy.add(name)
            sizes[name] = size_of_steps(procedures[name].procedure.nodes)
            busy.discard(name)
        return sizes[name]

    return size_of_steps(flow.nodes)


class _Builder:
    def __init__(self, procedures: dict[str, SourceProcedure]) -> None:
        self.procedures = procedures
        self.nodes: dict[str, Node] = {}
        self.origins: dict[str, Origin] = {}
        self.skipped: list[tuple[str, int, str]] = []
        self.truncated = False

    def node(
        self,
        eid: str,
        node: Node,
        origin: Origin,
        names: Scope,
        returns_to: str | None,
        stack: tuple[str, ...],
    ) -> None:
        """Add node `eid` (and the copies of what it calls). `names` maps the
        written ids of the node's own scope to expanded ids; `returns_to` is
        where a `return: true` goes."""
        steps = list(node.steps)
        part = 1
        start = 0
        current_id = eid
        current_origin = origin
        while True:
            call_at = next(
                (i for i in range(start, len(steps)) if self._callable(steps[i], current_id, i, origin, stack)),
                None,
            )
            if call_at is None:
                break
            call = steps[call_at]
            assert isinstance(call, CallStep)
            part += 1
            continuation = f"{eid}{PART}{part}"
            site = current_id
            callee = self.procedures[call.call]
            entry = self._procedure(site, call.call, callee, continuation, (*stack, call.call))
            way: dict[str, Any] = {"next": entry}
            if call.when is not None:
                way = {"routes": [IfRoute(if_=call.when, goto=entry), ElseRoute(else_=continuation)]}
            head = Node(
                section=node.section,
                title=node.title,
                role=node.role,
                steps=[s for s in steps[start:call_at] if not isinstance(s, CallStep)],
                at_most=_limit(node.at_most, names) if part == 2 else None,
                expected_time=node.expected_time,  # the node's parts are one step to the director
                **way,
            )
            self._add(current_id, head, current_origin)
            start = call_at + 1
            current_id = continuation
            current_origin = dataclasses.replace(origin, step_offset=origin.step_offset + start)
        rest = [s for s in steps[start:] if not isinstance(s, CallStep)]
        tail = _retarget(node, rest, names, returns_to, keep_limit=part == 1)
        self._add(current_id, tail, current_origin)

    def _callable(self, step: object, eid: str, index: int, origin: Origin, stack: tuple[str, ...]) -> bool:
        """Whether `step` is a call this expansion follows."""
        if not isinstance(step, CallStep):
            return False
        if step.call not in self.procedures:
            self.skipped.append((eid, index + origin.step_offset, f"there is no procedure '{step.call}'"))
            return False
        if self.procedures[step.call].procedure.start not in self.procedures[step.call].procedure.nodes:
            self.skipped.append((eid, index + origin.step_offset, f"procedure '{step.call}' starts at no node of its own"))
            return False
        if step.call in stack:
            self.skipped.append((eid, index + origin.step_offset, f"procedure '{step.call}' calls itself"))
            return False
        if len(self.nodes) >= MAX_EXPANDED_NODES:
            self.truncated = True
            return False
        return True

    def _procedure(self, site: str, name: str, source: SourceProcedure, returns_to: str, stack: tuple[str, ...]) -> str:
        """Copy a procedure for one call site; the expanded id of its start."""
        procedure = source.procedure
        level = f"{site}{LEVEL}{name}"
        names = Scope({node_id: f"{level}{LEVEL}{node_id}" for node_id in procedure.nodes}, level)
        for node_id, node in procedure.nodes.items():
            origin = Origin(source.path, ("procedures", name, "nodes", node_id), 0, name, site)
            if procedure.role is not None and node.role is None:
                node = dataclasses.replace(node, role=procedure.role)
            self.node(names.to(node_id), node, origin, names, returns_to, stack)
        return names.to(procedure.start)

    def _add(self, eid: str, node: Node, origin: Origin) -> None:
        self.nodes[eid] = node
        self.origins[eid] = origin


def _retarget(node: Node, steps: list[Any], names: Scope, returns_to: str | None, *, keep_limit: bool) -> Node:
    """The node with its targets named in the expanded flow, and `return`
    turned into a `next` to the caller's continuation."""
    to = names.to

    changes: dict[str, Any] = {"steps": steps}
    if node.next is not None:
        changes["next"] = to(node.next)
    if node.choose is not None:
        options = [dataclasses.replace(o, goto=to(o.goto)) for o in node.choose.options]
        changes["choose"] = dataclasses.replace(node.choose, options=options)
    if node.routes is not None:
        changes["routes"] = [
            dataclasses.replace(r, goto=to(r.goto)) if isinstance(r, IfRoute) else dataclasses.replace(r, else_=to(r.else_))
            for r in node.routes
        ]
    if node.return_ and returns_to is not None:
        changes["return_"] = None
        changes["next"] = returns_to
    changes["at_most"] = _limit(node.at_most, names) if keep_limit else None
    return dataclasses.replace(node, **changes)


def _limit(limit: AtMost | None, names: Scope) -> AtMost | None:
    return None if limit is None else dataclasses.replace(limit, then=names.to(limit.then))


def written_nodes(flow: Flow, procedures: dict[str, SourceProcedure]) -> Iterator[tuple[str | None, str, Node, str | None]]:
    """(procedure, node id, node, file) of every node as written, the flow's first."""
    for node_id, node in flow.nodes.items():
        yield None, node_id, node, None
    for name, source in procedures.items():
        for node_id, node in source.procedure.nodes.items():
            yield name, node_id, node, source.path

