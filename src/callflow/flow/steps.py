"""The steps of a node: one-key mappings, each with an optional `when`.

`say`, `do` and `note` are words; `ask` records a field; `ticket`, `item`,
`past_due` and `payment` build the ticket and the invoice; `notify` and
`follow_up` record who must be told or do what. A node lists them in the
order the director performs them (callflow.flow.model).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from callflow.flow.constraints import AtLeast, Doc, OneOf
from callflow.flow.scalars import STRICT, Condition, Identifier, ItemCode, Template, Text

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
