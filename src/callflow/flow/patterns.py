"""A field's `pattern`, checked in time linear in the answer whatever the flow says.

Python's `re` backtracks: `(a+)+` against thirty a's and a `!` takes most of a
minute, and a flow is text anyone may have written. Patterns are compiled
and matched with RE2 (google-re2), which never backtracks and keeps each
pattern within a memory budget. What RE2 does not do (back-references,
look-around) and what no call needs (a pattern over 1,000 characters, a
repetition over 1,000) is refused when the flow loads, with a message that
says so; lint reports it at the pattern.

RE2 reads `\\d`, `\\w` and `\\s` as ASCII, as a typed code expects.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MAX_PATTERN_LENGTH = 1000
MAX_REPEAT = 1000
PATTERN_MEMORY = 1 << 20  # bytes RE2 may use for one pattern
_REPEAT = re.compile(r"(?<!\\)\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")


class PatternError(ValueError):
    """A pattern callflow does not take; the message says why."""


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    """The RE2 object of a pattern (checked), remembered."""
    import re2  # here: only a flow with patterns pays for it

    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"the pattern is longer than {MAX_PATTERN_LENGTH:,} characters")
    for match in _REPEAT.finditer(pattern):
        counts = [int(c) for c in match.groups() if c]
        if any(c > MAX_REPEAT for c in counts):
            raise PatternError(f"'{match.group(0)}' repeats more than {MAX_REPEAT:,} times")
    options = re2.Options()
    options.log_errors = False
    options.max_mem = PATTERN_MEMORY
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        why = exc.args[0] if exc.args else "invalid"
        if isinstance(why, bytes):
            why = why.decode("utf-8", errors="replace")
        raise PatternError(f"the pattern is not one callflow can check: {why}") from None
    except Exception as exc:  # RE2 refuses in other ways too (memory): never a traceback
        raise PatternError(f"the pattern is not one callflow can check: {exc}") from None


def check_pattern(pattern: str) -> None:
    """Raise PatternError unless the pattern can be checked in bounded time."""
    compiled(pattern)


def fits(pattern: str, text: str) -> bool:
    """Whether the whole text matches the pattern."""
    return compiled(pattern).fullmatch(text) is not None
