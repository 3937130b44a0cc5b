"""The quiz's deviation report: the trainee's call next to the scenario's own.

Where the path parted, which answers differ, which results differ (outcome,
ticket, invoice lines and amounts, payments, refunds, notifications,
follow-ups, checklist, computed values) and a score. Nodes are named as
written (`pay/P-1`). The outcome, the ticket and the invoice amounts are
compared by the scenario expectations (callflow.testing.expectations); the
records of the call by their receipt form, so a credit with no code, billed
hours and a payment inside a procedure compare like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from callflow.call.summary import Summary, summarize
from callflow.record.wording import money_text, quantity_words
from callflow.testing.expectations import Mismatch, check_expectations
from callflow.testing.scenario import Expect

if TYPE_CHECKING:
    from callflow.call.engine import Session
    from callflow.testing.scenario import LoadedScenario


@dataclass
class QuizAnswer:
    """One answer of the trainee next to the scenario's."""

    node_id: str  # as written: pay/P-1
    field_id: str
    prompt: str
    given: str
    expected: str | None  # None: the scenario does not answer this question here
    matches: bool
    counted: bool  # took one of the scenario's answers (so it counts in the score)


@dataclass
class Deviation:
    """How the trainee's call differs from the scenario's."""

    scenario_path: str
    scenario_name: str
    expected_path: list[str]
    actual_path: list[str]
    answers: list[QuizAnswer]
    differences: list[Mismatch]
    expected_answers: int  # answers the scenario's own call takes
    ended: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def left_path_at(self) -> int | None:
        """Index of the first node where the trainee's path parts from the scenario's."""
        for i, (want, got) in enumerate(zip(self.expected_path, self.actual_path, strict=False)):
            if want != got:
                return i
        if len(self.expected_path) != len(self.actual_path):
            return min(len(self.expected_path), len(self.actual_path))
        return None

    @property
    def matched(self) -> int:
        return sum(1 for a in self.answers if a.matches)

    @property
    def score(self) -> int:
        """Percent of the scenario's answers given as the scenario gives them."""
        if self.expected_answers == 0:
            return 100
        return round(100 * min(self.matched, self.expected_answers) / self.expected_answers)

    def left_path_words(self) -> str | None:
        at = self.left_path_at
        if at is None:
            return None
        if at == 0:
            return "the call started at another node"
        after = self.actual_path[at - 1]
        expected = self.expected_path[at] if at < len(self.expected_path) else "the end"
        actual = self.actual_path[at] if at < len(self.actual_path) else (
            "the end" if self.ended else "where the rehearsal stopped"
        )
        return f"after {after}: went to {actual}, the scenario goes to {expected}"

    def to_dict(self) -> dict[str, Any]:
        at = self.left_path_at
        return {
            "scenario": {"path": self.scenario_path, "name": self.scenario_name},
            "score": self.score,
            "matched_answers": self.matched,
            "scenario_answers": self.expected_answers,
            "ended": self.ended,
            "left_path": None
            if at is None
            else {
                "after": self.actual_path[at - 1] if at else None,
                "went_to": self.actual_path[at] if at < len(self.actual_path) else None,
                "scenario_goes_to": self.expected_path[at] if at < len(self.expected_path) else None,
                "words": self.left_path_words(),
            },
            "expected_path": self.expected_path,
            "actual_path": self.actual_path,
            "answers": [
                {
                    "node": a.node_id,
                    "field": a.field_id,
                    "prompt": a.prompt,
                    "given": a.given,
                    "expected": a.expected,
                    "matches": a.matches,
                }
                for a in self.answers
            ],
            "differences": [d.to_dict() for d in self.differences],
        }


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def expect_from(summary: Summary) -> Expect:
    """What a call produced that the scenario expectations compare: its
    outcome, ticket and invoice amounts (the records are compared by `records_differ`)."""
    invoice = summary.invoice
    return Expect.model_validate(
        {
            "outcome": summary.outcome,
            "ticket": {f.key: f.value for f in summary.ticket},
            "invoice": {
                "subtotal": _money(invoice.subtotal),
                "past_due": _money(invoice.past_due),
                "total": _money(invoice.total),
                "paid": _money(invoice.paid),
                "due": _money(invoice.due),
            },
        }
    )


Show = Callable[[Any], str]


def _quoted(value: Any) -> str:
    return "nothing" if value is None or value == "" else f"'{value}'"


def _records(
    what: str, noun: str, expected: Sequence[dict[str, Any]], actual: Sequence[dict[str, Any]], keys: dict[str, Show]
) -> list[Mismatch]:
    """Two lists of records compared item by item on `keys` (each shown its way)."""

    def text(record: dict[str, Any]) -> str:
        return ", ".join(show(record.get(key)) for key, show in keys.items())

    if len(expected) != len(actual):
        return [
            Mismatch(
                (),
                what,
                f"expected {len(expected)} {noun}(s), got {len(actual)}",
                str(len(expected)),
                str(len(actual)),
                (
                    *(f"expected: {text(r)}" for r in expected),
                    *(f"actual:   {text(r)}" for r in actual),
                ),
            )
        ]
    found = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=True)):
        for key, show in keys.items():
            if want.get(key) != got.get(key):
                wanted, gave = show(want.get(key)), show(got.get(key))
                found.append(Mismatch((), f"{what}[{i + 1}].{key}", f"expected {wanted}, got {gave}", wanted, gave))
    return found


def _checked(item: dict[str, Any] | None) -> str:
    if item is None:
        return "nothing"
    if item["done"]:
        return "done"
    return "not done" + (f" ({item['reason']})" if item.get("reason") else "")


def records_differ(expected: dict[str, Any], actual: dict[str, Any]) -> list[Mismatch]:
    """What the two calls recorded differently, from their receipt data."""
    currency = expected["invoice"]["currency"]
    data = {"invoice": {"currency": currency}}

    def money(amount: Any) -> str:
        return "nothing" if amount is None else money_text(data, amount)

    def quantity(line_quantity: Any) -> str:
        return "nothing" if line_quantity is None else quantity_words(line_quantity, None)

    found = _records(
        "invoice.lines",
        "line",
        expected["invoice"]["lines"],
        actual["invoice"]["lines"],
        {"kind": str, "code": _quoted, "name": _quoted, "quantity": quantity, "unit_price": money, "amount": money},
    )
    for key in ("refunded", "refund_due"):
        want, got = expected["invoice"].get(key), actual["invoice"].get(key)
        if want != got:
            found.append(Mismatch((), f"invoice.{key}", f"expected {money(want)}, got {money(got)}", money(want), money(got)))
    paid: dict[str, Show] = {"amount": money, "method": _quoted, "note": _quoted, "node": str}
    found += _records("payments", "payment", expected["payments"], actual["payments"], paid)
    found += _records("refunds", "refund", expected.get("refunds", []), actual.get("refunds", []), paid)
    found += _records(
        "notifications", "notification", expected["notifications"], actual["notifications"],
        {"to": _quoted, "message": _quoted, "node": str},
    )  # fmt: skip
    found += _records(
        "follow_ups", "follow-up", expected["follow_ups"], actual["follow_ups"],
        {"text": _quoted, "owner": _quoted, "due": _quoted},
    )  # fmt: skip
    found += _by_key("checklist", expected.get("checklist", []), actual.get("checklist", []), "id", _checked, "done")
    found += _by_key("values", expected.get("values", []), actual.get("values", []), "name", _shown_value, "display")
    return found


def _shown_value(item: dict[str, Any] | None) -> str:
    return "not computed" if item is None else _quoted(item["display"])


def _by_key(
    what: str, expected: Sequence[dict[str, Any]], actual: Sequence[dict[str, Any]], key: str, show: Show, compared: str
) -> list[Mismatch]:
    """Records named by `key` (a checklist item by id, a value by name), compared on `compared`."""
    wanted = {item[key]: item for item in expected}
    got = {item[key]: item for item in actual}
    found = []
    for name in [*wanted, *(n for n in got if n not in wanted)]:
        want, have = wanted.get(name), got.get(name)
        if (want is None) != (have is None) or (want or {}).get(compared) != (have or {}).get(compared):
            found.append(Mismatch((), f"{what}.{name}", f"expected {show(want)}, got {show(have)}", show(want), show(have)))
    return found


def compare_calls(expected: Summary, actual: Summary) -> list[Mismatch]:
    """Every result of `actual` that differs from `expected`'s (the path aside)."""
    wanted = expect_from(expected)
    # A ticket field the trainee set and the scenario did not is a difference too.
    extra_keys = {f.key: None for f in actual.ticket if expected.ticket_value(f.key) is None}
    if extra_keys:
        wanted = wanted.model_copy(update={"ticket": {**(wanted.ticket or {}), **extra_keys}})
    differences = [m for m in check_expectations(wanted, actual) if m.what != "path"]
    return differences + records_differ(expected.to_dict(), actual.to_dict())


def deviation(
    scenario: LoadedScenario, reference: Session, trainee: Session, answers: list[QuizAnswer]
) -> Deviation:
    """Compare the trainee's call with the scenario's own."""
    expected = summarize(reference)
    actual = summarize(trainee)
    return Deviation(
        scenario.path,
        scenario.name,
        list(expected.path),
        list(actual.path),
        answers,
        compare_calls(expected, actual),
        len(reference.answers()),
        ended=trainee.ended,
    )
