"""The steps that build the invoice and settle it: `item`, `credit`, `time`,
`past_due`, `payment` and `refund`.

Quantities, prices and amounts are expressions (callflow.flow.expressions):
`quantity: bottles`, `price: catalog.BTL.price * 90%`, `amount: due`. An
invoice line adds to the total, a credit takes from it, a time line bills a
duration at an hourly rate with a minimum and a multiplier; a payment settles
what is due so far and a refund pays back what the invoice owes the customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from callflow.flow.constraints import Doc, OneOf
from callflow.flow.scalars import STRICT, Condition, Expression, Identifier, ItemCode, Template

When = Annotated[Condition | None, Doc("Skip this step unless the condition holds.")]


@dataclass(frozen=True)
class ItemRef:
    """A catalog item, how many of it and, if not the catalog's, at what price."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    code: ItemCode
    quantity: Annotated[Expression, Doc("How many: a whole number or an expression such as `bottles`.")] = "1"
    price: Annotated[Expression | None, Doc("The unit price, if not the catalog's: an amount or an expression.")] = None
    label: Annotated[Template | None, Doc("What the invoice line says, if not the catalog item's name.")] = None


def _item_form(value: Any) -> str:
    return "ref" if isinstance(value, (dict, ItemRef)) else "code"


ItemSpec = Annotated[
    Annotated[ItemCode, "code"] | Annotated[ItemRef, "ref"],
    OneOf(_item_form, "item_form", "an item is a catalog code or {code, quantity, price}"),
    Doc("Add a catalog item to the invoice: a code or {code, quantity, price}."),
]


@dataclass(frozen=True)
class ItemStep:
    """Add a catalog item to the invoice."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "item"
    item: ItemSpec
    when: When = None


@dataclass(frozen=True)
class Credit:
    """A line that lowers the total: a return, a discount, a goodwill credit."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    label: Annotated[Template | None, Doc("What the invoice line says, e.g. 'Loyalty discount 10 %'.")] = None
    amount: Annotated[Expression | None, Doc("How much is taken off, e.g. `subtotal * 10%`.")] = None
    code: Annotated[ItemCode | None, Doc("A catalog item returned: its price is credited.")] = None
    quantity: Annotated[Expression, Doc("How many of the catalog item are returned.")] = "1"
    price: Annotated[Expression | None, Doc("The unit price credited, if not the catalog's.")] = None

    def __post_init__(self) -> None:
        if self.code is None and self.amount is None:
            raise ValueError("a credit needs an amount (with a label) or a catalog code")
        if self.code is not None and self.amount is not None:
            raise ValueError("a credit has an amount or a code (with quantity and price), not both")
        if self.code is None and self.label is None:
            raise ValueError("a credit by amount needs a label saying what it is")
        if self.amount is not None and (self.price is not None or self.quantity != "1"):
            raise ValueError("quantity and price belong to a credit by catalog code")


@dataclass(frozen=True)
class CreditStep:
    """Take an amount off the invoice."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "credit"
    credit: Credit
    when: When = None


@dataclass(frozen=True)
class BilledTime:
    """Time billed at an hourly rate: max(duration, minimum) × rate × multiplier."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    code: Annotated[ItemCode, Doc("The catalog item of the work; its price is the hourly rate unless `rate` says.")]
    duration: Annotated[Expression, Doc("How long: a duration field or expression, e.g. `onsite_time`.")]
    rate: Annotated[Expression | None, Doc("The hourly rate, if not the catalog item's price.")] = None
    minimum: Annotated[Expression | None, Doc("The least time billed, e.g. `1 hour`.")] = None
    multiplier: Annotated[Expression, Doc("Times the rate, e.g. 2 for expedited work.")] = "1"
    label: Annotated[Template | None, Doc("What the invoice line says, if not the item's name.")] = None


@dataclass(frozen=True)
class TimeStep:
    """Bill time as an invoice line."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "time"
    time: BilledTime
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
    """A payment: how much, how, and why."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    amount: Annotated[
        Expression, Doc("due (what is left to pay, the default), total, a money field, or an expression.")
    ] = "due"
    method: Annotated[Template | None, Doc("How it was paid, e.g. '{payment_method}'.")] = None
    note: Template | None = None


@dataclass(frozen=True)
class PaymentStep:
    """Record a payment: it settles what is due so far."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "payment"
    payment: Payment
    when: When = None


@dataclass(frozen=True)
class Refund:
    """Money paid back to the customer: never more than the invoice owes them."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    amount: Annotated[
        Expression, Doc("refund_due (what the invoice owes the customer, the default) or an expression.")
    ] = "refund_due"
    method: Annotated[Template | None, Doc("How it is paid back, e.g. 'to the card used'.")] = None
    note: Template | None = None


@dataclass(frozen=True)
class RefundStep:
    """Record a refund paid back to the customer."""

    __pydantic_config__: ClassVar[dict[str, str]] = STRICT
    kind: ClassVar[str] = "refund"
    refund: Refund
    when: When = None


InvoiceStep = ItemStep | CreditStep | TimeStep | PastDueStep | PaymentStep | RefundStep
