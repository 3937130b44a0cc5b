"""The steps of a node: one-key mappings, each with an optional `when`.

`say`, `do` and `note` are words (a `do` may ask the director to confirm it);
`ask` records a field; `set` computes a named value; `ticket` sets ticket
fields; the invoice steps (callflow.flow.invoicesteps) build and settle the
invoice; `notify` and `follow_up` record who must be told or do what; `call`
runs a sub-procedure and comes back. A node lists them in the order the
director performs them (callflow.flow.model).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from callflow.flow.constraints import Doc, MinItems, OneOf
from callflow.flow.invoicesteps import (
    CreditStep,
    ItemStep,
    PastDueStep,
    PaymentStep,
    RefundStep,
    TimeStep,
    When,
)
from callflow.flow.scalars import STRICT, Expression, Identifier, Template


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
    confirm: Annotated[
        Identifier | None,
        Doc("The director must tick it done, or not done with a reason; recorded under this id."),
    ] = None
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
class SetStep:
    """Compute named values: `set: {refund: bottles * price - fee}`."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "set"
    set: Annotated[
        dict[Identifier, Expression],
        MinItems(1),
        Doc("Values to compute, by name; later steps use them like fields: {refund}, refund > 0."),
    ]
    when: When = None


@dataclass(frozen=True)
class TicketStep:
    """Set ticket fields; the first such step starts the ticket."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "ticket"
    ticket: Annotated[dict[Identifier, Template], Doc("Ticket fields to set, by key of ticket_fields.")]
    when: When = None


@dataclass(frozen=True)
class Notify:
    """Someone to tell, and what."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    to: Annotated[Template, Doc("Who is told, e.g. Remote Agent or {remote_agent}.")]
    message: Template | None = None


@dataclass(frozen=True)
class NotifyStep:
    """Record a notification."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "notify"
    notify: Notify
    when: When = None


@dataclass(frozen=True)
class FollowUp:
    """Something someone must do after the call, by when."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    text: Annotated[Template, Doc("What must be done.")]
    owner: Annotated[Template | None, Doc("Who does it, e.g. Team Leader or {remote_agent}.")] = None
    due: Annotated[Expression | None, Doc("By when: a date expression such as `today + 2`.")] = None


def _follow_up_form(value: Any) -> str:
    return "full" if isinstance(value, (dict, FollowUp)) else "text"


FollowUpSpec = Annotated[
    Annotated[Template, "text"] | Annotated[FollowUp, "full"],
    OneOf(_follow_up_form, "follow_up_form", "a follow-up is words, or {text, owner, due}"),
    Doc("Something someone must do after the call: words, or {text, owner, due}."),
]


@dataclass(frozen=True)
class FollowUpStep:
    """Record something someone must do after the call."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "follow_up"
    follow_up: FollowUpSpec
    when: When = None

    @property
    def text(self) -> str:
        return self.follow_up.text if isinstance(self.follow_up, FollowUp) else self.follow_up

    @property
    def owner(self) -> str | None:
        return self.follow_up.owner if isinstance(self.follow_up, FollowUp) else None

    @property
    def due(self) -> str | None:
        return self.follow_up.due if isinstance(self.follow_up, FollowUp) else None


@dataclass(frozen=True)
class CallStep:
    """Run a sub-procedure here; the call comes back to the next step."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "call"
    call: Annotated[Identifier, Doc("The name of a procedure under `procedures` or in a file under `uses`.")]
    when: When = None


STEP_KINDS = (
    "say",
    "do",
    "note",
    "ask",
    "set",
    "ticket",
    "item",
    "credit",
    "time",
    "past_due",
    "payment",
    "refund",
    "notify",
    "follow_up",
    "call",
)


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
    | Annotated[SetStep, "set"]
    | Annotated[TicketStep, "ticket"]
    | Annotated[ItemStep, "item"]
    | Annotated[CreditStep, "credit"]
    | Annotated[TimeStep, "time"]
    | Annotated[PastDueStep, "past_due"]
    | Annotated[PaymentStep, "payment"]
    | Annotated[RefundStep, "refund"]
    | Annotated[NotifyStep, "notify"]
    | Annotated[FollowUpStep, "follow_up"]
    | Annotated[CallStep, "call"],
    OneOf(_step_kind, "step_kind", "a step is one of: " + ", ".join(STEP_KINDS)),
]
AnyStep = (
    SayStep
    | DoStep
    | NoteStep
    | AskStep
    | SetStep
    | TicketStep
    | ItemStep
    | CreditStep
    | TimeStep
    | PastDueStep
    | PaymentStep
    | RefundStep
    | NotifyStep
    | FollowUpStep
    | CallStep
)
