"""The pre-commit hook `callflow-lint` runs `callflow lint` on flow files only."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def hook() -> dict[str, object]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["callflow-lint"]
    return hooks[0]


def test_the_hook_runs_callflow_lint_from_this_package() -> None:
    found = hook()
    assert shlex.split(str(found["entry"])) == ["callflow", "lint"]
    assert found["language"] == "python"
    assert found["types"] == ["yaml"]


def test_the_hook_takes_flows_and_leaves_scenarios_out() -> None:
    found = hook()
    files, exclude = re.compile(str(found["files"])), re.compile(str(found["exclude"]))

    def taken(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    assert taken("flows/anything-computers-intake.yaml")
    assert taken("support/flows/remote.yml")
    assert not taken("flows/anything-computers-intake.scenarios/one-time.yaml")
    assert not taken(".github/workflows/ci.yaml")
    assert not taken("answers/call.yaml")


def test_the_readme_snippet_uses_this_hook() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "      - id: callflow-lint\n" in readme
    assert re.search(r"^      - run: callflow lint .*--format github flows/$", readme, re.MULTILINE)
