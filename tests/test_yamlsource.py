"""Safe YAML reading: plain text values, refused YAML features, caps, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.filetext import read_text
from callflow.flow.positions import PositionIndex
from callflow.flow.yamlsource import MAX_FILE_BYTES, YamlError, parse_yaml


def problem(text: str) -> Diagnostic:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "f.yaml")
    assert len(caught.value.diagnostics) == 1
    return caught.value.diagnostics[0]


def read_problem(path: Path) -> Diagnostic:
    with pytest.raises(YamlError) as caught:
        read_text(str(path))
    return caught.value.diagnostics[0]


def where(d: Diagnostic) -> tuple[str, int, int]:
    return d.code, d.line, d.col


# -- values stay what the author wrote ----------------------------------------------


def test_yaml_11_traps_stay_text() -> None:
    data = parse_yaml(
        "a: yes\nb: no\nc: on\nd: off\ne: 012\nf: 2024-01-01\ng: 1.50\nh: 0x1F\ni: .inf\nj: 1_000\n", "f.yaml"
    )
    assert data == {
        "a": "yes",
        "b": "no",
        "c": "on",
        "d": "off",
        "e": "012",
        "f": "2024-01-01",
        "g": "1.50",
        "h": "0x1F",
        "i": ".inf",
        "j": "1_000",
    }


def test_nulls_and_quoted_nulls() -> None:
    assert parse_yaml("a:\nb: ~\nc: null\nd: 'null'\ne: ''\n", "f.yaml") == {
        "a": None,
        "b": None,
        "c": None,
        "d": "null",
        "e": "",
    }


def test_standard_scalar_tags_keep_the_text() -> None:
    assert parse_yaml("a: !!str 012\nb: !!int 012\nc: !!bool yes\nd: !!null\n", "f.yaml") == {
        "a": "012",
        "b": "012",
        "c": "yes",
        "d": None,
    }


def test_nested_lists_and_mappings() -> None:
    assert parse_yaml("a:\n  - {b: 1, c: [x, 'y']}\n  - z\n", "f.yaml") == {"a": [{"b": "1", "c": ["x", "y"]}, "z"]}


# -- refused YAML features, each with its code and position ---------------------------


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    d = problem("nodes:\n  D-2-4:\n    end: a\n  D-2-5:\n    end: b\n  D-2-4:\n    end: c\n")
    assert where(d) == ("CF002", 6, 3)
    assert d.message.startswith("duplicate key 'D-2-4' (first defined at line 2)")


def test_duplicate_key_counts_quoted_and_plain_as_one() -> None:
    assert where(problem("'310': a\n310: b\n")) == ("CF002", 2, 1)


def test_anchor_is_refused() -> None:
    d = problem("base: &b\n  x: 1\n")
    assert where(d) == ("CF003", 1, 7)
    assert d.message.startswith("anchor '&b' is not supported")


def test_alias_is_refused() -> None:
    d = problem("a: 1\nb: *x\n")
    assert where(d) == ("CF003", 2, 4)
    assert d.message.startswith("alias '*x' is not supported")


def test_alias_bomb_is_refused_before_it_expands() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    assert where(problem(bomb)) == ("CF003", 1, 4)


def test_merge_key_is_refused() -> None:
    d = problem("node:\n  <<: {a: 1}\n  b: 2\n")
    assert where(d) == ("CF003", 2, 3)
    assert d.message == "merge key '<<' is not supported: write the keys out"


def test_quoted_merge_key_is_just_a_key() -> None:
    assert parse_yaml("'<<': x\n", "f.yaml") == {"<<": "x"}


@pytest.mark.parametrize(
    ("text", "shown", "line", "col"),
    [
        ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system", 1, 4),
        ("a: !!python/name:os.system\n", "!!python/name:os.system", 1, 4),
        ("a:\n  b: !!python/object:builtins.dict {x: 1}\n", "!!python/object:builtins.dict", 2, 6),
        ("a: !custom text\n", "!custom", 1, 4),
        ("a: !!binary aGk=\n", "!!binary", 1, 4),
    ],
)
def test_non_standard_tags_are_refused(text: str, shown: str, line: int, col: int) -> None:
    d = problem(text)
    assert where(d) == ("CF004", line, col)
    assert d.message == f"tag '{shown}' is not supported: remove it and write plain text"


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    d = problem("[" * 100_000)
    assert where(d) == ("CF005", 1, 65)
    assert d.message == "nested more than 64 levels deep"


def test_deep_nesting_of_mappings_is_an_error_not_a_crash() -> None:
    assert where(problem("{a: " * 100_000))[0] == "CF005"


def test_too_many_values() -> None:
    with pytest.raises(YamlError) as caught:
        parse_yaml("[" + ", ".join(["x"] * 50) + "]\n", "f.yaml", max_values=20)
    assert where(caught.value.diagnostics[0])[0] == "CF005"
    assert caught.value.diagnostics[0].message == "more than 20 values in one file"


@pytest.mark.parametrize(
    ("text", "message", "line", "col"),
    [
        ("", "the file is empty", 1, 1),
        ("# only a comment\n", "the file is empty", 1, 1),
        ("a: 1\n---\nb: 2\n", "more than one YAML document ('---'): keep one per file", 2, 1),
        ("? [a]\n: 1\n", "a mapping key must be plain text, not a list or mapping", 1, 3),
        ("a: [1, 2\nb: 3\n", "YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'", 2, 2),
        ("a:\n\tb: 1\n", "YAML syntax error: while scanning for the next token: found character that cannot start any token", 2, 1),
    ],
)
def test_syntax_problems(text: str, message: str, line: int, col: int) -> None:
    d = problem(text)
    assert (d.code, d.line, d.col, d.message) == ("CF001", line, col, message)


# -- reading files ---------------------------------------------------------------------


def test_reads_utf8_and_drops_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("\ufeffcompany: Anything Computers.org – café\n".encode())
    assert read_text(str(path)) == "company: Anything Computers.org – café\n"


def test_invalid_utf8_names_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    d = read_problem(path)
    assert (d.path, *where(d)) == (str(path), "CF006", 2, 7)
    assert d.message == "not valid UTF-8 text (save the file as UTF-8)"


def test_nul_byte_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("a: é\nbc\x00d\n".encode())
    d = read_problem(path)
    assert where(d) == ("CF006", 2, 3)
    assert d.message == "binary data (a NUL byte): not a YAML text file"


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    d = read_problem(tmp_path)
    assert where(d) == ("CF006", 1, 1)
    assert d.message == "is a directory, not a file"


def test_a_missing_file(tmp_path: Path) -> None:
    d = read_problem(tmp_path / "nope.yaml")
    assert where(d) == ("CF006", 1, 1)
    assert d.message == "file not found"


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:  # sparse: no 21 MiB actually written
        handle.truncate(MAX_FILE_BYTES + 1024 * 1024)
    d = read_problem(path)
    assert where(d) == ("CF005", 1, 1)
    assert d.message == (
        f"file is {MAX_FILE_BYTES + 1024 * 1024:,} bytes; the limit is {MAX_FILE_BYTES:,}"
    )


# -- positions -------------------------------------------------------------------------

TEXT = """\
title: T
nodes:
  D-2-4:
    steps:
      - say: hello
      - item: "310"
    end: done
"""


def test_position_of_keys_and_values() -> None:
    positions = PositionIndex(TEXT, "f.yaml")
    assert positions.locate(("nodes", "D-2-4")) == (3, 3)
    assert positions.locate(("nodes", "D-2-4", "end")) == (7, 5)
    assert positions.locate(("nodes", "D-2-4", "end"), at_key=False) == (7, 10)
    assert positions.locate(("nodes", "D-2-4", "steps", 1)) == (6, 9)
    assert positions.locate(("nodes", "D-2-4", "steps", 1, "item")) == (6, 9)
    assert positions.locate(("nodes", "D-2-4", "steps", 1, "item"), at_key=False) == (6, 15)


def test_position_falls_back_to_the_deepest_existing_element() -> None:
    positions = PositionIndex(TEXT, "f.yaml")
    assert positions.locate(("nodes", "D-2-4", "choose", "prompt")) == (3, 3)
    assert positions.locate(("nodes", "D-2-4", "steps", 9)) == (4, 5)
    assert positions.locate(()) == (1, 1)
