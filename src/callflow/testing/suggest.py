"""What a route fixes, whatever the trainer writes for its TODO answers: the
ticket fields, invoice lines, credits, payments, refunds, computed values and
checklist confirmations its steps produce from constants, catalog prices,
the call's date and the answers the route itself dictates. `callflow paths
--scaffold` writes them as suggested expectations.

The route's steps are walked in order, as the engine would, but only with
what is fixed: a value that depends on a TODO answer (or on an amount that
does) is unknown, and so is everything it leads to. A step whose `when`
cannot be decided makes its kind of result unknown from there on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from callflow.call.values import Value as CallValue
from callflow.call.values import parse_answer
from callflow.flow import expressions as conditions
from callflow.flow.evaluate import Environment, EvaluationError, Value, evaluate, truthy
from callflow.flow.fixedvalues import fixed_value
from callflow.flow.index import FlowIndex
from callflow.flow.invoicesteps import CreditStep, ItemRef, ItemStep, PastDueStep, PaymentStep, RefundStep, TimeStep
from callflow.flow.model import Flow
from callflow.flow.money import ZERO, cents
from callflow.flow.scalars import AMOUNT_NAMES, catalog_reference
from callflow.flow.steps import AskStep, DoStep, NotifyStep, SetStep, TicketStep
from callflow.flow.templates import placeholders
from callflow.testing.paths import Route

UNKNOWN = object()


@dataclass(frozen=True)
class FixedLine:
    code: str | None
    kind: str
    name: str | None
    quantity: Decimal
    amount: Decimal


@dataclass
class Fixed:
    """What the route fixes; the `*_known` flags say whether a list is whole."""

    ticket: dict[str, str] = field(default_factory=dict)
    lines: list[FixedLine | None] = field(default_factory=list)  # None: a line (or none) the answers decide
    lines_known: bool = True
    payments: list[Decimal] = field(default_factory=list)
    payments_known: bool = True
    refunds: list[Decimal] = field(default_factory=list)
    refunds_known: bool = True
    notified: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    checklist: dict[str, str] = field(default_factory=dict)
    total: Decimal | None = None
    refund_due: Decimal | None = None


class _Known(Environment):
    def __init__(self, flow: Flow, index: FlowIndex, today: date) -> None:
        self.flow = flow
        self.index = index
        self.today = today
        self.values: dict[str, object] = {}  # name -> value, or UNKNOWN
        self.visited: Counter[str] = Counter()
        self.subtotal = self.past_due = self.paid = self.refunded = ZERO
        self.amounts_known = True

    def amount(self, name: str) -> Decimal:
        total = self.subtotal + self.past_due
        return {
            "subtotal": self.subtotal,
            "past_due": self.past_due,
            "total": total,
            "paid": self.paid,
            "refunded": self.refunded,
            "due": max(ZERO, total - self.paid + self.refunded),
            "refund_due": max(ZERO, self.paid - self.refunded - total),
        }[name]

    def known(self, name: str) -> bool:
        if name in self.values:
            return self.values[name] is not UNKNOWN
        if name in AMOUNT_NAMES:
            return self.amounts_known
        return name in self.flow.constants or name == "today" or catalog_reference(name) is not None

    def value(self, name: str) -> Value:
        found = self.values.get(name)
        if found is not None:
            return None if found is UNKNOWN else found  # type: ignore[return-value]
        if name in AMOUNT_NAMES:
            return cents(self.amount(name)) if self.amounts_known else None
        return fixed_value(self.flow, name, self.today)

    def visits(self, node_id: str) -> int:
        return self.visited[node_id]

    def is_money(self, expr: conditions.Expr) -> bool:
        return self.index.type_of(expr).kind == "money"

    def position(self, name: str, value: object) -> int | None:
        symbol = self.index.symbols.resolve(name)
        return symbol.position(value) if symbol is not None and symbol.ordered else None

    def compute(self, text: str | None) -> object:
        """The value of an expression, or UNKNOWN when it depends on what is not fixed."""
        if text is None:
            return None
        expr = self.index.expr(text)
        if not all(self.known(n.name) for n in conditions.names(expr)):
            return UNKNOWN
        try:
            return evaluate(expr, self)
        except EvaluationError:
            return UNKNOWN


def fixed_by_route(flow: Flow, index: FlowIndex, route: Route, given: dict[str, list[str | None]], today: date) -> Fixed:
    """What `route` fixes when the answers in `given` (question -> answers as
    typed, in the order asked; None for one still TODO) are all that is known."""
    env = _Known(flow, index, today)
    out = Fixed()
    asked: Counter[str] = Counter()
    for node_id in route.nodes:
        node = flow.nodes.get(node_id)
        if node is None:
            break
        env.visited[node_id] += 1
        for step in node.steps:
            when = env.compute(step.when) if step.when is not None else True
            if when is UNKNOWN:
                _unsure(step, env, out)
                continue
            if not truthy(when):  # type: ignore[arg-type]
                continue
            if isinstance(step, AskStep) or (isinstance(step, DoStep) and step.confirm is not None):
                _answered(step, env, out, given, asked, flow.currency)
            elif isinstance(step, SetStep):
                for name, text in step.set.items():
                    value = env.compute(text)
                    env.values[name] = value if value is not None else UNKNOWN
                    if value is not UNKNOWN and value is not None:
                        out.values[name] = _value_text(value, index, name)
                    else:
                        out.values.pop(name, None)
            else:
                _invoice_or_words(step, env, out)
        if node.choose is not None and node.choose.id in given:
            _answered_choice(node.choose.id, env, given, asked, index, flow.currency)
    if env.amounts_known:
        out.total = cents(env.amount("total"))
        out.refund_due = cents(env.amount("refund_due"))
    return out


def _answered(
    step: object, env: _Known, out: Fixed, given: dict[str, list[str | None]], asked: Counter[str], currency: str
) -> None:
    field_id = step.ask if isinstance(step, AskStep) else step.confirm  # type: ignore[attr-defined]
    answers = given.get(field_id, [])
    position = asked[field_id]
    asked[field_id] += 1
    question = env.index.questions.get(field_id)
    typed = answers[position] if position < len(answers) else None
    if question is None or typed is None:
        env.values[field_id] = UNKNOWN
        return
    try:
        value: CallValue = parse_answer(question, typed, currency, env.today)
    except ValueError:
        env.values[field_id] = UNKNOWN
        return
    env.values[field_id] = value
    if isinstance(step, DoStep):
        out.checklist[field_id] = "done" if value else "not done"


def _answered_choice(
    field_id: str, env: _Known, given: dict[str, list[str | None]], asked: Counter[str], index: FlowIndex, currency: str
) -> None:
    answers = given[field_id]
    position = asked[field_id]
    asked[field_id] += 1
    typed = answers[position] if position < len(answers) else None
    env.values[field_id] = UNKNOWN if typed is None else parse_answer(index.questions[field_id], typed, currency)


def _unsure(step: object, env: _Known, out: Fixed) -> None:
    """A step that may or may not run: what it would change is not fixed."""
    if isinstance(step, (ItemStep, CreditStep, TimeStep)):
        out.lines.append(None)
        out.lines_known = False
        env.amounts_known = False
    elif isinstance(step, PastDueStep):
        env.amounts_known = False
    elif isinstance(step, PaymentStep):
        out.payments_known = False
        env.amounts_known = False
    elif isinstance(step, RefundStep):
        out.refunds_known = False
        env.amounts_known = False
    elif isinstance(step, SetStep):
        for name in step.set:
            env.values[name] = UNKNOWN
            out.values.pop(name, None)
    elif isinstance(step, AskStep):
        env.values[step.ask] = UNKNOWN
    elif isinstance(step, DoStep) and step.confirm is not None:
        env.values[step.confirm] = UNKNOWN


def _money(value: object) -> Decimal | None:
    return cents(value) if isinstance(value, Decimal) else None


def _invoice_or_words(step: object, env: _Known, out: Fixed) -> None:
    line: FixedLine | object | None = None
    if isinstance(step, ItemStep):
        line = _item(step, env)
    elif isinstance(step, CreditStep):
        line = _credit(step, env)
    elif isinstance(step, TimeStep):
        line = _time(step, env)
    elif isinstance(step, PastDueStep):
        amount = _money(env.compute(step.past_due))
        if amount is None:
            env.amounts_known = False
        else:
            env.past_due = amount
    elif isinstance(step, PaymentStep):
        amount = _money(env.compute(step.payment.amount))
        if amount is None:
            out.payments_known = env.amounts_known = False
        else:
            out.payments.append(amount)
            env.paid += amount
    elif isinstance(step, RefundStep):
        amount = _money(env.compute(step.refund.amount))
        if amount is None:
            out.refunds_known = env.amounts_known = False
        elif amount:
            out.refunds.append(amount)
            env.refunded += amount
    elif isinstance(step, TicketStep):
        for key, template in step.ticket.items():
            if not placeholders(template):
                out.ticket[key] = template
    elif isinstance(step, NotifyStep) and not placeholders(step.notify.to):
        out.notified.append(step.notify.to)
    if isinstance(line, FixedLine):
        out.lines.append(line)
        env.subtotal += line.amount
    elif line is UNKNOWN:
        out.lines.append(None)
        out.lines_known = env.amounts_known = False


def _count(value: object) -> Decimal | None:
    if isinstance(value, Decimal) and value == value.to_integral_value() and value >= 0:
        return value
    return None


def _name(template: str | None) -> str | None:
    return template if template is not None and not placeholders(template) else None


def _item(step: ItemStep, env: _Known) -> FixedLine | object | None:
    ref = step.item if isinstance(step.item, ItemRef) else ItemRef(code=step.item)
    item = env.flow.catalog.get(ref.code)
    quantity = _count(env.compute(ref.quantity))
    price = _money(env.compute(ref.price)) if ref.price is not None else (item.price if item else None)
    if item is None or quantity is None or price is None:
        return UNKNOWN
    if quantity == 0:
        return None
    return FixedLine(ref.code, "item", _name(ref.label) or item.name, quantity, cents(price * quantity))


def _credit(step: CreditStep, env: _Known) -> FixedLine | object | None:
    credit = step.credit
    if credit.amount is not None:
        amount = _money(env.compute(credit.amount))
        if amount is None:
            return UNKNOWN
        return FixedLine(None, "credit", _name(credit.label), Decimal(1), -amount) if amount else None
    item = env.flow.catalog.get(credit.code or "")
    quantity = _count(env.compute(credit.quantity))
    price = _money(env.compute(credit.price)) if credit.price is not None else (item.price if item else None)
    if item is None or quantity is None or price is None:
        return UNKNOWN
    if quantity == 0:
        return None
    return FixedLine(credit.code, "credit", _name(credit.label) or item.name, quantity, -cents(price * quantity))


def _time(step: TimeStep, env: _Known) -> FixedLine | object | None:
    spec = step.time
    item = env.flow.catalog.get(spec.code)
    duration = env.compute(spec.duration)
    minimum = env.compute(spec.minimum) if spec.minimum is not None else None
    multiplier = env.compute(spec.multiplier)
    rate = _money(env.compute(spec.rate)) if spec.rate is not None else (item.price if item else None)
    parts = (duration, minimum, multiplier)
    if item is None or rate is None or any(p is UNKNOWN for p in parts) or not isinstance(duration, Decimal):
        return UNKNOWN
    if not isinstance(multiplier, Decimal):
        return UNKNOWN
    minutes = max(duration, minimum) if isinstance(minimum, Decimal) else duration
    if minutes == 0:
        return None
    hours = (minutes / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return FixedLine(spec.code, "time", _name(spec.label) or item.name, hours, cents(minutes * rate * multiplier / 60))


def _value_text(value: object, index: FlowIndex, name: str) -> str:
    symbol = index.symbols.resolve(name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        if symbol is not None and symbol.type == "money":
            return f"{cents(value):.2f}"
        if symbol is not None and symbol.type == "duration":
            from callflow.flow.durations import format_duration

            return format_duration(value)
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
