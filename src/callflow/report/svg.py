"""Inline SVG for the HTML report: the flow's graph coloured by what real
calls did, calls per day by outcome, and the distribution of call time.

Everything is drawn here, in Python, as plain SVG elements with a <title>
for the tooltip: the page needs no script. Every text from a file is
escaped. Each node carries both colourings (visits, median time) as CSS
variables; the page's radio buttons pick which one shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from callflow.report.layout import NODE_HEIGHT, NODE_WIDTH, layout

VISITS = ("#f1f5f9", "#fde7c8", "#fdc98a", "#fb9d4b", "#e8681c", "#b5400b")
TIMES = ("#f1f5f9", "#dbeafe", "#a5c8f5", "#6aa2e8", "#3a73cc", "#1d4b94")
OUTCOMES = ("#2f7d32", "#1f6fb2", "#8e44ad", "#c0392b", "#d35400", "#16a085", "#7f8c8d", "#b7950b", "#2c3e50", "#e84393")
NOT_ENDED = "#9aa5b1"
NEVER = "#d92d20"


def heat(value: float | None, top: float, palette: Sequence[str]) -> tuple[str, str]:
    """(fill, text colour) of a value on a scale from 0 to `top`."""
    if not value or top <= 0:
        return palette[0], "#334155"
    step = 1 + min(len(palette) - 2, int((len(palette) - 1) * value / top - 1e-9))
    return palette[step], ("#ffffff" if step >= 4 else "#1e293b")


def _text(x: float, y: float, words: str, **attributes: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(words)}</text>'


def _cut(words: str, size: int) -> str:
    return words if len(words) <= size else words[: size - 1] + "…"


def flow_graph(flow: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], start: str, order: list[str]) -> str:
    """The graph of one flow: `nodes` and `edges` as the JSON report has them."""
    by_id = {n["node"]: n for n in nodes}
    pairs = [(e["from"], e["to"]) for e in edges if e["way"] != "return"]
    pairs += [(e["from"], e["to"]) for e in edges if e["way"] == "return"]
    placed = layout(order, pairs, start)
    top_visits = max((n["visits"] for n in nodes), default=0)
    top_time = max((n["median"] or 0 for n in nodes), default=0)
    top_calls = max((e["calls"] for e in edges), default=0)
    parts = [
        f'<svg class="graph" data-flow="{escape(flow)}" viewBox="0 0 {placed.width:.0f} {placed.height:.0f}" '
        f'width="{placed.width:.0f}" height="{placed.height:.0f}" role="img" aria-label="{escape(flow)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker>'
        f'<marker id="arrow-never" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{NEVER}"/></marker></defs>',
    ]
    for edge in edges:
        parts.append(_edge(edge, placed, top_calls))
    for node_id in order:
        box = placed.boxes[node_id]
        parts.append(_node(node_id, by_id.get(node_id, {}), box.x, box.y, node_id == start, top_visits, top_time))
    parts.append("</svg>")
    return "".join(parts)


def _edge(edge: dict[str, Any], placed: Any, top: int) -> str:
    source, target = placed.boxes.get(edge["from"]), placed.boxes.get(edge["to"])
    if source is None or target is None:
        return ""
    never = edge["calls"] == 0
    width = 1.2 + (4.0 * edge["calls"] / top if top else 0)
    x1, y1 = source.x + NODE_WIDTH / 2, source.y + NODE_HEIGHT
    x2, y2 = target.x + NODE_WIDTH / 2, target.y
    if (edge["from"], edge["to"]) in placed.back or target.y <= source.y:
        # A loop back up: leave from the side, come round.
        x1, y1 = source.x + NODE_WIDTH, source.y + NODE_HEIGHT / 2
        x2, y2 = target.x + NODE_WIDTH, target.y + NODE_HEIGHT / 2
        bend = 40 + abs(y1 - y2) / 6
        path = f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 + bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    else:
        middle = (y1 + y2) / 2
        path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{middle:.1f} {x2:.1f},{middle:.1f} {x2:.1f},{y2:.1f}"
    label = edge["label"] or ""
    tip = f"{edge['from']} → {edge['to']}{' (' + label + ')' if label else ''}: " + (
        "no call took it" if never else f"{edge['calls']} call{'s' if edge['calls'] != 1 else ''}"
    )
    style = (
        f'stroke="{NEVER}" stroke-dasharray="5 4" stroke-width="1.5" marker-end="url(#arrow-never)"'
        if never
        else f'stroke="#64748b" stroke-width="{width:.1f}" marker-end="url(#arrow)"'
    )
    kind = "edge never" if never else "edge"
    return f'<path class="{kind}" d="{path}" fill="none" {style}><title>{escape(tip)}</title></path>'


def _node(node_id: str, row: dict[str, Any], x: float, y: float, is_start: bool, top_visits: int, top_time: float) -> str:
    visits = row.get("visits", 0)
    median = row.get("median")
    fill_v, ink_v = heat(visits, top_visits, VISITS)
    fill_t, ink_t = heat(median, top_time, TIMES)
    backs, exits = row.get("backs", 0), row.get("ended_here", 0) + row.get("stopped_here", 0)
    tip = (
        f"{node_id}: {visits} visit{'s' if visits != 1 else ''}"
        + (f", median {median:.1f} s, p90 {row.get('p90') or 0:.1f} s" if median is not None else "")
        + f", {backs} back-press{'es' if backs != 1 else ''}, {row.get('ended_here', 0)} ended here, "
        f"{row.get('stopped_here', 0)} stopped here"
    )
    style = f"--v:{fill_v};--vi:{ink_v};--t:{fill_t};--ti:{ink_t}"
    classes = "node start" if is_start else "node"
    parts = [
        f'<g class="{classes}" data-node="{escape(node_id)}" data-visits="{visits}" style="{style}">',
        f"<title>{escape(tip)}</title>",
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8" '
        f'stroke="{"#0f172a" if is_start else "#94a3b8"}" stroke-width="{2.5 if is_start else 1}"/>',
        _text(x + 8, y + 17, _cut(node_id, 17), class_="id"),
        _text(x + 8, y + 31, f"{visits} · {'—' if median is None else f'{median:.0f} s'}", class_="figures"),
    ]
    if backs or exits:
        parts.append(_text(x + 8, y + 44, _cut(f"↩ {backs}  ■ {exits}", 20), class_="marks"))
    if backs:
        parts.append(f'<circle class="backs" cx="{x + NODE_WIDTH - 9:.1f}" cy="{y + 9:.1f}" r="5" fill="{NEVER}"/>')
    parts.append("</g>")
    return "".join(parts)


def day_chart(periods: list[dict[str, Any]], key: str, outcomes: list[str]) -> str:
    """Stacked bars: calls per day (or week) by outcome; not ended in grey."""
    width, height, left, bottom = 760, 240, 40, 34
    top = max((p["calls"] for p in periods), default=0) or 1
    slot = (width - left - 10) / max(1, len(periods))
    bar = max(2.0, slot * 0.72)
    colours = {o: OUTCOMES[i % len(OUTCOMES)] for i, o in enumerate(outcomes)}
    parts = [f'<svg class="chart days" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="calls per {key}">']
    scale = (height - bottom - 10) / top
    for tick in _ticks(top):
        y = height - bottom - tick * scale
        parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>')
        parts.append(_text(left - 6, y + 4, str(tick), text_anchor="end", class_="tick"))
    every = max(1, math.ceil(len(periods) / 12))
    for i, period in enumerate(periods):
        x = left + i * slot + (slot - bar) / 2
        y = height - bottom
        stack = [*((o, period["outcomes"].get(o, 0)) for o in outcomes), ("not ended", period["stopped"] + period["in_progress"])]
        for name, count in stack:
            if not count:
                continue
            h = count * scale
            y -= h
            colour = colours.get(name, NOT_ENDED)
            tip = f"{period[key]}: {count} {name.replace('_', ' ')}"
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>')
        if i % every == 0:
            label = str(period[key] or "")[5:] if key == "day" else str(period[key] or "")
            parts.append(_text(x + bar / 2, height - bottom + 16, label, text_anchor="middle", class_="tick"))
    parts.append("</svg>")
    legend = "".join(
        f'<span class="key"><i style="background:{colours[o]}"></i>{escape(o.replace("_", " "))}</span>' for o in outcomes
    )
    legend += f'<span class="key"><i style="background:{NOT_ENDED}"></i>not ended</span>'
    return "".join(parts) + f'<p class="legend">{legend}</p>'


def duration_chart(bins: list[int], bin_seconds: int) -> str:
    """Bars: how many ended calls took each span of time."""
    width, height, left, bottom = 760, 200, 40, 34
    top = max(bins, default=0) or 1
    slot = (width - left - 10) / max(1, len(bins))
    scale = (height - bottom - 10) / top
    parts = [f'<svg class="chart durations" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="call durations">']
    for tick in _ticks(top):
        y = height - bottom - tick * scale
        parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e2e8f0"/>')
        parts.append(_text(left - 6, y + 4, str(tick), text_anchor="end", class_="tick"))
    every = max(1, math.ceil(len(bins) / 10))
    for i, count in enumerate(bins):
        x = left + i * slot + 1
        h = count * scale
        start = i * bin_seconds
        last = i == len(bins) - 1
        span = f"{_minutes(start)} and more" if last else f"{_minutes(start)} to {_minutes(start + bin_seconds)}"
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{height - bottom - h:.1f}" width="{max(1.0, slot - 2):.1f}" height="{h:.1f}" '
            f'fill="#3a73cc"><title>{escape(f"{count} calls took {span}")}</title></rect>'
        )
        if i % every == 0:
            parts.append(_text(x, height - bottom + 16, _minutes(start), class_="tick"))
    parts.append("</svg>")
    return "".join(parts)


def _minutes(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _ticks(top: int) -> list[int]:
    step = max(1, 10 ** math.floor(math.log10(top)) if top >= 10 else 1)
    while top / step > 6:
        step *= 2
    return list(range(0, top + 1, step))
