"""What happens on a call, as values: the engine emits them, the summary folds
them, the front ends show them. Nothing here knows about terminals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, NamedTuple

from callflow.call.values import Value


class Via(NamedTuple):
    """The edge a walk took into a node: the node it left, that node's way on
    ("choose", "routes", "next", "limit" or "call"/"return") and which option or
    route it took (0 for the others)."""

    node_id: str
    way: str
    branch: int


@dataclass(frozen=True)
class NodeEntered:
    """The call reached a node (and by which edge)."""

    kind: ClassVar[str] = "node"
    node_id: str
    section: str | None
    title: str | None
    role: str | None
    via: Via | None = None  # None for the start node


@dataclass(frozen=True)
class Said:
    """Words to say, blanks filled."""

    kind: ClassVar[str] = "say"
    node_id: str
    text: str


@dataclass(frozen=True)
class ToDo:
    """A checklist item, blanks filled."""

    kind: ClassVar[str] = "do"
    node_id: str
    text: str


@dataclass(frozen=True)
class Noted:
    """Guidance for the director, blanks filled."""

    kind: ClassVar[str] = "note"
    node_id: str
    text: str


@dataclass(frozen=True)
class TicketValue:
    """One ticket field as set: its key, its label and its value."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class TicketSet:
    """Ticket fields were set."""

    kind: ClassVar[str] = "ticket"
    node_id: str
    values: tuple[TicketValue, ...]


@dataclass(frozen=True)
class InvoiceLine:
    """One line of the invoice: an item, a credit (a negative amount) or billed
    time (`quantity` in hours, `unit` "h")."""

    code: str | None
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    kind: str = "item"  # "item", "credit" or "time"
    unit: str | None = None


@dataclass(frozen=True)
class LineAdded:
    """A line was added to the invoice."""

    kind: ClassVar[str] = "item"
    node_id: str
    line: InvoiceLine


@dataclass(frozen=True)
class PastDueSet:
    """The past-due balance was added to the invoice."""

    kind: ClassVar[str] = "past_due"
    node_id: str
    field_id: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentTaken:
    """A payment was recorded."""

    kind: ClassVar[str] = "payment"
    node_id: str
    amount: Decimal
    method: str | None
    note: str | None


@dataclass(frozen=True)
class RefundGiven:
    """Money was paid back to the customer."""

    kind: ClassVar[str] = "refund"
    node_id: str
    amount: Decimal
    method: str | None
    note: str | None


@dataclass(frozen=True)
class Computed:
    """A named value was computed (`set:`)."""

    kind: ClassVar[str] = "set"
    node_id: str
    name: str
    value: Value
    display: str


@dataclass(frozen=True)
class Limited:
    """A node was entered as often as it may be: the call goes elsewhere."""

    kind: ClassVar[str] = "limit"
    node_id: str
    times: int
    then: str


@dataclass(frozen=True)
class Notified:
    """Someone is to be told something."""

    kind: ClassVar[str] = "notify"
    node_id: str
    to: str
    message: str | None


@dataclass(frozen=True)
class FollowUp:
    """Something someone must do after the call, by whom and by when."""

    kind: ClassVar[str] = "follow_up"
    node_id: str
    text: str
    owner: str | None = None
    due: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True)
class Ended:
    """The call ended with an outcome."""

    kind: ClassVar[str] = "end"
    node_id: str
    outcome: str


@dataclass(frozen=True)
class Answered:
    """One recorded answer. `display` is how it reads; a secret's value and
    display stay in memory only (receipts and journals show it redacted)."""

    kind: ClassVar[str] = "answer"
    node_id: str
    field_id: str
    prompt: str
    value: Value
    display: str
    secret: bool = False
    reason: str | None = None  # a checklist item not done: why


Event = (
    NodeEntered
    | Said
    | ToDo
    | Noted
    | TicketSet
    | LineAdded
    | PastDueSet
    | PaymentTaken
    | RefundGiven
    | Computed
    | Limited
    | Notified
    | FollowUp
    | Ended
    | Answered
)
