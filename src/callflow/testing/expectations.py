"""A scenario's expectations against the summary of the call it drove.

Each difference is a `Mismatch`: which expectation (its place in the scenario
file), what was expected, what the call gave, and for paths and lists the
lines that show where they part. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from callflow.call.events import InvoiceLine, Notified, PaymentTaken
from callflow.call.summary import Summary
from callflow.flow.money import format_money
from callflow.testing.scenario import (
    Expect,
    ExpectedInvoice,
    ExpectedLine,
    ExpectedNotification,
    ExpectedPayment,
)

ARROW = " → "


@dataclass(frozen=True)
class Mismatch:
    """One expectation the call did not meet."""

    loc: tuple[Any, ...]  # where the expectation is in the scenario file
    what: str  # e.g. "invoice.total", "path"
    message: str
    expected: str | None = None
    actual: str | None = None
    detail: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.what,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "detail": list(self.detail),
        }


def _quote(text: str | None) -> str:
    return "nothing" if text is None else f"'{text}'"


def route_text(nodes: Sequence[str]) -> str:
    return ARROW.join(nodes) if nodes else "(nothing)"


def check_expectations(expect: Expect, summary: Summary) -> list[Mismatch]:
    """Every expectation the summary does not meet, in the order they are written."""
    found: list[Mismatch] = []
    money = _Money(summary.invoice.currency)
    path = list(summary.path)
    if expect.path is not None:
        found += _whole_path(expect.path, path)
    if expect.path_includes is not None:
        found += _path_includes(expect.path_includes, path)
    if expect.path_excludes is not None:
        found += [
            Mismatch(
                ("expect", "path_excludes", i),
                "path_excludes",
                f"the path passes {node}, which it must not",
                actual=route_text(path),
            )
            for i, node in enumerate(expect.path_excludes)
            if node in path
        ]
    if expect.outcome is not None and expect.outcome != summary.outcome:
        actual = summary.outcome or "the call did not end"
        found.append(
            Mismatch(
                ("expect", "outcome"),
                "outcome",
                f"expected {expect.outcome}, got {actual}",
                expect.outcome,
                summary.outcome,
            )
        )
    if expect.ticket is not None:
        found += _ticket(expect.ticket, summary)
    if expect.invoice is not None:
        found += _invoice(expect.invoice, summary, money)
    if expect.payments is not None:
        found += _payments(expect.payments, summary.payments, money)
    if expect.notifications is not None:
        found += _notifications(expect.notifications, summary.notifications)
    if expect.follow_ups is not None:
        actual_follow_ups = [f.text for f in summary.follow_ups]
        if list(expect.follow_ups) != actual_follow_ups:
            found.append(
                Mismatch(
                    ("expect", "follow_ups"),
                    "follow_ups",
                    f"expected {len(expect.follow_ups)} follow-up(s), got {len(actual_follow_ups)}"
                    if len(expect.follow_ups) != len(actual_follow_ups)
                    else "the follow-ups differ",
                    detail=(
                        *(f"expected: {t}" for t in expect.follow_ups),
                        *(f"actual:   {t}" for t in actual_follow_ups),
                    ),
                )
            )
    return found


class _Money:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    def __call__(self, amount: Decimal | None) -> str:
        return "nothing" if amount is None else format_money(amount, self.currency)


def _whole_path(expected: Sequence[str], actual: Sequence[str]) -> list[Mismatch]:
    if list(expected) == list(actual):
        return []
    at = next((i for i, (e, a) in enumerate(zip(expected, actual, strict=False)) if e != a), None)
    if at is not None:
        message = f"the path differs at step {at + 1}: expected {expected[at]}, got {actual[at]}"
        loc: tuple[Any, ...] = ("expect", "path", at)
    elif len(actual) < len(expected):
        message = (
            f"the path stops after {actual[-1] if actual else 'the start'} (step {len(actual)}): "
            f"expected {len(expected)} steps, next {expected[len(actual)]}"
        )
        loc = ("expect", "path", len(actual))
    else:
        message = f"the path goes on after {expected[-1]}: expected {len(expected)} steps, got {len(actual)}"
        loc = ("expect", "path")
    return [
        Mismatch(
            loc,
            "path",
            message,
            route_text(expected),
            route_text(actual),
            (f"expected: {route_text(expected)}", f"actual:   {route_text(actual)}"),
        )
    ]


def _path_includes(expected: Sequence[str], actual: Sequence[str]) -> list[Mismatch]:
    position = 0
    for i, node in enumerate(expected):
        try:
            position = actual.index(node, position) + 1
        except ValueError:
            before = f" after {expected[i - 1]}" if i else ""
            if node in actual and i:
                message = f"the path passes {node}, but not{before}"
            else:
                message = f"the path does not pass {node}{before}"
            return [
                Mismatch(
                    ("expect", "path_includes", i),
                    "path_includes",
                    message,
                    route_text(expected),
                    route_text(actual),
                    (f"expected in order: {route_text(expected)}", f"actual path:       {route_text(actual)}"),
                )
            ]
    return []


def _ticket(expected: dict[str, str | None], summary: Summary) -> list[Mismatch]:
    found = []
    for key, want in expected.items():
        got = summary.ticket_value(key)
        where = ("expect", "ticket", key)
        if want is None:
            if got not in (None, ""):
                found.append(Mismatch(where, f"ticket.{key}", f"expected not set, got '{got}'", None, got))
            continue
        if got is None:
            started = "" if summary.ticket_started else " (no ticket was created)"
            found.append(
                Mismatch(where, f"ticket.{key}", f"expected '{want}', but it is not set{started}", want, None)
            )
        elif got != want:
            found.append(Mismatch(where, f"ticket.{key}", f"expected '{want}', got '{got}'", want, got))
    return found


def _line_text(line: InvoiceLine, money: _Money) -> str:
    qty = f" × {line.quantity}" if line.quantity != 1 else ""
    return f"{line.code} {line.name}{qty} {money(line.amount)}"


def _invoice(expected: ExpectedInvoice, summary: Summary, money: _Money) -> list[Mismatch]:
    found: list[Mismatch] = []
    invoice = summary.invoice
    if expected.lines is not None:
        found += _lines(expected.lines, invoice.lines, money)
    for key in ("subtotal", "past_due", "total", "paid", "due"):
        want: Decimal | None = getattr(expected, key)
        got: Decimal = getattr(invoice, key)
        if want is not None and want != got:
            found.append(
                Mismatch(
                    ("expect", "invoice", key),
                    f"invoice.{key}",
                    f"expected {money(want)}, got {money(got)}",
                    money(want),
                    money(got),
                )
            )
    return found


def _lines(expected: Sequence[ExpectedLine], actual: Sequence[InvoiceLine], money: _Money) -> list[Mismatch]:
    shown = tuple(f"actual:   {_line_text(line, money)}" for line in actual) or ("actual:   no lines",)
    if len(expected) != len(actual):
        wanted = ", ".join(e.code for e in expected) or "none"
        return [
            Mismatch(
                ("expect", "invoice", "lines"),
                "invoice.lines",
                f"expected {len(expected)} line(s) ({wanted}), got {len(actual)}",
                str(len(expected)),
                str(len(actual)),
                shown,
            )
        ]
    found = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        pairs: list[tuple[str, object, object, str, str]] = [
            ("code", want.code, got.code, str(want.code), str(got.code)),
            ("name", want.name, got.name, _quote(want.name), _quote(got.name)),
            ("quantity", want.quantity, got.quantity, str(want.quantity), str(got.quantity)),
            ("unit_price", want.unit_price, got.unit_price, money(want.unit_price), money(got.unit_price)),
            ("amount", want.amount, got.amount, money(want.amount), money(got.amount)),
        ]
        for key, want_value, got_value, want_text, got_text in pairs:
            if want_value is not None and want_value != got_value:
                found.append(
                    Mismatch(
                        ("expect", "invoice", "lines", i, key),
                        f"invoice.lines[{i + 1}].{key}",
                        f"expected {want_text}, got {got_text}",
                        want_text,
                        got_text,
                    )
                )
    return found


def _payment_text(payment: PaymentTaken, money: _Money) -> str:
    parts = [money(payment.amount)]
    if payment.method:
        parts.append(payment.method)
    if payment.note:
        parts.append(f"({payment.note})")
    return " ".join(parts) + f" at {payment.node_id}"


def _payments(expected: Sequence[ExpectedPayment], actual: Sequence[PaymentTaken], money: _Money) -> list[Mismatch]:
    if len(expected) != len(actual):
        return [
            Mismatch(
                ("expect", "payments"),
                "payments",
                f"expected {len(expected)} payment(s), got {len(actual)}",
                str(len(expected)),
                str(len(actual)),
                tuple(f"actual:   {_payment_text(p, money)}" for p in actual) or ("actual:   no payments",),
            )
        ]
    found = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        pairs: list[tuple[str, object, object, str, str]] = [
            ("amount", want.amount, got.amount, money(want.amount), money(got.amount)),
            ("method", want.method, got.method, _quote(want.method), _quote(got.method)),
            ("note", want.note, got.note, _quote(want.note), _quote(got.note)),
            ("node", want.node, got.node_id, str(want.node), got.node_id),
        ]
        for key, want_value, got_value, want_text, got_text in pairs:
            if want_value is not None and want_value != got_value:
                found.append(
                    Mismatch(
                        ("expect", "payments", i, key),
                        f"payments[{i + 1}].{key}",
                        f"expected {want_text}, got {got_text}",
                        want_text,
                        got_text,
                    )
                )
    return found


def _notification_text(notified: Notified) -> str:
    return f"{notified.to}" + (f": {notified.message}" if notified.message else "") + f" at {notified.node_id}"


def _notifications(expected: Sequence[ExpectedNotification], actual: Sequence[Notified]) -> list[Mismatch]:
    if len(expected) != len(actual):
        return [
            Mismatch(
                ("expect", "notifications"),
                "notifications",
                f"expected {len(expected)} notification(s), got {len(actual)}",
                str(len(expected)),
                str(len(actual)),
                tuple(f"actual:   {_notification_text(n)}" for n in actual) or ("actual:   no notifications",),
            )
        ]
    found = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        pairs: list[tuple[str, object, object]] = [
            ("to", want.to, got.to),
            ("message", want.message, got.message),
            ("node", want.node, got.node_id),
        ]
        for key, want_value, got_value in pairs:
            if want_value is not None and want_value != got_value:
                found.append(
                    Mismatch(
                        ("expect", "notifications", i, key),
                        f"notifications[{i + 1}].{key}",
                        f"expected {_quote(str(want_value))}, got {_quote(None if got_value is None else str(got_value))}",
                        str(want_value),
                        None if got_value is None else str(got_value),
                    )
                )
    return found
