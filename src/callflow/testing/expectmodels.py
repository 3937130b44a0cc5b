"""What a scenario expects of its call (`expect:`), as pydantic models: the
path, outcome, ticket, invoice and its lines, payments and refunds,
notifications, follow-ups, checklist confirmations and computed values.
Only what is written is checked (callflow.testing.expectations)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from callflow.testing.scenariotypes import Amount, DateText, ItemCode, Model, NodeId, Text


def _quantity(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except ArithmeticError:
            raise ValueError(f"'{value}' is not a quantity (write it like 2, or 1.5 for hours)") from None
    return value


Quantity = Annotated[
    Decimal,
    BeforeValidator(_quantity),
    Field(ge=0),
    WithJsonSchema(
        {"type": ["number", "string"], "description": "How many; for billed time, hours (1.5)."}
    ),
]
LineKind = Literal["item", "credit", "time"]


class ExpectedLine(Model):
    """An invoice line; only what is written is compared. A credit's amounts
    are negative (-9.00) and it may have no code; a time line's quantity is
    hours (1.5)."""

    code: ItemCode | None = None
    kind: LineKind | None = Field(None, description="item (a catalog item), credit (lowers the total) or time (billed hours).")
    name: Text | None = None
    quantity: Quantity | None = None
    unit_price: Amount | None = None
    amount: Amount | None = None

    @model_validator(mode="after")
    def _something(self) -> ExpectedLine:
        if all(getattr(self, key) is None for key in ("code", "kind", "name", "quantity", "unit_price", "amount")):
            raise ValueError("an invoice line needs at least one of: code, kind, name, quantity, unit_price, amount")
        return self


INVOICE_AMOUNTS = ("subtotal", "past_due", "total", "paid", "refunded", "due", "refund_due")


class ExpectedInvoice(Model):
    lines: list[ExpectedLine] | None = Field(None, description="The whole list of lines, in order.")
    subtotal: Amount | None = None
    past_due: Amount | None = None
    total: Amount | None = None
    paid: Amount | None = None
    refunded: Amount | None = Field(None, description="What was paid back (the refunds).")
    due: Amount | None = Field(None, description="What is still unpaid.")
    refund_due: Amount | None = Field(None, description="What the invoice still owes the customer.")


class ExpectedPayment(Model):
    """A payment or a refund; only what is written is compared."""

    amount: Amount | None = None
    method: str | None = None
    note: str | None = None
    node: NodeId | None = None


class ExpectedFollowUp(Model):
    text: Text | None = None
    owner: str | None = None
    due: DateText | None = Field(None, description="By when, YYYY-MM-DD.")


def _check(value: Any) -> Any:
    """done, "not done", "not done: reason" -> {done, reason}."""
    if isinstance(value, str):
        text = value.strip()
        folded = text.casefold()
        if folded == "done":
            return {"done": True}
        if folded.startswith("not done"):
            reason = text[len("not done") :].strip().lstrip(":—–-").strip()
            return {"done": False, "reason": reason or None}
        raise ValueError(f"'{value}' is neither done, \"not done\" nor \"not done: <reason>\"")
    if isinstance(value, bool):
        return {"done": value}
    return value


def _yes(value: Any) -> Any:
    if isinstance(value, str):
        folded = value.strip().casefold()
        if folded in ("yes", "true", "y", "done", "on"):
            return True
        if folded in ("no", "false", "n", "off"):
            return False
    return value


class ExpectedCheck(Model):
    """How a checklist item was confirmed: done, or not done (and why)."""

    done: Annotated[bool, BeforeValidator(_yes)]
    reason: Text | None = Field(None, description="Not done: the reason given, compared as text.")


CheckValue = Annotated[
    ExpectedCheck,
    BeforeValidator(_check),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": "^\\s*(?:[Dd][Oo][Nn][Ee]|[Nn][Oo][Tt] [Dd][Oo][Nn][Ee].*)$"},
                {
                    "type": "object",
                    "properties": {"done": {"type": ["boolean", "string"]}, "reason": {"type": "string"}},
                    "required": ["done"],
                    "additionalProperties": False,
                },
            ],
            "description": "done, \"not done\", \"not done: reason\" or {done: false, reason: ...}.",
        }
    ),
]
ExpectedValue = Annotated[
    str | None,
    BeforeValidator(lambda v: v if v is None or isinstance(v, str) else str(v)),
    WithJsonSchema({"type": ["string", "number", "boolean", "null"], "description": "The value, as it reads."}),
]


class ExpectedNotification(Model):
    to: Text | None = None
    message: str | None = None
    node: NodeId | None = None


EXPECT_KEYS = (
    "path",
    "path_includes",
    "path_excludes",
    "outcome",
    "ticket",
    "invoice",
    "payments",
    "notifications",
    "follow_ups",
    "refunds",
    "checklist",
    "values",
)


class Expect(Model):
    """What the call must produce. Only what is written is checked."""

    path: list[NodeId] | None = Field(None, min_length=1, description="The whole path: every node id, in order.")
    path_includes: list[NodeId] | None = Field(
        None, min_length=1, description="Node ids the path passes in this order (others may come between)."
    )
    path_excludes: list[NodeId] | None = Field(None, min_length=1, description="Node ids the path never passes.")
    outcome: Text | None = Field(None, description="The outcome of the end reached.")
    ticket: dict[str, str | None] | None = Field(
        None, description="Ticket fields by key, compared as text; null: the field is not set."
    )
    invoice: ExpectedInvoice | None = None
    payments: list[ExpectedPayment] | None = Field(None, description="Every payment, in order ([] for none).")
    notifications: list[ExpectedNotification] | None = Field(None, description="Every notification, in order.")
    follow_ups: list[Text | ExpectedFollowUp] | None = Field(
        None, description="Every follow-up, in order: its text, or {text, owner, due}."
    )
    refunds: list[ExpectedPayment] | None = Field(None, description="Every refund paid back, in order ([] for none).")
    checklist: dict[str, CheckValue | list[CheckValue] | None] | None = Field(
        None,
        description="Checklist confirmations by id: done, \"not done\" or {done: false, reason: ...}; "
        "a list when confirmed more than once; null: never confirmed.",
    )
    values: dict[str, ExpectedValue] | None = Field(
        None, description="Computed values (set:) by name, as they stand at the end: 160.94, \"1 h 30 min\"."
    )

    @model_validator(mode="after")
    def _something_expected(self) -> Expect:
        if all(getattr(self, key) is None for key in EXPECT_KEYS):
            raise ValueError(f"'expect' needs at least one of: {', '.join(EXPECT_KEYS)}")
        return self


