"""The flow format as pydantic models: pure data and its invariants, no I/O.

A flow is a decision graph of nodes keyed by id (`D-2-4`). Each node lists
its steps in the order the director performs them (say, do, ask, ticket,
item, past_due, payment, notify, follow_up, note) and has one way on: `next`,
a `choose` question whose options name the next node, conditional `routes`,
or `end` with an outcome. docs/flow-format.md describes every key.

Graph-level checks (targets exist, every node reachable, names resolve) are
lint rules, so that an author sees all of them at once with their codes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from callflow.conditions import check_condition
from callflow.money import cents
from callflow.templates import check_template

FORMAT_VERSION = 1

IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
NODE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ITEM_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

Identifier = Annotated[
    str,
    StringConstraints(pattern=IDENTIFIER_PATTERN),
    Field(description="A name: letters, digits and _, not starting with a digit."),
]
NodeId = Annotated[
    str,
    StringConstraints(pattern=NODE_ID_PATTERN),
    Field(description="A node id such as D-2-4: letters, digits, '-', '_' and '.'."),
]
ItemCode = Annotated[str, StringConstraints(pattern=ITEM_CODE_PATTERN), Field(description="A catalog item code, e.g. 310.")]
Text = Annotated[str, StringConstraints(min_length=1)]
Template = Annotated[
    str,
    StringConstraints(min_length=1),
    AfterValidator(check_template),
    Field(description="Text with {placeholders}: a field id, a constant, agent, total, due, past_due, catalog.CODE.price."),
]
Condition = Annotated[
    str,
    StringConstraints(min_length=1),
    AfterValidator(check_condition),
    Field(description="A condition such as `past_due_amount > 0` or `member_plan == 'help_desk'`."),
]
Price = Annotated[Decimal, Field(ge=0, description="A price in the flow's currency, e.g. 35.00."), AfterValidator(cents)]

# Names every flow has; a field or constant may not take one of them.
BUILTIN_NAMES = frozenset({"agent", "subtotal", "past_due", "total", "paid", "due"})
AMOUNT_NAMES = frozenset({"subtotal", "past_due", "total", "paid", "due"})
FIELD_TYPES = ("text", "number", "money", "choice", "yesno")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CatalogItem(Model):
    """A priced item that invoice lines refer to by code."""

    name: Text = Field(description="Name as the ticketing system shows it.")
    price: Price
    description: str | None = None


class TicketFieldSpec(Model):
    """A field of the ticket the director fills in the ticketing system."""

    label: Text | None = Field(None, description="Shown in the summary; defaults to the key.")
    required: bool = Field(False, description="An end reached with the ticket started but this empty is a problem.")
    help: str | None = None


class ChoiceOption(Model):
    """One answer of a choice question."""

    label: Text = Field(description="What the director sees.")
    value: Text | None = Field(None, description="What is recorded (defaults to the label).")

    @property
    def key(self) -> str:
        return self.value if self.value is not None else self.label


class RouteOption(ChoiceOption):
    """One answer of the node's deciding question, and where it leads."""

    goto: NodeId = Field(description="The node this answer leads to.")


class InputField(Model):
    """A value the director types or picks and that the flow records; defined
    once under `fields` and asked by `- ask: <id>` wherever the script needs it."""

    type: Literal["text", "number", "money", "choice", "yesno"] = "text"
    prompt: Text
    help: str | None = None
    required: bool = True
    secret: bool = Field(False, description="Read without echo; never written to journal or receipt.")
    pattern: str | None = Field(None, description="A regular expression a text answer must match whole.")
    pattern_hint: str | None = Field(None, description="Said when the pattern does not match, e.g. 'six digits'.")
    options: list[ChoiceOption] | None = Field(None, description="The answers of a choice field.")
    min: Decimal | None = None
    max: Decimal | None = None

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _fits_type(self) -> InputField:
        if self.type == "choice":
            if not self.options:
                raise ValueError("a choice field needs options")
        elif self.options is not None:
            raise ValueError(f"options belong to choice fields, not {self.type}")
        if self.pattern is not None and self.type != "text":
            raise ValueError("pattern belongs to text fields")
        if (self.min is not None or self.max is not None) and self.type not in ("number", "money"):
            raise ValueError("min and max belong to number and money fields")
        return self


class Choose(Model):
    """The node's deciding question: each option names the next node."""

    id: Identifier = Field(description="Unique in the flow; answers files and conditions use it.")
    prompt: Text
    help: str | None = None
    options: list[RouteOption] = Field(min_length=1)


class _Step(Model):
    when: Condition | None = Field(None, description="Skip this step unless the condition holds.")


class SayStep(_Step):
    kind: ClassVar[str] = "say"
    say: Template = Field(description="Words the director says.")


class DoStep(_Step):
    kind: ClassVar[str] = "do"
    do: Template = Field(description="Something to do, shown as a checklist item.")


class NoteStep(_Step):
    kind: ClassVar[str] = "note"
    note: Template = Field(description="Guidance for the director; not said to the caller.")


class AskStep(_Step):
    kind: ClassVar[str] = "ask"
    ask: Identifier = Field(description="The id of a field defined under `fields`.")


class TicketStep(_Step):
    kind: ClassVar[str] = "ticket"
    ticket: dict[Identifier, Template] = Field(description="Ticket fields to set, by key of ticket_fields.")


class ItemRef(Model):
    code: ItemCode
    quantity: int = Field(1, ge=1)


def _item_form(value: Any) -> str:
    return "ref" if isinstance(value, (dict, ItemRef)) else "code"


class ItemStep(_Step):
    kind: ClassVar[str] = "item"
    item: Annotated[
        Union[Annotated[ItemCode, Tag("code")], Annotated[ItemRef, Tag("ref")]],
        Discriminator(_item_form),
        Field(description="Add a catalog item to the invoice: a code or {code, quantity}."),
    ]


class PastDueStep(_Step):
    kind: ClassVar[str] = "past_due"
    past_due: Identifier = Field(description="A money field whose amount is added to the invoice as past-due balance.")


class Payment(Model):
    amount: Identifier = Field(
        "due", description="due (what is left to pay), total, past_due, subtotal, or a money field."
    )
    method: Template | None = Field(None, description="How it was paid, e.g. '{payment_method}'.")
    note: Template | None = None


class PaymentStep(_Step):
    kind: ClassVar[str] = "payment"
    payment: Payment


class Notify(Model):
    to: Text = Field(description="Who is told, e.g. Remote Agent.")
    message: Template | None = None


class NotifyStep(_Step):
    kind: ClassVar[str] = "notify"
    notify: Notify


class FollowUpStep(_Step):
    kind: ClassVar[str] = "follow_up"
    follow_up: Template = Field(description="Something someone must do after the call.")


STEP_KINDS = ("say", "do", "note", "ask", "ticket", "item", "past_due", "payment", "notify", "follow_up")


def _step_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in value:
            if key in STEP_KINDS:
                return str(key)
        return None
    return getattr(value, "kind", None)


Step = Annotated[
    Union[
        Annotated[SayStep, Tag("say")],
        Annotated[DoStep, Tag("do")],
        Annotated[NoteStep, Tag("note")],
        Annotated[AskStep, Tag("ask")],
        Annotated[TicketStep, Tag("ticket")],
        Annotated[ItemStep, Tag("item")],
        Annotated[PastDueStep, Tag("past_due")],
        Annotated[PaymentStep, Tag("payment")],
        Annotated[NotifyStep, Tag("notify")],
        Annotated[FollowUpStep, Tag("follow_up")],
    ],
    Discriminator(
        _step_kind,
        custom_error_type="step_kind",
        custom_error_message="a step is one of: " + ", ".join(STEP_KINDS),
    ),
]

class IfRoute(Model):
    if_: Condition = Field(alias="if")
    goto: NodeId


class ElseRoute(Model):
    else_: NodeId = Field(alias="else", description="Where to go when no condition above holds.")


def _route_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        if "if" in value or "if_" in value:
            return "if"
        if "else" in value or "else_" in value:
            return "else"
        return None
    return "if" if isinstance(value, IfRoute) else "else" if isinstance(value, ElseRoute) else None


Route = Annotated[
    Union[Annotated[IfRoute, Tag("if")], Annotated[ElseRoute, Tag("else")]],
    Discriminator(
        _route_kind,
        custom_error_type="route_kind",
        custom_error_message="a route is {if: condition, goto: node} or {else: node}",
    ),
]


class Node(Model):
    """One step of the script, keyed by its id in `nodes`."""

    section: Text | None = Field(None, description="Part of the script, e.g. Pay As You Go Member.")
    title: Text | None = Field(None, description="What this step is, e.g. Remote Support?")
    role: Text | None = Field(None, description="Who performs it; defaults to the flow's role.")
    steps: list[Step] = Field(default_factory=list)
    next: NodeId | None = Field(None, description="The node that always comes next.")
    choose: Choose | None = None
    routes: list[Route] | None = Field(None, description="Checked in order; the first that holds is taken.")
    end: Text | None = Field(None, description="The call ends here with this outcome, e.g. transferred.")

    @model_validator(mode="after")
    def _one_way_on(self) -> Node:
        ways = [k for k in ("next", "choose", "routes", "end") if getattr(self, k) is not None]
        if len(ways) > 1:
            raise ValueError(f"a node has one way on, but this one has {' and '.join(ways)}: keep one")
        return self

    @property
    def way_on(self) -> str | None:
        for key in ("next", "choose", "routes", "end"):
            if getattr(self, key) is not None:
                return key
        return None


class Flow(Model):
    """A whole call script."""

    callflow: int = Field(FORMAT_VERSION, description="Version of the flow format; 1.")
    id: Annotated[str, StringConstraints(pattern=NODE_ID_PATTERN)] = Field(description="Short name of the flow.")
    title: Text
    description: str | None = None
    start: NodeId = Field(description="The first node.")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    role: Text | None = Field(None, description="Who performs the nodes that name no role.")
    constants: dict[Identifier, Text] = Field(default_factory=dict, description="Fixed words such as company and phone.")
    catalog: dict[ItemCode, CatalogItem] = Field(default_factory=dict)
    ticket_fields: dict[Identifier, TicketFieldSpec] = Field(default_factory=dict)
    fields: dict[Identifier, InputField] = Field(
        default_factory=dict, description="Every value the script records, by id; nodes ask them with `- ask: <id>`."
    )
    nodes: dict[NodeId, Node] = Field(min_length=1)

    @field_validator("callflow")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(f"this callflow reads format version {FORMAT_VERSION}, not {value}")
        return value

    @field_validator("constants", "fields")
    @classmethod
    def _names_not_builtin(cls, value: dict[str, Any]) -> dict[str, Any]:
        taken = sorted(set(value) & BUILTIN_NAMES)
        if taken:
            raise ValueError(f"'{taken[0]}' is a built-in name ({', '.join(sorted(BUILTIN_NAMES))}): rename it")
        return value
