"""The status line under every prompt: where the call is and the keys.

Two lines, drawn by prompt_toolkit with the prompt (so it never scrolls
away: it is redrawn under the prompt, at the bottom of the terminal when the
terminal reports its size, and erased when the prompt is done):

    D-2-8 · Pay As You Go Member                03:12 · total $65.50 · due $65.50
    ↑↓ Enter pick · Esc back · Ctrl-N note · Ctrl-R review · Ctrl-C stop

The node is the one as written (`pay/P-1`), the clock is the call's (mm:ss
since it started), and where the node states an expected time and the call
has been there longer, the line says so (`D-2-8 2:35 > 2 min`). The clock
ticks once a second. Everything fits the terminal's width: the section is
shortened first, then the words around the amounts, then the keys.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from prompt_toolkit.utils import get_cwidth

from callflow.flow.controls import visible
from callflow.flow.money import format_money
from callflow.flow.procedures import calling_node, shown
from callflow.record.wording import span_words

if TYPE_CHECKING:
    from callflow.call.engine import Session

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples

Fragments = list[tuple[str, str]]


def cell_len(text: str) -> int:
    """Columns on screen, as prompt_toolkit counts them when it draws (rich's
    own table would cost its import, 20-30 ms, at the first prompt)."""
    return sum(get_cwidth(char) for char in text)
STYLES = {
    "status": "reverse",
    "status.node": "reverse bold",
    "status.over": "bg:ansiyellow fg:ansiblack bold",
    "status.keys": "",
    "status.key": "bold",
}


class CallClock(Protocol):
    def call_seconds(self) -> float: ...

    def node_seconds(self, node: str) -> float: ...


def clock_words(seconds: float) -> str:
    """`03:12`; `1:03:12` past an hour."""
    total = max(0, int(seconds))
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def fit(text: str, width: int) -> str:
    """Text cut to `width` columns, ending in … when cut."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    while text and cell_len(text) > width - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def where_line(session: Session, node_id: str, clock: CallClock | None, width: int) -> Fragments:
    """The first line: node, section, time over the expected one, clock, money."""
    node = session.flow.nodes.get(node_id)
    written = visible(shown(node_id))
    over: str | None = None
    if clock is not None and node is not None and node.expected_seconds is not None:
        spent = clock.node_seconds(shown(node_id))
        if spent > node.expected_seconds:
            over = f" {clock_words(spent)} > {span_words(node.expected_seconds)} "
    totals = session.totals
    currency = session.flow.currency
    money_long = f"total {format_money(totals.total, currency)} · due {format_money(totals.due, currency)}"
    money_short = f"{format_money(totals.total, currency)} / {format_money(totals.due, currency)} due"
    time = clock_words(clock.call_seconds()) if clock is not None else ""
    section = visible(node.section) if node is not None and node.section else ""
    caller = calling_node(node_id)
    if caller is not None and not section:
        # A procedure's step says where it was called from: the director's
        # place in the script is the caller's node and section.
        calling = session.flow.nodes.get(caller)
        around = visible(calling.section) if calling is not None and calling.section else ""
        section = " · ".join(p for p in (f"in {visible(shown(caller))}", around) if p)
    head = f" {written} "
    room = width - cell_len(head) - (cell_len(over) if over else 0)
    for money in (money_long, money_short, ""):
        right = " · ".join(p for p in (time, money) if p)
        right = f" {right} " if right else ""
        left_room = room - cell_len(right)
        if not section or left_room >= min(12, cell_len(section) + 3):
            break
    place = fit(f"· {section}", max(0, left_room - 1)) if section and left_room > 3 else ""
    fill = max(0, room - cell_len(place) - cell_len(right))
    fragments: Fragments = [("class:status.node", head)]
    if over:
        fragments.append(("class:status.over", over))
    fragments += [("class:status", place + " " * fill + right)]
    return _clip(fragments, width)


def _clip(fragments: Fragments, width: int) -> Fragments:
    """Cut the line at the terminal's width (a very narrow terminal)."""
    kept: Fragments = []
    used = 0
    for style, text in fragments:
        if used + cell_len(text) > width:
            text = fit(text, width - used) if width - used > 0 else ""
        kept.append((style, text))
        used += cell_len(text)
        if used >= width:
            break
    return kept


def keys_line(keys: Sequence[tuple[str, str]], width: int) -> Fragments:
    """The second line: `Esc back · Ctrl-N note · …`, shortened to fit
    (Ctrl-N as ^N, then the words dropped from the last keys)."""
    for short in (False, True):
        shown_keys = [(k.replace("Ctrl-", "^") if short else k, what) for k, what in keys]
        text = " · ".join(f"{k} {what}" for k, what in shown_keys)
        if cell_len(text) + 1 <= width or short:
            break
    fragments: Fragments = [("class:status.keys", " ")]
    for i, (key, what) in enumerate(shown_keys):
        if i:
            fragments.append(("class:status.keys", " · "))
        fragments += [("class:status.key", key), ("class:status.keys", f" {what}")]
    return _clip(fragments, width)


def status_window(
    session: Session, node_id: Callable[[], str], clock: CallClock | None, keys: Sequence[tuple[str, str]]
) -> Any:
    """The status line as a prompt_toolkit container, shown while the prompt is open."""
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import is_done
    from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Window

    def width() -> int:
        return int(get_app().output.get_size().columns)

    def where() -> StyleAndTextTuples:
        return list(where_line(session, node_id(), clock, width()))

    def hints() -> StyleAndTextTuples:
        return list(keys_line(keys, width()))

    top = Window(
        FormattedTextControl(where),
        height=1,
        style="class:status",
    )
    bottom = Window(FormattedTextControl(hints), height=1, style="class:status.keys")
    return ConditionalContainer(HSplit([top, bottom]), filter=~is_done)


def keys_window(keys: Sequence[tuple[str, str]]) -> Any:
    """Only the keys (a prompt before the call has started)."""
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import is_done
    from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, Window

    def hints() -> StyleAndTextTuples:
        return list(keys_line(keys, int(get_app().output.get_size().columns)))

    return ConditionalContainer(Window(FormattedTextControl(hints), height=1, style="class:status.keys"), filter=~is_done)


def with_status(question: Any, status: Any, *, tick: bool) -> Any:
    """The question's layout with the status line under it; with `tick`, the
    clock is redrawn every second."""
    from prompt_toolkit.layout import HSplit, Layout

    app = question.application
    app.layout = Layout(HSplit([app.layout.container, status]), focused_element=app.layout.current_window)
    if tick:
        app.refresh_interval = 1.0
    return question
