"""The README's pre-commit snippet works as written: the hook it names is the
one .pre-commit-hooks.yaml offers, its `rev:` is the tag the release step
makes for the version in pyproject.toml, and the hook's command, run the way
pre-commit runs it (entry, args, then the files its patterns select), passes
on the shipped flows and fails on a broken one."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def readme_config() -> dict[str, object]:
    block = re.search(r"```yaml\n# \.pre-commit-config\.yaml\n(.*?)```", README, re.S)
    assert block, "README has no .pre-commit-config.yaml snippet"
    config = yaml.safe_load(block.group(1))
    [repo] = config["repos"]
    return repo  # type: ignore[no-any-return]


def selected(hook: dict[str, object], files: list[str]) -> list[str]:
    """The files pre-commit hands the hook: matching `files`, not `exclude`."""
    include, exclude = re.compile(str(hook["files"])), re.compile(str(hook.get("exclude", "^$")))
    return [f for f in files if include.search(f) and not exclude.search(f)]


def run_hook(hook: dict[str, object], args: list[str], files: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    entry = shlex.split(str(hook["entry"]))
    assert entry[0] == "callflow"  # the console script pip installs for `language: python`
    command = [sys.executable, "-m", "callflow", *entry[1:], *args, *files]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=120)


def test_the_readme_hook_is_one_this_repository_offers() -> None:
    repo = readme_config()
    offered = {h["id"]: h for h in HOOKS}
    for hook in repo["hooks"]:  # type: ignore[attr-defined]
        assert hook["id"] in offered
        assert offered[hook["id"]]["language"] == "python"


def test_the_readme_rev_is_the_tag_the_release_step_makes() -> None:
    rev = readme_config()["rev"]
    assert rev == f"v{VERSION}"
    assert f"git tag -a {rev} " in README and f"git push origin {rev}" in README
    # The CI snippet installs the same release.
    assert f"callflow@{rev}" in README


def test_the_hook_run_as_pre_commit_runs_it_passes_the_shipped_flows_and_fails_a_broken_one(tmp_path: Path) -> None:
    [hook] = [h for h in HOOKS if h["id"] == "callflow-lint"]
    [configured] = readme_config()["hooks"]  # type: ignore[misc]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    files = selected(hook, tracked)
    assert "flows/anything-computers-intake.yaml" in files
    assert not [f for f in files if ".scenarios/" in f]
    passed = run_hook(hook, list(configured["args"]), files, ROOT)
    assert passed.returncode == 0, passed.stdout + passed.stderr

    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "x.yaml").write_text("id: x\nstart: A\nnodes:\n  A: {say: hi, next: B}\n", encoding="utf-8")
    failed = run_hook(hook, list(configured["args"]), selected(hook, ["flows/x.yaml"]), tmp_path)
    assert failed.returncode == 1
    assert "flows/x.yaml:4:" in failed.stdout
