"""What a call recorded besides its path and invoice, checked against a
scenario: payments and refunds, notifications, follow-ups, checklist
confirmations and computed values. Nodes are compared as a person reads
them (`pay/P-1` for a node of procedure `pay`, whichever node called it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from callflow.call.events import FollowUp, Notified, PaymentTaken, RefundGiven
from callflow.call.summary import CheckedItem, Summary
from callflow.flow.durations import DurationError, parse_duration
from callflow.flow.procedures import shown
from callflow.testing.mismatch import Mismatch, Money, count_mismatch, field_mismatches, quote
from callflow.testing.scenario import (
    ExpectedCheck,
    ExpectedFollowUp,
    ExpectedNotification,
    ExpectedPayment,
    parse_expected_amount,
)


def _payment_text(payment: PaymentTaken | RefundGiven, money: Money) -> str:
    parts = [money(payment.amount)]
    if payment.method:
        parts.append(payment.method)
    if payment.note:
        parts.append(f"({payment.note})")
    return " ".join(parts) + f" at {shown(payment.node_id)}"


def check_payments(
    loc: tuple[Any, ...],
    what: str,
    expected: Sequence[ExpectedPayment],
    actual: Sequence[PaymentTaken | RefundGiven],
    money: Money,
) -> list[Mismatch]:
    """Payments (or refunds): the whole list in order, each by what is written."""
    if len(expected) != len(actual):
        words = "payment" if what == "payments" else "refund"
        return [count_mismatch(loc, what, len(expected), actual, words, lambda p: _payment_text(p, money))]
    found = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        node = shown(got.node_id)
        pairs = [
            ("amount", want.amount, got.amount, money(want.amount), money(got.amount)),
            ("method", want.method, got.method, quote(want.method), quote(got.method)),
            ("note", want.note, got.note, quote(want.note), quote(got.note)),
            ("node", want.node, node, str(want.node), node),
        ]
        found += field_mismatches((*loc, i), f"{what}[{i + 1}]", pairs)
    return found


def _notification_text(notified: Notified) -> str:
    return f"{notified.to}" + (f": {notified.message}" if notified.message else "") + f" at {shown(notified.node_id)}"


def check_notifications(expected: Sequence[ExpectedNotification], actual: Sequence[Notified]) -> list[Mismatch]:
    loc = ("expect", "notifications")
    if len(expected) != len(actual):
        return [count_mismatch(loc, "notifications", len(expected), actual, "notification", _notification_text)]
    found = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        node = shown(got.node_id)
        pairs = [
            ("to", want.to, got.to, quote(want.to), quote(got.to)),
            ("message", want.message, got.message, quote(want.message), quote(got.message)),
            ("node", want.node, node, quote(want.node), quote(node)),
        ]
        found += field_mismatches((*loc, i), f"notifications[{i + 1}]", pairs)
    return found


def _follow_up_text(follow_up: FollowUp) -> str:
    extra = [f"by {follow_up.owner}" if follow_up.owner else "", f"due {follow_up.due}" if follow_up.due else ""]
    return " ".join([follow_up.text, *(e for e in extra if e)])


def check_follow_ups(expected: Sequence[str | ExpectedFollowUp], actual: Sequence[FollowUp]) -> list[Mismatch]:
    """The whole list in order; a plain text checks the text only."""
    loc = ("expect", "follow_ups")
    if len(expected) != len(actual):
        return [count_mismatch(loc, "follow_ups", len(expected), actual, "follow-up", _follow_up_text)]
    found = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        spec = ExpectedFollowUp(text=want, owner=None, due=None) if isinstance(want, str) else want
        pairs = [
            ("text", spec.text, got.text, quote(spec.text), quote(got.text)),
            ("owner", spec.owner, got.owner, quote(spec.owner), quote(got.owner)),
            ("due", spec.due, got.due, quote(spec.due), quote(got.due)),
        ]
        mismatches = field_mismatches((*loc, i), f"follow_ups[{i + 1}]", pairs)
        if isinstance(want, str):
            # The plain form names the follow-up itself, not a key under it.
            mismatches = [Mismatch((*loc, i), f"follow_ups[{i + 1}]", m.message, m.expected, m.actual) for m in mismatches]
        found += mismatches
    return found


def _check_text(item: CheckedItem | ExpectedCheck | None) -> str:
    if item is None:
        return "never confirmed"
    if item.done:
        return "done"
    return f"not done: {item.reason}" if item.reason else "not done"


def _check_mismatch(loc: tuple[Any, ...], what: str, want: ExpectedCheck, got: CheckedItem | None) -> list[Mismatch]:
    if got is not None and got.done == want.done and (want.reason is None or want.reason == got.reason):
        return []
    expected, actual = _check_text(want), _check_text(got)
    return [Mismatch(loc, what, f"expected {expected}, got {actual}", expected, actual)]


def check_checklist(
    expected: Mapping[str, ExpectedCheck | list[ExpectedCheck] | None], actual: Sequence[CheckedItem]
) -> list[Mismatch]:
    """Each confirmation by id: one expectation checks how it last stood, a
    list checks every time it was confirmed, null that it never was."""
    found: list[Mismatch] = []
    for key, want in expected.items():
        items = [c for c in actual if c.id == key]
        loc = ("expect", "checklist", key)
        what = f"checklist.{key}"
        if want is None:
            if items:
                found.append(Mismatch(loc, what, f"expected never confirmed, got {_check_text(items[-1])}", None, _check_text(items[-1])))
        elif isinstance(want, list):
            if len(want) != len(items):
                found.append(count_mismatch(loc, what, len(want), items, "confirmation", _check_text))
                continue
            for i, (one, got) in enumerate(zip(want, items, strict=True)):
                found += _check_mismatch((*loc, i), f"{what}[{i + 1}]", one, got)
        else:
            found += _check_mismatch(loc, what, want, items[-1] if items else None)
    return found


def _value_matches(written: str, value: object, display: str) -> bool:
    if isinstance(value, bool):
        return written.strip().casefold() in (("yes", "true", "done") if value else ("no", "false"))
    if isinstance(value, Decimal):
        amount = parse_expected_amount(written)
        if amount is not None:
            return amount == value
        try:
            return parse_duration(written) == value
        except DurationError:
            return written.strip() == display
    return written.strip() in (str(value), display)


def check_values(expected: Mapping[str, str | None], summary: Summary) -> list[Mismatch]:
    """Computed values as they stand at the end: amounts compare as amounts,
    durations as durations (`90 min` is `1 h 30 min`), the rest as text."""
    standing = {c.name: c for c in summary.computed}
    found = []
    for name, want in expected.items():
        loc = ("expect", "values", name)
        got = standing.get(name)
        actual = None if got is None or got.value is None else got.display or str(got.value)
        if want is None or want == "":
            if actual is not None:
                found.append(Mismatch(loc, f"values.{name}", f"expected no value, got {actual}", None, actual))
            continue
        if got is None or got.value is None:
            found.append(Mismatch(loc, f"values.{name}", f"expected {want}, but it was never computed", want, None))
        elif not _value_matches(want, got.value, got.display):
            found.append(Mismatch(loc, f"values.{name}", f"expected {want}, got {actual}", want, actual))
    return found
