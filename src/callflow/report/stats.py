"""Counting without keeping every value: exact medians and percentiles from
a histogram of tenths of a second, and money in whole cents.

A report over 100,000 calls keeps, per group, how often each duration (to
0.1 s, as receipts keep it) occurred, not the durations: memory grows with
the number of different values, not with the number of calls, and the
quantiles are still exact. They are the spreadsheet's (PERCENTILE.INC,
numpy's default): the value at rank p·(n−1), between two values linearly,
so the median of 10 and 20 is 15.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal


class Histogram:
    """How often each value (in tenths) was seen."""

    __slots__ = ("counts", "n")

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.n = 0

    def add(self, seconds: float) -> None:
        self.counts[round(seconds * 10)] += 1
        self.n += 1

    def merge(self, other: Histogram) -> None:
        self.counts.update(other.counts)
        self.n += other.n

    def quantile(self, p: float) -> float | None:
        """The p-quantile (0 ≤ p ≤ 1) in seconds, to 0.1 s; None if empty."""
        if self.n == 0:
            return None
        rank = p * (self.n - 1)
        low_rank = math.floor(rank)
        fraction = rank - low_rank
        low = high = None
        seen = 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            if low is None and seen > low_rank:
                low = value
            if seen > low_rank + 1 or (seen > low_rank and fraction == 0):
                high = value
                break
        assert low is not None
        if high is None:
            high = low
        return round((low + (high - low) * fraction) / 10, 1)

    @property
    def median(self) -> float | None:
        return self.quantile(0.5)

    @property
    def p90(self) -> float | None:
        return self.quantile(0.9)

    def to_dict(self) -> dict[str, float | int | None]:
        return {"count": self.n, "median": self.median, "p90": self.p90}

    def bins(self, edges: list[float]) -> list[int]:
        """How many values fall in [edges[i], edges[i+1]) (the last bin takes the rest)."""
        out = [0] * len(edges)
        for value, count in self.counts.items():
            seconds = value / 10
            index = 0
            for i, edge in enumerate(edges):
                if seconds >= edge:
                    index = i
            out[index] += count
        return out


def past_due_collected(subtotal: int, past_due: int, paid: int, refunded: int) -> int:
    """What the payments (less refunds) paid of the past-due balance: they
    pay the call's own lines first, then the balance."""
    if past_due <= 0:
        return 0
    return min(past_due, max(0, paid - refunded - max(0, subtotal)))


def money_text(cents: int) -> str:
    """Whole cents as a receipt writes money: `65.50`, `-9.00`."""
    return f"{Decimal(cents) / 100:.2f}"


def share(part: int, whole: int) -> float:
    """A percentage to one decimal."""
    return round(100 * part / whole, 1) if whole else 0.0
