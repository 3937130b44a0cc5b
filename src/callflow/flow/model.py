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

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from callflow.flow.constraints import Check, Doc, MinItems, OneOf, TextRule
from callflow.flow.scalars import (
    BUILTIN_NAMES,
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
class ChoiceOption:
    """One answer of a choice question."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    label: Annotated[Text, Doc("What the director sees.")]
    value: Annotated[Text | None, Doc("What is recorded (defaults to the label).")] = None

    @property
    def key(self) -> str:
        return self.value if self.value is not None else self.label


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
class InputField:
    """A value the director types or picks and that the flow records; defined
    once under `fields` and asked by `- ask: <id>` wherever the script needs it."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    prompt: Text
    type: Literal["text", "number", "money", "choice", "yesno", "date"] = "text"
    help: str | None = None
    required: bool = True
    secret: Annotated[bool, Doc("Read without echo; never written to journal or receipt.")] = False
    pattern: Annotated[str | None, Doc("A regular expression a text answer must match whole.")] = None
    pattern_hint: Annotated[str | None, Doc("Said when the pattern does not match, e.g. 'six digits'.")] = None
    options: Annotated[list[ChoiceOption] | None, Doc("The answers of a choice field.")] = None
    min: Decimal | None = None
    max: Decimal | None = None

    def __post_init__(self) -> None:
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        if self.type == "choice":
            if not self.options:
                raise ValueError("a choice field needs options")
        elif self.options is not None:
            raise ValueError(f"options belong to choice fields, not {self.type}")
        if self.pattern is not None and self.type != "text":
            raise ValueError("pattern belongs to text fields")
        if (self.min is not None or self.max is not None) and self.type not in ("number", "money"):
            raise ValueError("min and max belong to number and money fields")


@dataclass(frozen=True)
class Choose:
    """The node's deciding question: each option names the next node."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    id: Annotated[Identifier, Doc("Unique in the flow; answers files and conditions use it.")]
    prompt: Text
    options: Annotated[list[RouteOption], MinItems(1)]
    help: str | None = None


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

    def __post_init__(self) -> None:
        ways = [k for k in ("next", "choose", "routes", "end") if getattr(self, k) is not None]
        if len(ways) > 1:
            raise ValueError(f"a node has one way on, but this one has {' and '.join(ways)}: keep one")

    @property
    def way_on(self) -> str | None:
        for key in ("next", "choose", "routes", "end"):
            if getattr(self, key) is not None:
                return key
        return None


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
    id: Annotated[str, TextRule(pattern=NODE_ID_PATTERN), Doc("Short name of the flow.")]
    title: Text
    start: Annotated[NodeId, Doc("The first node.")]
    nodes: Annotated[dict[NodeId, Node], MinItems(1)]
    callflow: Annotated[int, Check(_known_version), Doc("Version of the flow format; 1.")] = FORMAT_VERSION
    description: str | None = None
    currency: Annotated[str, TextRule(pattern=r"^[A-Z]{3}$"), Doc("Currency code, e.g. USD.")] = "USD"
    role: Annotated[Text | None, Doc("Who performs the nodes that name no role.")] = None
    constants: Annotated[
        dict[Identifier, Text], Check(_not_builtin), Doc("Fixed words such as company and phone.")
    ] = field(default_factory=dict)
    catalog: dict[ItemCode, CatalogItem] = field(default_factory=dict)
    ticket_fields: dict[Identifier, TicketFieldSpec] = field(default_factory=dict)
    fields: Annotated[
        dict[Identifier, InputField],
        Check(_not_builtin),
        Doc("Every value the script records, by id; nodes ask them with `- ask: <id>`."),
    ] = field(default_factory=dict)
