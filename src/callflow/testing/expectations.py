"""A scenario's expectations against the summary of the call it drove.

Each difference is a `Mismatch`: which expectation (its place in the scenario
file), what was expected, what the call gave, and for paths and lists the
lines that show where they part. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from callflow.call.events import InvoiceLine
from callflow.call.summary import Summary
from callflow.testing.expectrecords import (
    check_checklist,
    check_follow_ups,
    check_notifications,
    check_payments,
    check_values,
)
from callflow.testing.mismatch import Mismatch, Money, field_mismatches, quote, route_text
from callflow.testing.scenario import INVOICE_AMOUNTS, Expect, ExpectedInvoice, ExpectedLine

__all__ = ["Mismatch", "check_expectations", "route_text"]


def check_expectations(expect: Expect, summary: Summary) -> list[Mismatch]:
    """Every expectation the summary does not meet, in the order they are written."""
    found: list[Mismatch] = []
    money = Money(summary.invoice.currency)
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
        found += check_payments(("expect", "payments"), "payments", expect.payments, summary.payments, money)
    if expect.refunds is not None:
        found += check_payments(("expect", "refunds"), "refunds", expect.refunds, summary.refunds, money)
    if expect.notifications is not None:
        found += check_notifications(expect.notifications, summary.notifications)
    if expect.follow_ups is not None:
        found += check_follow_ups(expect.follow_ups, summary.follow_ups)
    if expect.checklist is not None:
        found += check_checklist(expect.checklist, summary.checklist)
    if expect.values is not None:
        found += check_values(expect.values, summary)
    return found


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


def line_text(line: InvoiceLine, money: Money) -> str:
    """`320 ADD-ON × 2 $40.00`, `credit Return of 2 bottles -$160.94`, `LAB Labour × 1.5 h $142.50`."""
    unit = f" {line.unit}" if line.unit else ""
    qty = f" × {_number(line.quantity)}{unit}" if line.quantity != 1 or unit else ""
    return f"{line.code or line.kind} {line.name}{qty} {money(line.amount)}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))


def _invoice(expected: ExpectedInvoice, summary: Summary, money: Money) -> list[Mismatch]:
    found: list[Mismatch] = []
    invoice = summary.invoice
    if expected.lines is not None:
        found += _lines(expected.lines, invoice.lines, money)
    for key in INVOICE_AMOUNTS:
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


def _lines(expected: Sequence[ExpectedLine], actual: Sequence[InvoiceLine], money: Money) -> list[Mismatch]:
    shown = tuple(f"actual:   {line_text(line, money)}" for line in actual) or ("actual:   no lines",)
    if len(expected) != len(actual):
        wanted = ", ".join(e.code or e.kind or e.name or "?" for e in expected) or "none"
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
        pairs = [
            ("code", want.code, got.code, str(want.code), str(got.code)),
            ("kind", want.kind, got.kind, str(want.kind), got.kind),
            ("name", want.name, got.name, quote(want.name), quote(got.name)),
            (
                "quantity",
                want.quantity,
                got.quantity,
                _number(want.quantity) if want.quantity is not None else "",
                _number(got.quantity),
            ),
            ("unit_price", want.unit_price, got.unit_price, money(want.unit_price), money(got.unit_price)),
            ("amount", want.amount, got.amount, money(want.amount), money(got.amount)),
        ]
        found += field_mismatches(("expect", "invoice", "lines", i), f"invoice.lines[{i + 1}]", pairs)
    return found
