"""Payment card numbers in free text, masked to their last four digits.

A director may type a card number into a free-text answer or a note ("card
4111 1111 1111 1111 declined"). Whatever callflow stores (journal, summary,
receipt) must not hold it, so such text is masked when it is recorded:
`XXXX XXXX XXXX 1111`. The separators stay, so the shape still reads as a
card number, and the text stays the same length.

A card number is a run of 13 to 19 digits that passes the Luhn check,
whatever is typed between its digit groups: spaces (several, or no-break),
dashes of any kind, dots, slashes, underscores, parentheses. Digits of any
script count (full-width ４１１１ is a card number too). A longer run of digit
groups (two cards pasted one after the other, a card followed by its expiry
year) is searched for such numbers made of whole groups. The same function
masks every answer, note and line shown, whatever the field's type.
"""

from __future__ import annotations

import re
import unicodedata

MIN_DIGITS = 13
MAX_DIGITS = 19
KEPT_DIGITS = 4
MAX_GROUPS_SEARCHED = 64
MASK = "X"

# What people type between the groups of a card number.
_SEPARATORS = " \u00a0\u2007\u2009\u202f\u3000\\-\u2010-\u2015./_()"
# Digit groups (\d is every script's digits) with up to three separators between them.
_RUN = re.compile(rf"\d+(?:[{_SEPARATORS}]{{1,3}}\d+)*")
_GROUP = re.compile(r"\d+")


def _value(char: str) -> int:
    return unicodedata.decimal(char, 0)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits (of any script) holds."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = _value(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def mask_card_numbers(text: str) -> str:
    """The text with every card number masked to its last four digits."""
    if len(text) < MIN_DIGITS or not _has_enough_digits(text):
        return text
    pieces: list[str] = []
    last = 0
    for match in _RUN.finditer(text):
        run = match.group(0)
        masked = _mask_run(run)
        if masked != run:
            pieces.append(text[last : match.start()])
            pieces.append(masked)
            last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def contains_card_number(text: str) -> bool:
    return mask_card_numbers(text) != text


def _has_enough_digits(text: str) -> bool:
    # Cheap rejection of ordinary text: fewer than 13 digits in all.
    count = 0
    for char in text:
        if char.isdecimal():
            count += 1
            if count >= MIN_DIGITS:
                return True
    return False


def _mask_run(run: str) -> str:
    """The run with its card numbers masked (unchanged if it holds none)."""
    spans = [(m.start(), m.end()) for m in _GROUP.finditer(run)]
    groups = [run[a:b] for a, b in spans]
    lengths = [len(g) for g in groups]
    total = sum(lengths)
    if total < MIN_DIGITS:
        return run
    if total <= MAX_DIGITS and luhn_valid("".join(groups)):
        return _mask_digits(run, keep=KEPT_DIGITS)
    if len(groups) == 1:
        return run  # one unbroken run longer than a card number: not one
    if len(groups) > MAX_GROUPS_SEARCHED:
        # Hundreds of digit groups joined by single spaces is not typed text;
        # searching it costs time for nothing, so all of it is masked.
        return _mask_digits(run, keep=KEPT_DIGITS)
    chars = list(run)
    first = 0
    while first < len(groups):
        best = -1
        count = 0
        for last in range(first, len(groups)):
            count += lengths[last]
            if count > MAX_DIGITS:
                break
            if count >= MIN_DIGITS and luhn_valid("".join(groups[first : last + 1])):
                best = last  # the longest card number starting at this group
        if best < 0:
            first += 1
            continue
        # Mask the digits of groups first..best in place, keeping the last four.
        start, end = spans[first][0], spans[best][1]
        chars[start:end] = _mask_digits(run[start:end], keep=KEPT_DIGITS)
        first = best + 1
    return "".join(chars)


def _mask_digits(text: str, *, keep: int) -> str:
    """Every digit of the text but the last `keep` replaced by the mask."""
    total = sum(1 for c in text if c.isdecimal())
    seen = 0
    chars = []
    for char in text:
        if char.isdecimal():
            seen += 1
            chars.append(char if seen > total - keep else MASK)
        else:
            chars.append(char)
    return "".join(chars)
