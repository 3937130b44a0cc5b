"""Writing scenario files (scaffolds, failing random walks) as YAML a trainer
can read and edit: comments next to answers, plain scalars where safe, and
JSON-style double quotes everywhere else (valid YAML, no surprises)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

_PLAIN = re.compile(r"[A-Za-z0-9_$(][A-Za-z0-9 _.,/()#@+$–—'&-]*")
# Words other YAML readers turn into booleans or nulls: quote them for those readers.
_SPECIAL = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_NUMBER = re.compile(r"[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?")


def yaml_scalar(text: str) -> str:
    """A scalar written so any YAML reader gives back exactly `text`."""
    plain = (
        _PLAIN.fullmatch(text) is not None
        and text.strip() == text
        and text.casefold() not in _SPECIAL
        and _NUMBER.fullmatch(text) is None
        and " #" not in text
        and not text.endswith(":")
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def yaml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(yaml_scalar(i) for i in items) + "]"


@dataclass(frozen=True)
class AnswerLine:
    field_id: str
    values: tuple[str, ...]  # one per time the question is asked
    comment: str | None = None


def _comment_lines(lines: Sequence[str]) -> list[str]:
    return [f"# {line}".rstrip() for line in lines]


def scenario_yaml(
    *,
    name: str,
    answers: Sequence[AnswerLine],
    expect: Sequence[str],
    header: Sequence[str] = (),
    flow_ref: str | None = None,
    agent: str | None = None,
    description: str | None = None,
    today: str | None = None,
) -> str:
    """A whole scenario file. `expect` holds the lines under `expect:` (indented
    by the caller's two spaces, comments included)."""
    out = _comment_lines(header)
    out.append(f"name: {yaml_scalar(name)}")
    if description:
        out.append(f"description: {yaml_scalar(description)}")
    if flow_ref is not None:
        out.append(f"flow: {yaml_scalar(flow_ref)}")
    if agent:
        out.append(f"agent: {yaml_scalar(agent)}")
    if today:
        out.append(f"today: {today}")
    out.append("answers:" if answers else "answers: {}")
    written = []
    for answer in answers:
        value = yaml_scalar(answer.values[0]) if len(answer.values) == 1 else yaml_list(answer.values)
        written.append((f"  {answer.field_id}: {value}", answer.comment))
    width = max((len(text) for text, _ in written), default=0)
    for text, comment in written:
        out.append(f"{text:<{width}}  # {comment}" if comment else text)
    out.append("expect:")
    out += list(expect)
    return "\n".join(out) + "\n"
