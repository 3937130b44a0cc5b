"""callflow's own YAML limits hold whatever the installed libyaml does.

The promise (README, docs/lint-rules.md CF005): a document nested more than 64
levels deep is refused as CF005 at the 65th opening, a file with too many
values as CF005 at the first value over the cap. PyYAML 6.0.2 and later ship a
libyaml with a nesting limit of its own whose scanner reads far ahead inside
flow collections; 6.0.1's has none. These tests pin the promise against the
installed PyYAML and against stand-ins for a libyaml with no limit and for one
with a far stricter limit, so a PyYAML release that changes its behaviour
again turns them red.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from callflow.flow import yamlsource
from callflow.flow.yamlsource import MAX_DEPTH, YamlError, parse_yaml

# Each shape builds a document of exactly `levels` nested collections and says
# where the 65th of them opens.


def _flow_sequences(levels: int) -> tuple[str, tuple[int, int]]:
    # The root mapping is the first level; the brackets after "x: " the rest.
    return "x: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n", (1, 3 + MAX_DEPTH)


def _flow_mappings(levels: int) -> tuple[str, tuple[int, int]]:
    return "{a: " * levels + "b" + "}" * levels + "\n", (1, 1 + 4 * MAX_DEPTH)


def _block_mappings(levels: int) -> tuple[str, tuple[int, int]]:
    text = "".join(f"{' ' * i}k{i}:\n" for i in range(levels)) + " " * levels + "v\n"
    # The 65th mapping opens at the key on line 65 (the first is the root).
    return text, (MAX_DEPTH + 1, MAX_DEPTH + 1)


def _block_sequences(levels: int) -> tuple[str, tuple[int, int]]:
    text = "".join(f"{'  ' * i}-\n" for i in range(levels)) + "  " * levels + "v\n"
    return text, (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)


def _block_then_flow(levels: int) -> tuple[str, tuple[int, int]]:
    # 10 block mappings, then flow sequences on one line below them.
    block = "".join(f"{' ' * i}k{i}:\n" for i in range(10))
    flow = levels - 10
    return block + " " * 10 + "[" * flow + "]" * flow + "\n", (11, 11 + MAX_DEPTH - 10)


SHAPES = {
    "flow sequences": _flow_sequences,
    "flow mappings": _flow_mappings,
    "block mappings": _block_mappings,
    "block sequences": _block_sequences,
    "block then flow": _block_then_flow,
}
# Just over callflow's limit, libyaml's own (1000), and far beyond both.
DEPTHS = (MAX_DEPTH + 1, 1_000, 1_001, 5_000)


def _refused(text: str) -> tuple[str, int, int, str]:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    (d,) = caught.value.diagnostics
    return d.code, d.line, d.col, d.message


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("shape", SHAPES)
def test_too_deep_is_cf005_at_the_first_level_over_the_limit(shape: str, depth: int) -> None:
    text, (line, col) = SHAPES[shape](depth)
    assert _refused(text) == ("CF005", line, col, "nested more than 64 levels deep")


@pytest.mark.parametrize("shape", SHAPES)
def test_exactly_at_the_limit_loads(shape: str) -> None:
    text, _ = SHAPES[shape](MAX_DEPTH)
    parse_yaml(text, "f.yaml")


def test_an_unclosed_hundred_thousand_brackets_are_cf005_at_1_65() -> None:
    assert _refused("[" * 100_000)[:3] == ("CF005", 1, 65)


def test_a_syntax_error_beyond_the_depth_limit_is_still_the_depth_limit() -> None:
    text = "[" * 2_000 + "}" + "]" * 2_000
    assert _refused(text)[:3] == ("CF005", 1, 65)


def test_a_syntax_error_before_the_depth_limit_is_reported_as_syntax() -> None:
    text = "a: [b, c\nd: " + "[" * 2_000
    code, line, _, message = _refused(text)
    assert (code, line) == ("CF001", 2)
    assert message.startswith("YAML syntax error: ")


class _PythonParser:
    """A stand-in for a libyaml with no nesting limit (PyYAML 6.0.1's)."""

    def __init__(self, text: str) -> None:
        self._events: Iterator[Any] = yamlsource._python_events(text, "f.yaml", skip=0)

    def get_event(self) -> Any:
        return next(self._events, None)

    def dispose(self) -> None:
        pass


class _StrictLibyaml(_PythonParser):
    """A stand-in for a libyaml whose scanner stops at 10 levels."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def get_event(self) -> Any:
        event = super().get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            self._depth += 1
            if self._depth > 10:
                raise yaml.scanner.ScannerError(
                    "while increasing flow level", None, "exceeded maximum nesting depth", event.start_mark
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            self._depth -= 1
        return event


@pytest.mark.parametrize("stand_in", [_PythonParser, _StrictLibyaml], ids=["no limit", "limit 10"])
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_001])
@pytest.mark.parametrize("shape", SHAPES)
def test_the_same_answer_with_any_libyaml_limit(
    monkeypatch: pytest.MonkeyPatch, stand_in: type, shape: str, depth: int
) -> None:
    text, _ = SHAPES[shape](depth)
    expected = _refused(text)
    monkeypatch.setattr(yaml.cyaml, "CParser", stand_in)
    assert _refused(text) == expected


@pytest.mark.parametrize("stand_in", [_PythonParser, _StrictLibyaml], ids=["no limit", "limit 10"])
def test_a_deep_but_allowed_document_loads_with_any_libyaml_limit(monkeypatch: pytest.MonkeyPatch, stand_in: type) -> None:
    text, _ = _block_mappings(40)
    expected = parse_yaml(text, "f.yaml")
    monkeypatch.setattr(yaml.cyaml, "CParser", stand_in)
    assert parse_yaml(text, "f.yaml") == expected


def test_the_value_cap_holds_past_the_libyaml_limit() -> None:
    # Values are counted the same on the fallback parser: the cap is hit first.
    text = "[" * 1_500 + "]" * 1_500
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml", max_values=30, max_depth=5_000)
    (d,) = caught.value.diagnostics
    assert (d.code, d.line, d.col, d.message) == ("CF005", 1, 31, "more than 30 values in one file")
