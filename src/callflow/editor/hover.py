"""Hover: what a name under the cursor is — a field's prompt and type, an
item's name and price, a node's section and title, a constant's value, a
procedure's title — as Markdown."""

from __future__ import annotations

import os

from callflow.editor.complete import BUILTINS
from callflow.editor.outline import Item
from callflow.editor.project import Place, Project
from callflow.editor.symbols import ITEM, NODE, PROCEDURE, TICKET, VALUE, Name


def hover_text(project: Project, path: str, offset: int) -> tuple[Name, str] | None:
    """The name at `offset` of `path` and what to show about it."""
    symbols = project.symbols(path)
    if symbols is None:
        return None
    name = symbols.at(offset)
    if name is None:
        return None
    places = project.definitions(path, name)
    if not places:
        if name.kind == VALUE and name.name in BUILTINS:
            return name, f"**{name.name}** (built in): {BUILTINS[name.name]}"
        return name, f"**{name.name}**: not defined in this flow or the libraries it uses"
    place = places[0]
    defined = project.symbols(place.path)
    item = defined.detail(place.name) if defined is not None else None
    text = describe(place, item)
    if place.path != path:
        text += f"\n\n*defined in* `{os.path.basename(place.path)}`"
    if len(places) > 1:
        text += f"\n\n*set in {len(places)} places*"
    return name, text


def describe(place: Place, item: Item | None) -> str:
    name = place.name
    kind, role = name.kind, name.role
    if item is None:
        return f"**{kind}** `{name.name}`"
    if kind == NODE:
        where = " › ".join(p for p in (item.text("section"), item.text("title")) if p)
        lines = [f"**node** `{name.name}`" + (f" — {where}" if where else "")]
        if name.scope:
            lines.append(f"in procedure `{name.scope}`")
        if item.text("role"):
            lines.append(f"performed by {item.text('role')}")
        lines.append(_way_on(item))
        return "\n\n".join(line for line in lines if line)
    if kind == ITEM:
        return f"**item** `{name.name}` — {item.text('name') or '?'}, {_price(item.text('price'))}"
    if kind == PROCEDURE:
        nodes = item.get("nodes")
        count = len(nodes.entries or ()) if nodes is not None else 0
        title = item.text("title")
        return f"**procedure** `{name.name}`" + (f" — {title}" if title else "") + f"\n\nstarts at `{item.text('start')}`, {count} node(s)"
    if kind == TICKET:
        required = (item.text("required") or "").lower() in ("true", "yes")
        return f"**ticket field** `{name.name}` — {item.text('label') or name.name}" + (" (required)" if required else "")
    if role == "field":
        kind_of = item.text("type") or "text"
        text = f"**field** `{name.name}`: {kind_of}\n\n{item.text('prompt') or ''}"
        options = item.get("options")
        if options is not None and options.items:
            labels = [o.text("label") or o.value or "" for o in options.items]
            text += "\n\noptions: " + ", ".join(labels)
        if item.text("help"):
            text += f"\n\n{item.text('help')}"
        return text
    if role == "constant":
        if item.is_scalar:
            return f"**constant** `{name.name}` = {item.value}"
        typed = next(((k.value, v.value) for k, v in item.entries or () if v.is_scalar), None)
        return f"**constant** `{name.name}` = {typed[1]} ({typed[0]})" if typed else f"**constant** `{name.name}`"
    if role == "choose":
        options = item.get("options")
        labels = [o.text("label") or "" for o in (options.items or ())] if options is not None else []
        return f"**question** `{name.name}` (choose): {item.text('prompt') or ''}\n\noptions: " + ", ".join(labels)
    if role == "confirm":
        return f"**checklist confirmation** `{name.name}`: {item.text('do') or ''} (yes when ticked done)"
    if role == "computed":
        return f"**computed value** `{name.name}` = `{item.value or ''}`"
    return f"**{role or kind}** `{name.name}`"


def _way_on(node: Item) -> str:
    if node.text("next"):
        return f"next: `{node.text('next')}`"
    if node.text("end"):
        return f"ends the call: {node.text('end')}"
    if node.get("choose") is not None:
        choose = node.get("choose")
        assert choose is not None
        return f"asks: {choose.text('prompt') or choose.text('id') or ''}"
    if node.get("routes") is not None:
        return "routes by conditions"
    if node.text("return"):
        return "returns to the caller"
    return ""


def _price(text: str | None) -> str:
    if not text:
        return "no price"
    return text if text.startswith("$") else f"${text}"
