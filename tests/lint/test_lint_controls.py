"""CF218: a control character in a flow's text (issue 12, item 5) is a
warning at the text, naming the character, in the flow or in its library."""

from __future__ import annotations

from pathlib import Path

import pytest

from callflow.lint import lint_paths

FLOW = 'id: c\ntitle: "TITLE"\nstart: A\nnodes:\n  A:\n    steps:\n      - say: "SAY"\n    end: done\n'


def controls(path: Path) -> list[tuple[str, int, int, str]]:
    return [(Path(d.path).name, d.line, d.col, d.message) for d in lint_paths([str(path)]).diagnostics if d.code == "CF218"]


@pytest.mark.parametrize(
    ("written", "code", "name"),
    [
        ("\\e]52;c;ZXZpbA==\\a", "U+001B ESC", "␛"),  # a clipboard write
        ("\\x07", "U+0007 BEL", "␇"),
        ("\\u202eevil", "U+202E RIGHT-TO-LEFT OVERRIDE", "<U+202E>"),
        ("\\u200b", "U+200B ZERO WIDTH SPACE", "<U+200B>"),
        ("\\x9b", "U+009B", "<U+009B>"),
    ],
)
def test_an_escaped_control_character_is_a_warning_naming_it(tmp_path: Path, written: str, code: str, name: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(FLOW.replace("SAY", f"Hello {written}"), encoding="utf-8")
    [(file, line, col, message)] = controls(path)
    assert (file, line, col) == ("c.yaml", 7, 14)
    assert message.startswith(f"this text holds the control character {code} (character 7)")
    assert f"show it as {name} instead" in message


def test_a_raw_zero_width_character_counts_and_tab_and_newline_do_not(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(FLOW.replace('"TITLE"', "Intake\u200b").replace('"SAY"', '"one\\ttwo\\nthree"'), encoding="utf-8")
    assert [(line, col) for _, line, col, _ in controls(path)] == [(2, 8)]


def test_a_control_character_in_a_library_is_reported_in_the_library(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    (flows / "common").mkdir(parents=True)
    (flows / "common" / "lib.yaml").write_text(
        'callflow: 1\nlibrary: lib\nprocedures:\n  hello:\n    title: Hello\n    start: H\n    nodes:\n'
        '      H:\n        steps:\n          - say: "Hi\\e[8m hidden"\n        return: true\n',
        encoding="utf-8",
    )
    flow = FLOW.replace("    steps:\n", "    steps:\n      - call: hello\n").replace("start: A\n", "start: A\nuses: [common/lib.yaml]\n")
    (flows / "shop.yaml").write_text(flow, encoding="utf-8")
    found = [(Path(d.path).name, d.line, d.col) for d in lint_paths([str(flows)]).diagnostics if d.code == "CF218"]
    assert found == [("lib.yaml", 10, 18)]  # once, for the folder


def test_the_shipped_flows_hold_no_control_character() -> None:
    root = Path(__file__).resolve().parents[2]
    assert [d for d in lint_paths([str(root / "flows"), str(root / "docs" / "examples")]).diagnostics if d.code == "CF218"] == []
