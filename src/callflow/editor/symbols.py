"""The names a flow file defines and the places that refer to them.

Read from the outline (callflow.editor.outline), so a flow that does not
validate yet still has its names. Kinds of name:

- NODE: a node id, per scope (the flow's nodes, or one procedure's);
- VALUE: what expressions and placeholders read: fields, constants, computed
  values (`set:`), `choose` ids and checklist confirmations;
- ITEM: a catalog code; PROCEDURE: a procedure; TICKET: a ticket field.

Offsets are in the text (code points), covering the name itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from callflow.editor.outline import Item, Outline, outline
from callflow.flow.expressions import ExpressionError, parse_expression
from callflow.flow.exprtree import Call, Literal, walk
from callflow.flow.exprtree import Name as ExprName
from callflow.flow.scalars import BUILTIN_NAMES
from callflow.flow.templates import TemplateError, parse_template

NODE, VALUE, ITEM, PROCEDURE, TICKET = "node", "value", "item", "procedure", "ticket"

TEMPLATE_STEPS = frozenset(("say", "do", "note"))
TEMPLATE_KEYS = frozenset(("to", "message", "text", "owner", "method", "note", "label"))
EXPRESSION_KEYS = frozenset(("quantity", "price", "amount", "duration", "rate", "minimum", "multiplier", "due"))
NODE_KEYS = frozenset(("next", "goto", "else", "then"))
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_][A-Za-z0-9_-]*)*")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NOT_NAMES = frozenset(("and", "or", "not", "in", "yes", "no", "true", "false"))


@dataclass(frozen=True)
class Name:
    """A name where it is written: defined there, or referred to."""

    kind: str
    name: str
    start: int
    end: int
    scope: str = ""  # NODE: the procedure whose node it is ("" the flow's)
    role: str = ""  # what it is there: field, constant, goto, ask, placeholder, ...
    definition: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.scope, self.name


@dataclass
class Symbols:
    """Everything named in one file."""

    path: str
    text: str
    tree: Outline
    names: list[Name] = field(default_factory=list)
    items: dict[tuple[str, str, str], Item] = field(default_factory=dict)  # definition -> its value
    node_maps: dict[str, Item] = field(default_factory=dict)  # scope -> the `nodes:` mapping
    uses: list[tuple[str, int, int]] = field(default_factory=list)  # (path as written, start, end)
    is_library: bool = False

    def definitions(self) -> list[Name]:
        return [n for n in self.names if n.definition]

    def references(self) -> list[Name]:
        return [n for n in self.names if not n.definition]

    def at(self, offset: int) -> Name | None:
        """The name at this offset (its end included, as a cursor after it)."""
        best: Name | None = None
        for name in self.names:
            if name.start <= offset <= name.end and (best is None or name.end - name.start < best.end - best.start):
                best = name
        return best

    def defined(self, kind: str, scope: str = "") -> list[str]:
        seen: dict[str, None] = {}
        for n in self.names:
            if n.definition and n.kind == kind and n.scope == scope:
                seen.setdefault(n.name, None)
        return list(seen)

    def detail(self, name: Name) -> Item | None:
        return self.items.get(name.key)


def symbols_of(text: str, path: str = "<text>") -> Symbols:
    """The definitions and references of a flow or library text."""
    tree = outline(text, path)
    found = Symbols(path, text, tree)
    root = tree.root
    if root is None or root.entries is None:
        return found
    found.is_library = root.get("library") is not None
    _Reader(found).top(root)
    return found


class _Reader:
    def __init__(self, out: Symbols) -> None:
        self.out = out
        self.text = out.text

    def add(self, kind: str, name: str, start: int, end: int, scope: str = "", role: str = "", *, definition: bool = False) -> None:
        if name:
            self.out.names.append(Name(kind, name, start, end, scope, role, definition))

    def define(self, kind: str, key: Item, value: Item, role: str, scope: str = "") -> None:
        name = key.value or ""
        start, end = _name_span(self.text, key, name)
        self.add(kind, name, start, end, scope, role, definition=True)
        self.out.items.setdefault((kind, scope, name), value)

    def refer(self, kind: str, item: Item, role: str, scope: str = "") -> None:
        if item.is_scalar and item.value:
            start, end = _name_span(self.text, item, item.value)
            self.add(kind, item.value, start, end, scope, role)

    def top(self, root: Item) -> None:
        for key, value in root.entries or ():
            section = key.value
            if section == "start":
                self.refer(NODE, value, "start")
            elif section == "nodes":
                self.nodes(value, "")
            elif section in ("fields", "constants", "catalog", "ticket_fields", "procedures"):
                kind, role = {
                    "fields": (VALUE, "field"),
                    "constants": (VALUE, "constant"),
                    "catalog": (ITEM, "item"),
                    "ticket_fields": (TICKET, "ticket field"),
                    "procedures": (PROCEDURE, "procedure"),
                }[section]
                for k, v in value.entries or ():
                    self.define(kind, k, v, role)
                    if section == "procedures":
                        self.procedure(k.value or "", v)
            elif section == "uses":
                for entry in value.items or ():
                    if entry.is_scalar and entry.value:
                        start, end = _name_span(self.text, entry, entry.value)
                        self.out.uses.append((entry.value, start, end))

    def procedure(self, name: str, body: Item) -> None:
        for key, value in body.entries or ():
            if key.value == "start":
                self.refer(NODE, value, "start", name)
            elif key.value == "nodes":
                self.nodes(value, name)

    def nodes(self, mapping: Item, scope: str) -> None:
        if mapping.entries is None:
            return
        self.out.node_maps.setdefault(scope, mapping)
        for key, node in mapping.entries:
            self.define(NODE, key, node, "node", scope)
            self.node(node, scope)

    def node(self, node: Item, scope: str) -> None:
        for key, value in node.entries or ():
            what = key.value
            if what == "next":
                self.refer(NODE, value, "next", scope)
            elif what == "at_most":
                then = value.get("then")
                if then is not None:
                    self.refer(NODE, then, "then", scope)
            elif what == "choose":
                self.choose(value, scope)
            elif what == "routes":
                for route in value.items or ():
                    for k, v in route.entries or ():
                        if k.value in ("goto", "else"):
                            self.refer(NODE, v, k.value, scope)
                        elif k.value == "if":
                            self.expression(v, scope)
            elif what == "steps":
                for step in value.items or ():
                    self.step(step, scope)

    def choose(self, choose: Item, scope: str) -> None:
        for k, v in choose.entries or ():
            if k.value == "id" and v.is_scalar and v.value:
                start, end = _name_span(self.text, v, v.value)
                self.add(VALUE, v.value, start, end, role="choose", definition=True)
                self.out.items.setdefault((VALUE, "", v.value), choose)
            elif k.value == "options":
                for option in v.items or ():
                    goto = option.get("goto")
                    if goto is not None:
                        self.refer(NODE, goto, "goto", scope)

    def step(self, step: Item, scope: str) -> None:
        for key, value in step.entries or ():
            what = key.value or ""
            if what == "when":
                self.expression(value, scope)
            elif what in TEMPLATE_STEPS:
                self.template(value)
            elif what == "confirm" and value.is_scalar and value.value:
                start, end = _name_span(self.text, value, value.value)
                self.add(VALUE, value.value, start, end, role="confirm", definition=True)
                self.out.items.setdefault((VALUE, "", value.value), step)
            elif what in ("ask", "past_due"):
                self.refer(VALUE, value, what)
            elif what == "call":
                self.refer(PROCEDURE, value, "call")
            elif what == "set":
                for k, v in value.entries or ():
                    self.define(VALUE, k, v, "computed")
                    self.expression(v, scope)
            elif what == "ticket":
                for k, v in value.entries or ():
                    self.refer(TICKET, k, "ticket")
                    self.template(v)
            elif what == "follow_up" and value.is_scalar:
                self.template(value)
            elif what in ("item", "credit", "time", "payment", "refund", "notify", "follow_up"):
                if value.is_scalar:
                    if what == "item":
                        self.refer(ITEM, value, "item")
                    continue
                for k, v in value.entries or ():
                    if k.value == "code":
                        self.refer(ITEM, v, what)
                    elif k.value in EXPRESSION_KEYS:
                        self.expression(v, scope)
                    elif k.value in TEMPLATE_KEYS:
                        self.template(v)

    def expression(self, item: Item, scope: str) -> None:
        text = item.value
        if not item.is_scalar or not text:
            return
        found: list[tuple[str, int, str]] = []  # (kind, offset, name)
        try:
            tree = parse_expression(text)
        except ExpressionError:
            found = [(VALUE, m.start(), m.group(0)) for m in _WORD.finditer(text) if m.group(0) not in _NOT_NAMES]
        else:
            for part in walk(tree):
                if isinstance(part, ExprName):
                    found.append((VALUE, part.offset, part.name))
                elif isinstance(part, Call) and part.function == "visits" and part.args:
                    arg = part.args[0]
                    if isinstance(arg, Literal) and isinstance(arg.value, str):
                        found.append((NODE, arg.offset + 1, arg.value))
        for kind, offset, name in found:
            self.value_name(item, kind, offset, name, "expression", scope)

    def template(self, item: Item) -> None:
        text = item.value
        if not item.is_scalar or not text or "{" not in text:
            return
        spots: list[tuple[int, str]] = []
        try:
            for part in parse_template(text):
                if not isinstance(part, str):
                    inner = text.find(part.name, part.offset)
                    spots.append((inner if inner >= 0 else part.offset + 1, part.name))
        except TemplateError:
            for m in _PLACEHOLDER.finditer(text):
                word = m.group(1).strip()
                if _WORD.fullmatch(word):
                    spots.append((text.find(word, m.start()), word))
        for offset, name in spots:
            self.value_name(item, VALUE, offset, name, "placeholder", "")

    def value_name(self, item: Item, kind: str, offset: int, name: str, role: str, scope: str) -> None:
        if kind == NODE:
            start = source_offset(self.text, item, offset, name)
            if start is not None:
                self.add(NODE, name, start, start + len(name), scope, "visits")
            return
        if name.startswith("catalog."):
            parts = name.split(".")
            if len(parts) >= 2 and parts[1]:
                start = source_offset(self.text, item, offset, name)
                if start is not None:
                    code_start = start + len("catalog.")
                    self.add(ITEM, parts[1], code_start, code_start + len(parts[1]), role=role)
            return
        if "." in name or name in BUILTIN_NAMES:
            return
        start = source_offset(self.text, item, offset, name)
        if start is not None:
            self.add(VALUE, name, start, start + len(name), role=role)


def _name_span(text: str, item: Item, name: str) -> tuple[int, int]:
    start = source_offset(text, item, 0, name)
    if start is None:
        return item.start, item.end
    return start, start + len(name)


def source_offset(text: str, item: Item, offset: int, token: str) -> int | None:
    """Where `value[offset:offset + len(token)]` of a scalar stands in the text."""
    value = item.value or ""
    start = item.start
    if "\n" not in value:
        if text.startswith(value, start):
            return start + offset
        if text[start : start + 1] in ("'", '"') and text.startswith(value, start + 1):
            return start + 1 + offset
    # Escapes, folded or block scalars: the same occurrence of the token in the source.
    nth = value.count(token, 0, offset) if token else 0
    found = start - 1
    for _ in range(nth + 1):
        found = text.find(token, found + 1, max(item.end, start + len(value) + 2))
        if found < 0:
            return None
    return found


def symbols_cached(text: str, path: str, cache: dict[str, Symbols]) -> Symbols:
    """`symbols_of`, remembered per path while its text is the same."""
    known = cache.get(path)
    if known is not None and known.text == text:
        return known
    made = symbols_of(text, path)
    cache[path] = made
    return made
