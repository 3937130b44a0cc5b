"""Text that matches a field's `pattern`, for generated answers.

Flows use small patterns: `\\d{6}`, `[A-Z]{2}-\\d+`, `[^@\\s]+@[^@\\s]+\\.[^@\\s]+`.
This reads that subset of Python's regular expressions (literals, escapes
such as `\\d \\w \\s`, character classes with ranges and negation, `.`,
groups with `|`, and the quantifiers `? * + {n} {n,} {n,m}`) and draws a
random string from it. Anything else (look-arounds, back-references, inline
flags) raises PatternNotSupported, naming it. Callers still check the result
with `re.fullmatch`, the only authority on what matches.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

# What `.`, `\S`, `\W` and negated classes draw from: printable, mostly plain.
ALPHABET = string.ascii_letters + string.digits + " ._-@,"
DIGITS = string.digits
WORD = string.ascii_letters + string.digits + "_"
SPACE = " "
UNBOUNDED_EXTRA = 6  # `*`, `+`, `{n,}` repeat at most this many times more


class PatternNotSupported(ValueError):
    """The pattern uses something the generator cannot draw from."""


@dataclass(frozen=True)
class _Chars:
    chars: str


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Alt:
    options: tuple[_Node, ...]


@dataclass(frozen=True)
class _Repeat:
    item: _Node
    least: int
    most: int


_Node = _Chars | _Seq | _Alt | _Repeat

_CLASS_ESCAPES = {"d": DIGITS, "w": WORD, "s": SPACE}
_NEGATED_ESCAPES = {"D": DIGITS, "W": WORD, "S": " "}
_PLAIN_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "0": "\0"}


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.i = 0

    def fail(self, what: str) -> PatternNotSupported:
        return PatternNotSupported(f"{what} (at character {self.i + 1} of {self.pattern!r})")

    def peek(self) -> str | None:
        return self.pattern[self.i] if self.i < len(self.pattern) else None

    def take(self) -> str:
        char = self.peek()
        if char is None:
            raise self.fail("the pattern ends too early")
        self.i += 1
        return char

    def parse(self) -> _Node:
        node = self.alternation()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def alternation(self) -> _Node:
        options = [self.sequence()]
        while self.peek() == "|":
            self.take()
            options.append(self.sequence())
        return options[0] if len(options) == 1 else _Alt(tuple(options))

    def sequence(self) -> _Node:
        items: list[_Node] = []
        while self.peek() not in (None, "|", ")"):
            atom = self.atom()
            if atom is not None:
                items.append(self.quantified(atom))
        return items[0] if len(items) == 1 else _Seq(tuple(items))

    def atom(self) -> _Node | None:
        char = self.take()
        if char in "^$":
            return None  # anchors: the generated text is whole anyway
        if char == ".":
            return _Chars(ALPHABET)
        if char == "(":
            if self.peek() == "?":
                self.take()
                kind = self.take()
                if kind == "P" and self.peek() == "<":
                    while self.take() != ">":
                        pass
                elif kind != ":":
                    raise self.fail(f"'(?{kind}' (look-arounds, flags and back-references) is not supported")
            inner = self.alternation()
            if self.take() != ")":
                raise self.fail("'(' is not closed")
            return inner
        if char == "[":
            return self.char_class()
        if char == "\\":
            return self.escape(in_class=False)
        if char in "*+?{":
            raise self.fail(f"{char!r} has nothing to repeat")
        return _Chars(char)

    def escape(self, *, in_class: bool) -> _Node | None:
        char = self.take()
        if char in _CLASS_ESCAPES:
            return _Chars(_CLASS_ESCAPES[char])
        if char in _NEGATED_ESCAPES:
            return _Chars("".join(c for c in ALPHABET if c not in _NEGATED_ESCAPES[char] and not c.isspace()))
        if char in _PLAIN_ESCAPES:
            return _Chars(_PLAIN_ESCAPES[char])
        if char in "AZbB" and not in_class:
            return None  # anchors and word boundaries: checked by fullmatch afterwards
        if char == "x":
            code = self.take() + self.take()
            return _Chars(chr(int(code, 16)))
        if char.isalnum():
            raise self.fail(f"'\\{char}' is not supported")
        return _Chars(char)

    def char_class(self) -> _Node:
        negated = self.peek() == "^"
        if negated:
            self.take()
        chars: list[str] = []
        first = True
        while True:
            char = self.take()
            if char == "]" and not first:
                break
            first = False
            if char == "\\":
                node = self.escape(in_class=True)
                assert isinstance(node, _Chars)
                chars.append(node.chars)
                continue
            if self.peek() == "-" and self.i + 1 < len(self.pattern) and self.pattern[self.i + 1] != "]":
                self.take()
                end = self.take()
                if end == "\\":
                    node = self.escape(in_class=True)
                    assert isinstance(node, _Chars)
                    end = node.chars
                if len(end) != 1 or ord(end) < ord(char):
                    raise self.fail(f"bad range {char}-{end}")
                chars.append("".join(chr(c) for c in range(ord(char), ord(end) + 1)))
            else:
                chars.append(char)
        members = "".join(dict.fromkeys("".join(chars)))
        if negated:
            members = "".join(c for c in ALPHABET if c not in members)
        if not members:
            raise self.fail("a character class that nothing can match")
        return _Chars(members)

    def quantified(self, atom: _Node) -> _Node:
        char = self.peek()
        if char == "?":
            self.take()
            node: _Node = _Repeat(atom, 0, 1)
        elif char == "*":
            self.take()
            node = _Repeat(atom, 0, UNBOUNDED_EXTRA)
        elif char == "+":
            self.take()
            node = _Repeat(atom, 1, 1 + UNBOUNDED_EXTRA)
        elif char == "{" and self._counted():
            node = self._counted_repeat(atom)
        else:
            return atom
        if self.peek() in ("?", "+"):  # lazy or possessive: the same strings
            self.take()
        return node

    def _counted(self) -> bool:
        rest = self.pattern[self.i + 1 :]
        close = rest.find("}")
        body = rest[:close] if close >= 0 else ""
        return close > 0 and all(c.isdigit() or c == "," for c in body) and body.count(",") <= 1 and body[0].isdigit()

    def _counted_repeat(self, atom: _Node) -> _Node:
        self.take()
        body = ""
        while (char := self.take()) != "}":
            body += char
        low, _, high = body.partition(",")
        least = int(low)
        if "," not in body:
            most = least
        elif high == "":
            most = least + UNBOUNDED_EXTRA
        else:
            most = int(high)
        if most < least:
            raise self.fail(f"{{{body}}} repeats at most fewer times than at least")
        return _Repeat(atom, least, most)


def parse_pattern(pattern: str) -> _Node:
    """Parse the supported subset, or raise PatternNotSupported."""
    return _Parser(pattern).parse()


def _draw(node: _Node, rng: random.Random, out: list[str]) -> None:
    if isinstance(node, _Chars):
        out.append(rng.choice(node.chars))
    elif isinstance(node, _Seq):
        for item in node.items:
            _draw(item, rng, out)
    elif isinstance(node, _Alt):
        _draw(rng.choice(node.options), rng, out)
    else:
        for _ in range(rng.randint(node.least, node.most)):
            _draw(node.item, rng, out)


def generate(pattern: str, rng: random.Random) -> str:
    """A random string drawn from the pattern (check it with re.fullmatch)."""
    out: list[str] = []
    _draw(parse_pattern(pattern), rng, out)
    return "".join(out)
