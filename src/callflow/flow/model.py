"""The flow format as data: frozen dataclasses and their invariants, no I/O.

A flow is a decision graph of nodes keyed by id (`D-2-4`). Each node lists
its steps (callflow.flow.steps) in the order the director performs them and
has one way on: `next`,
a `choose` question whose options name the next node, conditional `routes`,
or `end` with an outcome. docs/flow-format.md describes every key.

The classes are plain dataclasses, not pydantic models, so that importing
them (to walk a flow, or to read a cached one) does not import pydantic. The
loader validates files into them with pydantic; the constraints ride along in
`Annotated[...]` markers from callflow.flow.constraints.

Graph-level checks (targets exist, every node reachable, names resolve) are
lint rules, so that an author sees all of them at once with their codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from callflow.flow.constraints import AtLeast, Check, Doc, MinItems, OneOf, TextRule
from callflow.flow.durations import expected_seconds
from callflow.flow.fields import Constant, InputField, option_default
from callflow.flow.scalars import (
    BUILTIN_NAMES,
    MAX_NAME,
    NODE_ID_PATTERN,
    STRICT,
    Condition,
    Identifier,
    ItemCode,
    NodeId,
    Price,
    Text,
)
from callflow.flow.steps import Step

FORMAT_VERSION = 1

@dataclass(frozen=True)
class CatalogItem:
    """A priced item that invoice lines refer to by code."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    name: Annotated[Text, Doc("Name as the ticketing system shows it.")]
    price: Price
    description: str | None = None


@dataclass(frozen=True)
class TicketFieldSpec:
    """A field of the ticket the director fills in the ticketing system."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    label: Annotated[Text | None, Doc("Shown in the summary; defaults to the key.")] = None
    required: Annotated[
        bool, Doc("An end reached with the ticket started but this field empty is a problem.")
    ] = False
    help: str | None = None


@dataclass(frozen=True)
class RouteOption:
    """One answer of the node's deciding question, and where it leads."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    label: Annotated[Text, Doc("What the director sees.")]
    goto: Annotated[NodeId, Doc("The node this answer leads to.")]
    value: Annotated[Text | None, Doc("What is recorded (defaults to the label).")] = None

    @property
    def key(self) -> str:
        return self.value if self.value is not None else self.label


@dataclass(frozen=True)
class Choose:
    """The node's deciding question: each option names the next node."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    id: Annotated[Identifier, Doc("Unique in the flow; answers files and conditions use it.")]
    prompt: Text
    options: Annotated[list[RouteOption], MinItems(1)]
    help: str | None = None
    default: Annotated[
        Text | None,
        Doc("The option the list opens on (its value or label), e.g. the common answer; the director still confirms it."),
    ] = None

    def __post_init__(self) -> None:
        if self.default is not None:
            option_default(self.options, self.default)

    @property
    def default_key(self) -> str | None:
        """The value of the option the list opens on, if the flow names one."""
        return None if self.default is None else option_default(self.options, self.default)


# -- routes: `- if: condition / goto: node`, then `- else: node` -----------------
# `if` and `else` are Python keywords: the fields are `if_` and `else_`, and the
# loader renames the keys (see loader.ALIASES).


@dataclass(frozen=True)
class IfRoute:
    """Go to `goto` when the condition holds."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    if_: Condition
    goto: NodeId


@dataclass(frozen=True)
class ElseRoute:
    """Where to go when no condition above holds."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    else_: Annotated[NodeId, Doc("Where to go when no condition above holds.")]


def _route_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        if "if" in value or "if_" in value:
            return "if"
        if "else" in value or "else_" in value:
            return "else"
        return None
    return "if" if isinstance(value, IfRoute) else "else" if isinstance(value, ElseRoute) else None


Route = Annotated[
    Annotated[IfRoute, "if"] | Annotated[ElseRoute, "else"],
    OneOf(_route_kind, "route_kind", "a route is {if: condition, goto: node} or {else: node}"),
]


@dataclass(frozen=True)
class AtMost:
    """At most `times` visits; the next one goes to `then` instead."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    times: Annotated[int, AtLeast(1), Doc("How many times the node may be entered in one call.")]
    then: Annotated[NodeId, Doc("Where the call goes instead once the node was entered that many times.")]


def _expected_time(text: str) -> str:
    expected_seconds(text)  # a ValueError says how to write it
    return text


# The ways on of a node, as fields; `return` is a Python keyword (see loader).
WAYS_ON = ("next", "choose", "routes", "end", "return_")
KEY_OF_WAY = {"return_": "return"}


@dataclass(frozen=True)
class Node:
    """One step of the script, keyed by its id in `nodes`."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    section: Annotated[Text | None, Doc("Part of the script, e.g. Pay As You Go Member.")] = None
    title: Annotated[Text | None, Doc("What this step is, e.g. Remote Support?")] = None
    role: Annotated[Text | None, Doc("Who performs it; defaults to the flow's role.")] = None
    steps: list[Step] = field(default_factory=list)
    next: Annotated[NodeId | None, Doc("The node that always comes next.")] = None
    choose: Choose | None = None
    routes: Annotated[list[Route] | None, Doc("Checked in order; the first that holds is taken.")] = None
    end: Annotated[Text | None, Doc("The call ends here with this outcome, e.g. transferred.")] = None
    return_: Annotated[
        bool | None, Doc("In a procedure: go back to the step after the one that called it.")
    ] = None
    at_most: Annotated[
        AtMost | None, Doc("Enter this node at most so many times in a call; the next time go elsewhere.")
    ] = None
    expected_time: Annotated[
        Text | None,
        Check(_expected_time),
        Doc("How long this step usually takes, e.g. 2 min or 45 s; past it the status line says so."),
    ] = None

    @property
    def expected_seconds(self) -> int | None:
        return None if self.expected_time is None else expected_seconds(self.expected_time)

    def __post_init__(self) -> None:
        ways = [KEY_OF_WAY.get(k, k) for k in WAYS_ON if getattr(self, k) not in (None, False)]
        if len(ways) > 1:
            raise ValueError(f"a node has one way on, but this one has {' and '.join(ways)}: keep one")
        if self.return_ is False:
            raise ValueError("'return: false' says nothing: leave it out, or write 'return: true'")

    @property
    def way_on(self) -> str | None:
        for key in WAYS_ON:
            if getattr(self, key) not in (None, False):
                return key
        return None


@dataclass(frozen=True)
class Procedure:
    """Steps used from several places: nodes of their own, called with
    `- call: <name>` and returning with `return: true`."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    start: Annotated[NodeId, Doc("The first node of the procedure.")]
    nodes: Annotated[dict[NodeId, Node], MinItems(1)]
    title: Annotated[Text | None, Doc("What the procedure does, e.g. Take payment.")] = None
    description: str | None = None
    role: Annotated[Text | None, Doc("Who performs the nodes that name no role.")] = None


def _known_version(value: int) -> int:
    if value != FORMAT_VERSION:
        raise ValueError(f"this callflow reads format version {FORMAT_VERSION}, not {value}")
    return value


def _not_builtin(names: dict[str, Any]) -> dict[str, Any]:
    taken = sorted(set(names) & BUILTIN_NAMES)
    if taken:
        raise ValueError(f"'{taken[0]}' is a built-in name ({', '.join(sorted(BUILTIN_NAMES))}): rename it")
    return names


@dataclass(frozen=True)
class Flow:
    """A whole call script."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    id: Annotated[str, TextRule(pattern=NODE_ID_PATTERN, max_length=MAX_NAME), Doc("Short name of the flow.")]
    title: Text
    start: Annotated[NodeId, Doc("The first node.")]
    nodes: Annotated[dict[NodeId, Node], MinItems(1)]
    callflow: Annotated[int, Check(_known_version), Doc("Version of the flow format; 1.")] = FORMAT_VERSION
    description: str | None = None
    currency: Annotated[str, TextRule(pattern=r"^[A-Z]{3}$"), Doc("Currency code, e.g. USD.")] = "USD"
    role: Annotated[Text | None, Doc("Who performs the nodes that name no role.")] = None
    constants: Annotated[
        dict[Identifier, Constant],
        Check(_not_builtin),
        Doc("Fixed words such as company and phone, or typed values such as {money: 95.00}."),
    ] = field(default_factory=dict)
    catalog: dict[ItemCode, CatalogItem] = field(default_factory=dict)
    ticket_fields: dict[Identifier, TicketFieldSpec] = field(default_factory=dict)
    fields: Annotated[
        dict[Identifier, InputField],
        Check(_not_builtin),
        Doc("Every value the script records, by id; nodes ask them with `- ask: <id>`."),
    ] = field(default_factory=dict)
    procedures: Annotated[
        dict[Identifier, Procedure], Doc("Sub-procedures used from several nodes with `- call: <name>`.")
    ] = field(default_factory=dict)
    uses: Annotated[
        list[Text], Doc("Library files (paths from this file) whose procedures, fields and constants this flow uses.")
    ] = field(default_factory=list)


@dataclass(frozen=True)
class Library:
    """A file of procedures (and the fields, constants, items and ticket fields
    they need) that flows use with `uses:`."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    library: Annotated[str, TextRule(pattern=NODE_ID_PATTERN, max_length=MAX_NAME), Doc("Short name of the library.")]
    procedures: Annotated[dict[Identifier, Procedure], MinItems(1)]
    callflow: Annotated[int, Check(_known_version), Doc("Version of the flow format; 1.")] = FORMAT_VERSION
    title: Text | None = None
    description: str | None = None
    constants: Annotated[dict[Identifier, Constant], Check(_not_builtin)] = field(default_factory=dict)
    catalog: dict[ItemCode, CatalogItem] = field(default_factory=dict)
    ticket_fields: dict[Identifier, TicketFieldSpec] = field(default_factory=dict)
    fields: Annotated[dict[Identifier, InputField], Check(_not_builtin)] = field(default_factory=dict)
