"""Every flow shipped under flows/ (whatever is there now or later) and the
complete example of docs/flow-format.md lint clean, warnings included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callflow.flow.loadedflow import is_library_text
from callflow.lint import lint_paths
from callflow.lint.runner import LintReport, flow_files

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = flow_files([str(ROOT / "flows")], LintReport())


def test_there_are_shipped_flows() -> None:
    assert any(path.endswith("anything-computers-intake.yaml") for path in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: Path(p).name)
def test_shipped_flow_lints_clean_with_strict(path: str) -> None:
    report = lint_paths([path])
    assert [str(d) for d in report.diagnostics] == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: Path(p).name)
def test_shipped_flow_points_editors_at_the_schema(path: str) -> None:
    text = Path(path).read_text(encoding="utf-8")
    first = text.splitlines()[0]
    # A flow at flows/x.yaml, a library (procedures flows share) one folder down.
    schema = "library.schema.json" if is_library_text(text) else "flow.schema.json"
    up = "../" * len(Path(path).relative_to(ROOT / "flows").parts)
    assert first == f"# yaml-language-server: $schema={up}schema/{schema}"


def test_the_docs_example_lints_clean(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "flow-format.md").read_text(encoding="utf-8")
    block = re.search(r"## A complete small example\n\n```yaml\n(.*?)```", text, re.DOTALL)
    assert block, "docs/flow-format.md lost its complete example"
    path = tmp_path / "refund-desk.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    assert [str(d) for d in lint_paths([str(path)]).diagnostics] == []
