"""Payment card numbers in free text, masked to their last four digits.

A director may type a card number into a free-text answer or a note ("card
4111 1111 1111 1111 declined"). Whatever callflow stores (journal, summary,
receipt) must not hold it, so such text is masked when it is recorded:
`XXXX XXXX XXXX 1111`. The separators stay, so the shape still reads as a
card number, and the text stays the same length.

A card number is a run of 13 to 19 ASCII digits, single spaces or dashes
allowed between them, that passes the Luhn check. A longer run of digit
groups (two cards pasted one after the other, a card followed by its
expiry year) is searched for such numbers made of whole groups.
"""

from __future__ import annotations

import re

MIN_DIGITS = 13
MAX_DIGITS = 19
KEPT_DIGITS = 4
MAX_GROUPS_SEARCHED = 64
MASK = "X"

# Digit groups joined by one space or one dash; ASCII digits only (\d would
# take other scripts' digits, which no card number is written in).
_RUN = re.compile(r"[0-9]+(?:[ -][0-9]+)*")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of ASCII digits holds."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
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
        if "0" <= char <= "9":
            count += 1
            if count >= MIN_DIGITS:
                return True
    return False


def _mask_run(run: str) -> str:
    """The run with its card numbers masked (unchanged if it holds none)."""
    groups = run.replace("-", " ").split(" ")
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
    pieces: list[str] = []
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
            pieces.append(groups[first])
            first += 1
        else:
            pieces.append(_mask_digits(" ".join(groups[first : best + 1]), keep=KEPT_DIGITS))
            first = best + 1
    # Put the run's own separators back between the groups.
    joined = " ".join(pieces)
    return "".join(s if s in " -" else j for s, j in zip(run, joined, strict=True))


def _mask_digits(text: str, *, keep: int) -> str:
    """Every ASCII digit of the text but the last `keep` replaced by the mask."""
    total = sum(1 for c in text if "0" <= c <= "9")
    seen = 0
    chars = []
    for char in text:
        if "0" <= char <= "9":
            seen += 1
            chars.append(char if seen > total - keep else MASK)
        else:
            chars.append(char)
    return "".join(chars)
