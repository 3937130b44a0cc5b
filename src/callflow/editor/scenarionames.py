"""The names a scenario file refers to: answers by field id, nodes of the
expected path, ticket fields, items, checklist confirmations and values.

So that renaming a node or a field in a flow renames it in the flow's
scenarios too, and references show where scenarios name it.
"""

from __future__ import annotations

from callflow.editor.outline import Item, outline
from callflow.editor.symbols import ITEM, NODE, TICKET, VALUE, Name, Symbols, source_offset

PATH_KEYS = ("path", "path_includes", "path_excludes")


def scenario_symbols(text: str, path: str) -> Symbols:
    """The references of a scenario file (it defines nothing)."""
    tree = outline(text, path)
    found = Symbols(path, text, tree)
    root = tree.root
    if root is None or root.entries is None:
        return found

    def refer(kind: str, item: Item, role: str, name: str | None = None, scope: str = "", at: int = 0) -> None:
        name = name if name is not None else item.value or ""
        if not name:
            return
        start = source_offset(text, item, at, name)
        if start is not None:
            found.names.append(Name(kind, name, start, start + len(name), scope, role))

    def node(item: Item, role: str) -> None:
        if not item.is_scalar or not item.value:
            return
        scope, _, local = item.value.rpartition("/")
        refer(NODE, item, role, local, scope, len(item.value) - len(local))

    answers = root.get("answers")
    for key, _ in (answers.entries or ()) if answers is not None else ():
        refer(VALUE, key, "answer")
    expect = root.get("expect")
    if expect is None or expect.entries is None:
        return found
    for path_key in PATH_KEYS:
        listed = expect.get(path_key)
        for entry in (listed.items or ()) if listed is not None else ():
            node(entry, "expected path")
    for section in ("payments", "refunds", "notifications"):
        listed = expect.get(section)
        for entry in (listed.items or ()) if listed is not None else ():
            where = entry.get("node")
            if where is not None:
                node(where, "expected " + section)
    ticket = expect.get("ticket")
    for key, _ in (ticket.entries or ()) if ticket is not None else ():
        refer(TICKET, key, "expected ticket")
    invoice = expect.get("invoice")
    lines = invoice.get("lines") if invoice is not None else None
    for line in (lines.items or ()) if lines is not None else ():
        code = line.get("code")
        if code is not None:
            refer(ITEM, code, "expected line")
    for section in ("checklist", "values"):
        mapping = expect.get(section)
        for key, _ in (mapping.entries or ()) if mapping is not None else ():
            refer(VALUE, key, "expected " + section)
    return found
