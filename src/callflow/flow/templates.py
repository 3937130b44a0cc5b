"""Words with named blanks: `"This is {agent}. Your total is {total}."`

A placeholder is `{name}` or a dotted name such as `{catalog.320.price}`;
`{{` and `}}` are literal braces. Nothing else is allowed between braces, so
no attribute access, indexing or format specs (`{x:>999999999}`) can reach
Python: rendering looks names up through a function the engine supplies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

BLANK = "_____"

NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_][A-Za-z0-9_-]*)*"
_NAME_RE = re.compile(NAME + r"\Z")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|\{|\}")


class TemplateError(ValueError):
    """A malformed placeholder, with the character offset where it starts."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Placeholder:
    name: str
    offset: int  # where `{` stands in the template text


Part = str | Placeholder


@lru_cache(maxsize=65536)
def parse_template(text: str) -> tuple[Part, ...]:
    """Split text into literal parts and placeholders, or raise TemplateError."""
    if "{" not in text and "}" not in text:
        return (text,) if text else ()
    parts: list[Part] = []
    literal: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        literal.append(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        if token == "{{":
            literal.append("{")
        elif token == "}}":
            literal.append("}")
        elif token == "{":
            raise TemplateError("'{' is not closed (write '{{' for a literal brace)", match.start())
        elif token == "}":
            raise TemplateError("'}' has no opening '{' (write '}}' for a literal brace)", match.start())
        else:
            name = match.group(1).strip()
            if not _NAME_RE.match(name):
                raise TemplateError(
                    f"'{token}' is not a placeholder: write a name such as {{agent}} or {{total}}",
                    match.start(),
                )
            if literal:
                joined = "".join(literal)
                if joined:
                    parts.append(joined)
                literal = []
            parts.append(Placeholder(name, match.start()))
    literal.append(text[pos:])
    joined = "".join(literal)
    if joined:
        parts.append(joined)
    return tuple(parts)


def check_template(text: str) -> str:
    """pydantic validator: a template must parse."""
    parse_template(text)
    return text


def placeholders(text: str) -> list[Placeholder]:
    """The placeholders of a (valid) template, in order."""
    return [p for p in parse_template(text) if isinstance(p, Placeholder)]


def render(text: str, lookup: Callable[[str], str | None], blank: str = BLANK) -> str:
    """Fill the blanks; a name with no value yet shows as a visible blank."""
    out: list[str] = []
    for part in parse_template(text):
        if isinstance(part, str):
            out.append(part)
        else:
            value = lookup(part.name)
            out.append(blank if value is None or value == "" else value)
    return "".join(out)
