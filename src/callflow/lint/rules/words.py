"""Content rules about what is shown (CF208, CF209, CF218): secrets never appear
in words, tickets or receipts, words to say have no blanks to fill by hand, and
no text holds a control character."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from callflow.flow.controls import CONTROL_CHARACTERS, picture
from callflow.flow.diagnostics import Diagnostic
from callflow.flow.expressions import names
from callflow.flow.invoicesteps import PastDueStep
from callflow.flow.yamlsource import event_position, yaml_events
from callflow.lint.context import LintContext
from callflow.lint.rule import ERROR, WARNING, Rule

SECRET_SHOWN = Rule(
    "CF208", "secret-shown", ERROR, "a secret field used in words, a ticket, a message, a receipt or any expression but a condition"
)
LITERAL_BLANK = Rule("CF209", "literal-blank", WARNING, "a literal blank such as `____` in words to say")
CONTROL_CHARACTER = Rule(
    "CF218", "control-character", WARNING, "a control character (ESC, BEL, a bidirectional override ...) in the flow's text"
)

RULES = (SECRET_SHOWN, LITERAL_BLANK, CONTROL_CHARACTER)

_BLANK = re.compile(r"_{3,}")


def check(ctx: LintContext) -> Iterator[Diagnostic]:
    yield from _controls(ctx)
    fields = ctx.flow.fields
    for site in ctx.templates:
        for placeholder in site.placeholders:
            spec = fields.get(placeholder.name)
            if spec is not None and spec.secret:
                yield ctx.report_placeholder(
                    SECRET_SHOWN,
                    site,
                    placeholder,
                    f"'{placeholder.name}' is a secret field: it must never be shown, put on the ticket or"
                    " saved in a receipt; remove the placeholder",
                )
        if site.kind == "say":
            for match in _BLANK.finditer(site.text):
                yield ctx.report_in(
                    LITERAL_BLANK,
                    site.loc,
                    site.text,
                    match.start(),
                    len(match.group()),
                    f"'{match.group()}' is a blank the director would have to fill in on the call:"
                    " use a placeholder such as {total} or {agent}",
                )
    for node_id, node in ctx.flow.nodes.items():
        for i, step in enumerate(node.steps):
            if isinstance(step, PastDueStep):
                spec = fields.get(step.past_due)
                if spec is not None and spec.secret:
                    yield ctx.report(
                        SECRET_SHOWN,
                        ("nodes", node_id, "steps", i, "past_due"),
                        f"'{step.past_due}' is a secret field: its amount would be saved in the receipt; make it not secret",
                        at_key=False,
                    )
    # A value computed from a secret is recorded, shown and saved like any other;
    # only a condition may read a secret (it records nothing).
    for esite in ctx.expression_sites:
        for name in names(ctx.expr(esite.text)):
            spec = fields.get(name.name)
            if spec is not None and spec.secret:
                saved = "its amount would be saved in the receipt" if esite.role == "amount" else "what is computed from it is recorded, shown and saved in the receipt"
                yield ctx.report_in(
                    SECRET_SHOWN,
                    esite.loc,
                    esite.text,
                    name.offset,
                    len(name.name),
                    f"'{name.name}' is a secret field: {saved}; use a secret only in conditions (when:, if:)",
                )


def _controls(ctx: LintContext) -> Iterator[Diagnostic]:
    """Every scalar of the flow's file and its libraries holding a control
    character: YAML lets a double-quoted string write one as an escape (`\\e`,
    `\\x1b`, `\\u202e`) and some raw. Screens and receipts show it as a mark;
    the author most likely meant none."""
    files = [(ctx.loaded.path, ctx.loaded.text), *((lib.path, lib.text) for lib in ctx.loaded.libraries)]
    for path, text in files:
        if "\\" not in text and CONTROL_CHARACTERS.search(text) is None:
            continue  # nothing can hold one: no escape, no raw control
        for event in yaml_events(text, path):
            value = getattr(event, "value", None)
            if not isinstance(value, str) or (found := CONTROL_CHARACTERS.search(value)) is None:
                continue
            line, col = event_position(event)
            char = found.group()
            name = _NAMES.get(ord(char)) or unicodedata.name(char, "")
            yield Diagnostic(
                path,
                line,
                col,
                CONTROL_CHARACTER.code,
                CONTROL_CHARACTER.severity,
                f"this text holds the control character U+{ord(char):04X}{' ' + name if name else ''} (character"
                f" {found.start() + 1}): screens and receipts show it as {picture(char)} instead of obeying it;"
                " remove it",
            )


_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x0D: "CARRIAGE RETURN", 0x1B: "ESC", 0x7F: "DEL"}
