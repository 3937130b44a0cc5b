"""The flow format as data: frozen dataclasses and their invariants, no I/O.

A flow is a decision graph of nodes keyed by id (`D-2-4`). Each node lists
its steps in the order the director performs them (say, do, ask, ticket,
item, past_due, payment, notify, follow_up, note) and has one way on: `next`,
a `choose` question whose options name the next node, conditional `routes`,
or `end` with an outcome. docs/flow-format.md describes every key.

The classes are plain dataclasses, not pydantic models, so that importing
them (to walk a flow, or to read a cached one) does not import pydantic. The
loader validates files into them with pydantic; the constraints ride along in
`Annotated[...]` markers from callflow.constraints.

Graph-level checks (targets exist, every node reachable, names resolve) are
lint rules, so that an author sees all of them at once with their codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from callflow.conditions import check_condition
from callflow.constraints import AtLeast, Check, Doc, MinItems, OneOf, TextRule
from callflow.money import cents
from callflow.templates import check_template

FORMAT_VERSION = 1

IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
NODE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ITEM_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

Identifier = Annotated[
    str,
    TextRule(pattern=IDENTIFIER_PATTERN),
    Doc("A name: letters, digits and _, not starting with a digit."),
]
NodeId = Annotated[
    str,
    TextRule(pattern=NODE_ID_PATTERN),
    Doc("A node id such as D-2-4: letters, digits, '-', '_' and '.'."),
]
ItemCode = Annotated[str, TextRule(pattern=ITEM_CODE_PATTERN), Doc("A catalog item code, e.g. 310.")]
Text = Annotated[str, TextRule(min_length=1)]
Template = Annotated[
    str,
    TextRule(min_length=1),
    Check(check_template),
    Doc("Text with {placeholders}: a field id, a constant, agent, total, due, past_due, catalog.CODE.price."),
]
Condition = Annotated[
    str,
    TextRule(min_length=1),
    Check(check_condition),
    Doc("A condition such as `past_due_amount > 0` or `member_plan == 'help_desk'`."),
]
Price = Annotated[Decimal, AtLeast(0), Check(cents), Doc("A price in the flow's currency, e.g. 35.00.")]

# Names every flow has; a field or constant may not take one of them.
BUILTIN_NAMES = frozenset({"agent", "subtotal", "past_due", "total", "paid", "due"})
AMOUNT_NAMES = frozenset({"subtotal", "past_due", "total", "paid", "due"})
FIELD_TYPES = ("text", "number", "money", "choice", "yesno", "date")
CATALOG_PARTS = ("price", "name")


def catalog_reference(name: str) -> tuple[str, str] | None:
    """(code, part) of a name `catalog.<code>.price|name`, else None. Item codes
    may hold dots (310.1), so the part is what follows the last dot."""
    if not name.startswith("catalog."):
        return None
    code, _, part = name[len("catalog.") :].rpartition(".")
    return (code, part) if code and part in CATALOG_PARTS else None


# Every model refuses keys it does not know (a misspelt key is an error, not ignored).
STRICT = {"extra": "forbid"}


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


# -- steps: one-key mappings, each with an optional `when` ----------------------

When = Annotated[Condition | None, Doc("Skip this step unless the condition holds.")]


@dataclass(frozen=True)
class SayStep:
    """Words the director says to the caller."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "say"
    say: Annotated[Template, Doc("Words the director says.")]
    when: When = None


@dataclass(frozen=True)
class DoStep:
    """A checklist item: something to do, e.g. in the ticketing system."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "do"
    do: Annotated[Template, Doc("Something to do, shown as a checklist item.")]
    when: When = None


@dataclass(frozen=True)
class NoteStep:
    """Guidance for the director, not said to the caller."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "note"
    note: Annotated[Template, Doc("Guidance for the director; not said to the caller.")]
    when: When = None


@dataclass(frozen=True)
class AskStep:
    """Ask a field defined under `fields` and record the answer."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "ask"
    ask: Annotated[Identifier, Doc("The id of a field defined under `fields`.")]
    when: When = None


@dataclass(frozen=True)
class TicketStep:
    """Set ticket fields; the first such step starts the ticket."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "ticket"
    ticket: Annotated[dict[Identifier, Template], Doc("Ticket fields to set, by key of ticket_fields.")]
    when: When = None


@dataclass(frozen=True)
class ItemRef:
    """A catalog item and how many of it."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    code: ItemCode
    quantity: Annotated[int, AtLeast(1)] = 1


def _item_form(value: Any) -> str:
    return "ref" if isinstance(value, (dict, ItemRef)) else "code"


ItemSpec = Annotated[
    Annotated[ItemCode, "code"] | Annotated[ItemRef, "ref"],
    OneOf(_item_form, "item_form", "an item is a catalog code or {code, quantity}"),
    Doc("Add a catalog item to the invoice: a code or {code, quantity}."),
]


@dataclass(frozen=True)
class ItemStep:
    """Add a catalog item to the invoice."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "item"
    item: ItemSpec
    when: When = None


@dataclass(frozen=True)
class PastDueStep:
    """Add the amount of a money field to the invoice as past-due balance."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "past_due"
    past_due: Annotated[Identifier, Doc("A money field whose amount is added to the invoice as past-due balance.")]
    when: When = None


@dataclass(frozen=True)
class Payment:
    """A payment: how much (an amount name or a money field), how, and why."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    amount: Annotated[
        Identifier, Doc("due (what is left to pay), total, past_due, subtotal, or a money field.")
    ] = "due"
    method: Annotated[Template | None, Doc("How it was paid, e.g. '{payment_method}'.")] = None
    note: Template | None = None


@dataclass(frozen=True)
class PaymentStep:
    """Record a payment."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "payment"
    payment: Payment
    when: When = None


@dataclass(frozen=True)
class Notify:
    """Someone to tell, and what."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    to: Annotated[Text, Doc("Who is told, e.g. Remote Agent.")]
    message: Template | None = None


@dataclass(frozen=True)
class NotifyStep:
    """Record a notification."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "notify"
    notify: Notify
    when: When = None


@dataclass(frozen=True)
class FollowUpStep:
    """Record something someone must do after the call."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "follow_up"
    follow_up: Annotated[Template, Doc("Something someone must do after the call.")]
    when: When = None


STEP_KINDS = ("say", "do", "note", "ask", "ticket", "item", "past_due", "payment", "notify", "follow_up")


def _step_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in value:
            if key in STEP_KINDS:
                return str(key)
        return None
    return getattr(value, "kind", None)


Step = Annotated[
    Annotated[SayStep, "say"]
    | Annotated[DoStep, "do"]
    | Annotated[NoteStep, "note"]
    | Annotated[AskStep, "ask"]
    | Annotated[TicketStep, "ticket"]
    | Annotated[ItemStep, "item"]
    | Annotated[PastDueStep, "past_due"]
    | Annotated[PaymentStep, "payment"]
    | Annotated[NotifyStep, "notify"]
    | Annotated[FollowUpStep, "follow_up"],
    OneOf(_step_kind, "step_kind", "a step is one of: " + ", ".join(STEP_KINDS)),
]
AnyStep = (
    SayStep | DoStep | NoteStep | AskStep | TicketStep | ItemStep | PastDueStep | PaymentStep | NotifyStep | FollowUpStep
)


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
