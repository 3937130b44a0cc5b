"""Completion: what may be typed at the cursor, from the line being typed and
the names the flow (and its libraries) define.

The line is read as text, not parsed, so completion works while the YAML is
broken; the names come from the last outline of each file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callflow.editor.lines import Lines, key_path_at
from callflow.editor.outline import Item
from callflow.editor.symbols import ITEM, NODE, PROCEDURE, TICKET, VALUE, Symbols
from callflow.flow.expressions import FUNCTIONS
from callflow.flow.scalars import CATALOG_PARTS, FIELD_TYPES

STEP_KEYS = {
    "say": "words the director says, with {placeholders}",
    "do": "a checklist item (confirm: id to have it ticked)",
    "note": "guidance, not said to the caller",
    "ask": "ask a field: - ask: field_id",
    "set": "computed values: {name: expression}",
    "ticket": "ticket fields to set: {key: value}",
    "item": "an invoice line: a catalog code, or {code, quantity, price, label}",
    "credit": "a line that lowers the total: {label, amount} or {code, quantity}",
    "time": "billed time: {code, duration, rate, minimum, multiplier}",
    "past_due": "a money field added as past-due balance",
    "payment": "a payment: {amount, method, note}",
    "refund": "money paid back: {amount, method, note}",
    "notify": "tell someone: {to, message}",
    "follow_up": "what someone must do after the call",
    "call": "the steps of a procedure: - call: name",
}
NODE_KEYS = {
    "section": "the part of the script",
    "title": "what this node is",
    "role": "who performs it",
    "steps": "what to do here, in order",
    "next": "the node that always comes next",
    "choose": "the deciding question: id, prompt, options with goto",
    "routes": "conditions checked in order: - if: … goto: …, then - else: …",
    "end": "the call ends here with this outcome",
    "return": "in a procedure: back to the step after the call",
    "at_most": "{times: 3, then: NODE}: enter at most so many times",
}
FIELD_KEYS = ("prompt", "type", "help", "required", "secret", "pattern", "pattern_hint", "options", "ordered", "decimals", "min", "max")
BUILTINS = {
    "agent": "the director's name",
    "today": "the call's date",
    "subtotal": "the invoice lines, credits taken off",
    "past_due": "the past-due balance",
    "total": "subtotal + past due",
    "paid": "what was paid so far",
    "refunded": "what was paid back",
    "due": "what is still unpaid",
    "refund_due": "what the invoice owes the customer",
}
_NODE_REF = re.compile(r"(?:^|[\s{,])(?P<key>goto|next|else|then|start)\s*:\s*[\"']?(?P<word>[A-Za-z0-9_.\-]*)$")
_VALUE_KEY = re.compile(r"(?:^|[\s{,])(?P<key>ask|past_due|call|item|code|type)\s*:\s*[\"']?(?P<word>[A-Za-z0-9_.\-]*)$")
_EXPRESSION = re.compile(
    r"(?:^|[\s{,])(?:when|if|quantity|price|amount|duration|rate|minimum|multiplier|due|[A-Za-z_][A-Za-z0-9_]*)\s*:\s*[\"']?(?P<expr>.*)$"
)
_VISITS = re.compile(r"visits\(\s*['\"](?P<word>[A-Za-z0-9_.\-]*)$")
_LINE_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s*)?(?P<word>[A-Za-z_]*)$")
_TAIL_WORD = re.compile(r"[A-Za-z0-9_.]*$")
_EXPR_KEYS = frozenset(("when", "if", "quantity", "price", "amount", "duration", "rate", "minimum", "multiplier", "due"))


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # node, field, value, item, procedure, ticket, key, type, function, builtin
    detail: str
    start: int  # the column the completed word starts at (it replaces up to the cursor)


def complete(text: str, line: int, col: int, own: Symbols | None, libraries: list[Symbols]) -> list[Completion]:
    """What may be typed at 0-based (line, col)."""
    lines = Lines(text)
    prefix = lines.line(line)[:col]
    path = key_path_at(lines, line)
    files = [s for s in [own, *libraries] if s is not None]
    names = _Names(files)

    placeholder = _open_placeholder(prefix)
    if placeholder is not None:
        return names.values(col - len(placeholder), placeholder, builtins=True, catalog=True)
    visits = _VISITS.search(prefix)
    if visits:
        return names.nodes(_scope(path), col - len(visits.group("word")))
    ref = _NODE_REF.search(prefix)
    if ref:
        return names.nodes(_scope(path), col - len(ref.group("word")))
    keyed = _VALUE_KEY.search(prefix)
    if keyed:
        key, word = keyed.group("key"), keyed.group("word")
        start = col - len(word)
        if key == "ask":
            return names.values(start, word, roles=("field",))
        if key == "past_due":
            return names.values(start, word, roles=("field",), money_only=True)
        if key == "call":
            return names.of(PROCEDURE, start)
        if key in ("item", "code"):
            return names.of(ITEM, start)
        if key == "type" and len(path) >= 2 and path[-2] == "fields":
            return [Completion(t, "type", "field type", start) for t in FIELD_TYPES]
    expression = _EXPRESSION.search(prefix)
    if expression and (_is_expression_key(prefix) or (len(path) >= 1 and path[-1] == "set")):
        word = _TAIL_WORD.search(expression.group("expr"))
        typed = word.group(0) if word else ""
        found = names.values(col - len(typed), typed, builtins=True, catalog=True)
        found += [Completion(f, "function", "function", col - len(typed)) for f in sorted(FUNCTIONS)]
        return found
    bare = _LINE_KEY.match(prefix)
    if bare:
        start = col - len(bare.group("word"))
        if bare.group("dash") is not None and path and path[-1] == "steps":
            return [Completion(k, "key", d, start) for k, d in STEP_KEYS.items()]
        if path and path[-1] == "ticket":
            return names.of(TICKET, start)
        if len(path) >= 2 and path[-2] == "nodes" and bare.group("dash") is None:
            return [Completion(k, "key", d, start) for k, d in NODE_KEYS.items()]
        if len(path) >= 2 and path[-2] == "fields" and bare.group("dash") is None:
            return [Completion(k, "key", "field key", start) for k in FIELD_KEYS]
        if len(path) >= 2 and path[-2] == "steps" and path[-1] == "-":
            return [Completion("when", "key", "a condition: the step is skipped unless it holds", start)]
    return []


def _is_expression_key(prefix: str) -> bool:
    match = re.search(r"([A-Za-z_]+)\s*:\s*[\"']?[^:]*$", prefix)
    return match is not None and match.group(1) in _EXPR_KEYS


def _open_placeholder(prefix: str) -> str | None:
    """The partial name after a `{` not closed yet, if that `{` opens a placeholder."""
    at = prefix.rfind("{")
    if at < 0 or "}" in prefix[at:]:
        return None
    word = prefix[at + 1 :]
    if not re.fullmatch(r"\s*[A-Za-z0-9_.]*", word):
        return None
    before = prefix[:at].rstrip(" ")
    if before.endswith((":", "[", ",", "-")) or before == "" or prefix[at - 1 : at] == "{":
        return None  # a YAML flow mapping, or a literal `{{`
    return word.strip()


def _scope(path: list[str]) -> str:
    return path[1] if len(path) >= 2 and path[0] == "procedures" else ""


class _Names:
    def __init__(self, files: list[Symbols]) -> None:
        self.files = files

    def nodes(self, scope: str, start: int) -> list[Completion]:
        found: dict[str, Completion] = {}
        for symbols in self.files:
            for name in symbols.definitions():
                if name.kind == NODE and name.scope == scope:
                    found.setdefault(name.name, Completion(name.name, "node", _node_detail(symbols.detail(name)), start))
        return list(found.values())

    def of(self, kind: str, start: int) -> list[Completion]:
        found: dict[str, Completion] = {}
        for symbols in self.files:
            for name in symbols.definitions():
                if name.kind == kind:
                    detail = _detail(kind, symbols.detail(name))
                    found.setdefault(name.name, Completion(name.name, kind, detail, start))
        return list(found.values())

    def values(
        self,
        start: int,
        typed: str,
        *,
        roles: tuple[str, ...] = (),
        builtins: bool = False,
        catalog: bool = False,
        money_only: bool = False,
    ) -> list[Completion]:
        found: dict[str, Completion] = {}
        for symbols in self.files:
            for name in symbols.definitions():
                if name.kind != VALUE or (roles and name.role not in roles):
                    continue
                item = symbols.detail(name)
                if money_only and (item is None or item.text("type") != "money"):
                    continue
                found.setdefault(name.name, Completion(name.name, name.role, _value_detail(name.role, item), start))
        if builtins:
            for word, meaning in BUILTINS.items():
                found.setdefault(word, Completion(word, "builtin", meaning, start))
        if catalog and typed.startswith("catalog"):
            for code in self.of(ITEM, start):
                for part in CATALOG_PARTS:
                    label = f"catalog.{code.label}.{part}"
                    found.setdefault(label, Completion(label, "item", code.detail, start))
        elif catalog:
            found.setdefault("catalog", Completion("catalog", "item", "catalog.<code>.price or .name", start))
        return list(found.values())


def _node_detail(item: Item | None) -> str:
    if item is None:
        return "node"
    parts = [p for p in (item.text("section"), item.text("title")) if p]
    end = item.text("end")
    if end:
        parts.append(f"end: {end}")
    return " · ".join(parts) or "node"


def _value_detail(role: str, item: Item | None) -> str:
    if item is None or role != "field":
        return role
    return f"{item.text('type') or 'text'} field: {item.text('prompt') or ''}".strip()


def _detail(kind: str, item: Item | None) -> str:
    if item is None:
        return kind
    if kind == ITEM:
        return f"{item.text('name') or ''} {item.text('price') or ''}".strip()
    if kind == TICKET:
        return item.text("label") or "ticket field"
    if kind == PROCEDURE:
        return item.text("title") or "procedure"
    return kind

