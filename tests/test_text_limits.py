"""Caps on what one flow value may hold, refused at load with the fix (issue 12,
items 8 and 9): an id long enough to break file names, and a step's words too
long to show instantly."""

from __future__ import annotations

import pytest

from callflow.flow.errors import FlowLoadError
from callflow.flow.loader import validate_text
from callflow.flow.model import Flow
from callflow.flow.scalars import MAX_NAME, MAX_WORDS


def problems(text: str) -> list[str]:
    with pytest.raises(FlowLoadError) as caught:
        validate_text(Flow, text, "f.yaml")
    return [str(d) for d in caught.value.diagnostics]


def test_a_flow_id_longer_than_64_characters_is_refused_at_the_id() -> None:
    text = f"id: {'x' * 300}\ntitle: T\nstart: A\nnodes: {{A: {{end: done}}}}\n"
    assert problems(text) == ["f.yaml:1:1: CF010 error: 'id' is 300 characters long; an id has at most 64: shorten it"]


def test_a_node_id_longer_than_64_characters_is_refused() -> None:
    long_id = "N" * (MAX_NAME + 1)
    text = f"id: f\ntitle: T\nstart: {long_id}\nnodes: {{{long_id}: {{end: done}}}}\n"
    assert any("an id has at most 64" in p for p in problems(text))


def test_words_over_the_cap_are_refused_with_how_to_fix_it() -> None:
    words = "w" * (MAX_WORDS + 1)
    text = f"id: f\ntitle: T\nstart: A\nnodes: {{A: {{steps: [{{say: '{words}'}}], end: done}}}}\n"
    assert problems(text) == [
        "f.yaml:4:22: CF010 error: 'say' is 4,001 characters long; one step's words have at most 4,000: split them over several steps"
    ]


def test_words_at_the_cap_load() -> None:
    words = "w" * MAX_WORDS
    text = f"id: f\ntitle: T\nstart: A\nnodes: {{A: {{steps: [{{say: '{words}'}}], end: done}}}}\n"
    assert validate_text(Flow, text, "f.yaml").nodes["A"].steps[0].say == words  # type: ignore[union-attr]
