"""Characters that would drive a terminal or hide text rather than be read:
C0 controls but newline and tab, DEL, C1 controls, and the Unicode marks that
reorder or hide text (bidirectional overrides and isolates, zero-width).

One definition for the screens and receipts (`visible` shows each as a mark)
and for lint (which warns where a flow holds one)."""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _picture(match: re.Match[str]) -> str:
    return picture(match.group())


def picture(char: str) -> str:
    """How one control character is shown: ␛ for ESC, ␇ for BEL, <U+202E> ..."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def visible(text: object) -> str:
    """Text with every control character shown as a visible mark (ESC as ␛),
    so nothing a flow or a caller wrote can move the cursor, change colours,
    retitle the window or reorder what the director reads."""
    return CONTROL_CHARACTERS.sub(_picture, str(text))
