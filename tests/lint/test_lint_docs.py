"""docs/lint-rules.md documents every rule, and its examples are true: each
failing example gives exactly the output shown, each passing one nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from callflow.lint import ALL_RULES, lint_paths

DOC = Path(__file__).resolve().parents[2] / "docs" / "lint-rules.md"
TEXT = DOC.read_text(encoding="utf-8")
SECTIONS = dict(re.findall(r"^### (CF\d{3})\n(.*?)(?=^### |\Z)", TEXT, re.DOTALL | re.MULTILINE))
EXAMPLE = re.compile(
    r"Fails:\n\n(?:.*?\n\n)?```(\w+)\n(.*?)```\n\n```text\n(.*?)```\n\nPasses:\n\n```\w+\n(.*?)```", re.DOTALL
)


def test_every_rule_is_documented_once_under_its_code_name_and_severity() -> None:
    assert list(SECTIONS) == list(ALL_RULES)
    for code, rule in ALL_RULES.items():
        assert SECTIONS[code].startswith(f"\n`{rule.name}` · **{rule.severity.value}** · {rule.summary}.")
        assert f"| [{code}](#{code.lower()}) | `{rule.name}` | {rule.severity.value} |" in TEXT


def lint_example(tmp_path: Path, text: str, *, latin1: bool = False) -> list[str]:
    (tmp_path / "flows").mkdir(exist_ok=True)
    data = text.encode("utf-8")
    if latin1:  # the CF006 example: its é is saved as the one byte E9
        data = data.replace("é".encode(), b"\xe9")
    (tmp_path / "flows" / "example.yaml").write_bytes(data)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return [str(d) for d in lint_paths(["flows/example.yaml"]).diagnostics]
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("code", [c for c in ALL_RULES if not c.startswith("CF4")])
def test_the_examples_give_what_the_doc_shows(code: str, tmp_path: Path) -> None:
    # CF4xx examples need real calls: tests/test_report_usage.py runs them.
    found = EXAMPLE.search(SECTIONS[code])
    assert found, f"{code} needs a failing and a passing example"
    fence, failing, output, passing = found.groups()
    assert f" {code} " in output
    assert fence == ("text" if code == "CF006" else "yaml")
    assert lint_example(tmp_path, failing, latin1=code == "CF006") == output.strip().splitlines()
    assert lint_example(tmp_path, passing) == []
