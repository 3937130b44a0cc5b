"""`callflow diff`: what a change to a flow does to calls, and to its scenarios."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callflow.cli import app
from callflow.flow.flowdiff import word_diff

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
CALLFLOW = [sys.executable, "-m", "callflow"]
runner = CliRunner()


def copy_d2(folder: Path, edit: dict[str, str] | None = None) -> Path:
    """The D-2 flow and its scenarios in `folder/flows`, with text replaced."""
    flows = folder / "flows"
    flows.mkdir(parents=True, exist_ok=True)
    text = D2.read_text(encoding="utf-8")
    for old, new in (edit or {}).items():
        assert old in text, old
        text = text.replace(old, new, 1)
    target = flows / D2.name
    target.write_text(text, encoding="utf-8")
    shutil.copytree(D2.with_suffix(".scenarios"), flows / "anything-computers-intake.scenarios", dirs_exist_ok=True)
    return target


def test_word_diff_marks_removed_and_added_words() -> None:
    assert word_diff("Give me a few moments to get ready.", "Give me a moment to get ready.") == (
        "Give me a [-few moments-] {+moment+} to get ready."
    )
    assert word_diff("same words", "same words") == "same words"


def test_the_same_flow_reformatted_has_the_same_behaviour(tmp_path: Path) -> None:
    new = copy_d2(tmp_path, {"callflow: 1\n": "callflow: 1\n# a comment nobody hears\n", "id: anything": "id:   anything"})
    result = runner.invoke(app, ["diff", str(D2), str(new)])
    assert result.exit_code == 0, result.output
    assert "the flows make the same calls" in result.output
    assert "Scenarios: 0 of 19 walk differently" in result.output
    assert result.output.rstrip().endswith("Same behaviour.")


def test_words_prices_routes_and_the_scenarios_they_change(tmp_path: Path) -> None:
    new = copy_d2(
        tmp_path,
        {
            "Give me a few moments to get things ready on my end.": "Give me a moment to get things ready on my end.",
            "price: 20.00": "price: 25.00",
        },
    )
    result = runner.invoke(app, ["diff", str(D2), str(new)])
    assert result.exit_code == 1, result.output
    assert "  ~ D-2-8 say: Give me a [-few moments-] {+moment+} to get things ready on my end.\n" in result.output
    assert "  ~ catalog item 320 price: 20.00 → now 25.00\n" in result.output
    assert "Scenarios: 2 of 19 walk differently" in result.output
    assert (
        "  payg-past-due-pays-addon-and-balance.yaml: Pay As You Go member owing $45.50 pays the add-on and the balance\n"
        "      invoice: 320 × 1 = 20.00; past_due 45.50; total 65.50; paid 65.50; due 0.00\n"
        "               now 320 × 1 = 25.00; past_due 45.50; total 70.50; paid 70.50; due 0.00\n"
    ) in result.output
    assert result.output.rstrip().endswith("Behaviour changed.")


def test_json_names_every_change_and_scenario_with_a_format_version(tmp_path: Path) -> None:
    new = copy_d2(
        tmp_path,
        {
            "    next: D-2-9\n": "    next: D-2-12\n",
            "    end: voicemail_left\n": "    end: voicemail_left_for_the_member\n",
            "      - ask: remote_agent\n": "",
        },
    )
    result = runner.invoke(app, ["diff", str(D2), str(new), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert (data["format"], data["format_version"], data["same_behaviour"]) == ("callflow-diff", 1, False)
    assert data["old"] == {"label": str(D2), "id": "anything-computers-intake", "nodes": 32}
    kinds = {(c["kind"], c["where"]) for c in data["changes"]}
    assert ("route", "D-2-8") in kinds
    assert ("end-added", "D-2-25") in kinds
    assert not any(c["kind"] == "end-removed" for c in data["changes"])  # D-2-33 still leaves a voicemail
    assert any(c["kind"] == "step" and c["old"] == "ask: remote_agent" for c in data["changes"])
    moved = {Path(s["path"]).name: s for s in data["scenarios"] if s["changed"]}
    voicemail = moved["remote-access-voicemail.yaml"]
    assert voicemail["differences"] == [
        {"what": "outcome", "old": "voicemail_left", "new": "voicemail_left_for_the_member"}
    ]
    assert (voicemail["old"]["outcome"], voicemail["new"]["outcome"]) == ("voicemail_left", "voicemail_left_for_the_member")
    assert voicemail["old"]["path"] == voicemail["new"]["path"]
    # --json is the same as --format json.
    assert json.loads(runner.invoke(app, ["diff", str(D2), str(new), "--json"]).output) == data


def test_nodes_fields_and_ticket_fields_added_and_removed(tmp_path: Path) -> None:
    new = copy_d2(
        tmp_path,
        {
            "  D-2-33:\n": "  D-2-34:\n    title: Wrap up\n    end: wrapped_up\n\n  D-2-33:\n",
            "ticket_fields:\n": "ticket_fields:\n  channel: {label: Channel}\n",
            "\nfields:\n": "\nfields:\n  callback_number:\n    prompt: A number to call back\n",
        },
    )
    result = runner.invoke(app, ["diff", str(D2), str(new), "--no-scenarios"])
    assert result.exit_code == 1
    assert "  + node D-2-34 added\n" in result.output
    assert "  + end 'wrapped_up' added at D-2-34\n" in result.output
    assert "  + ticket field channel added: {label: Channel}\n" in result.output
    assert "  + field callback_number added: {prompt: A number to call back}\n" in result.output
    assert "Scenarios" not in result.output
    reverse = runner.invoke(app, ["diff", str(new), str(D2), "--no-scenarios"])
    assert "  - node D-2-34 removed\n" in reverse.output
    assert "  - end 'wrapped_up' removed (was at D-2-34)\n" in reverse.output


def test_bad_input_is_a_message_and_a_documented_exit_code(tmp_path: Path) -> None:
    one = runner.invoke(app, ["diff", str(D2)])
    assert one.exit_code == 2
    assert "give two flow files (OLD NEW), or one with --rev GIT_REV; got 1" in one.output
    both = runner.invoke(app, ["diff", str(D2), str(D2), "--rev", "HEAD"])
    assert both.exit_code == 2
    missing = runner.invoke(app, ["diff", str(tmp_path / "gone.yaml"), str(D2)])
    assert missing.exit_code == 3
    assert f"{tmp_path / 'gone.yaml'}:1:1: CF006 error: file not found" in missing.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    invalid = runner.invoke(app, ["diff", str(D2), str(broken)])
    assert invalid.exit_code == 3
    assert f"{broken}:2:1: CF001 error: YAML syntax error" in invalid.output
    assert "Traceback" not in invalid.output


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=str(repo))
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=False, timeout=120)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    copy_d2(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    assert git(tmp_path, "commit", "-qm", "D-2 as shipped").returncode == 0
    return tmp_path


def test_rev_compares_the_file_with_its_committed_version(repo: Path) -> None:
    flow = repo / "flows" / D2.name
    same = subprocess.run([*CALLFLOW, "diff", str(flow), "--rev", "HEAD"], capture_output=True, text=True, check=False)
    assert same.returncode == 0, same.stdout + same.stderr
    flow.write_text(flow.read_text(encoding="utf-8").replace("price: 20.00", "price: 25.00"), encoding="utf-8")
    changed = subprocess.run([*CALLFLOW, "diff", str(flow), "--rev", "HEAD"], capture_output=True, text=True, check=False)
    assert changed.returncode == 1
    assert changed.stdout.startswith(f"callflow diff: {flow}@HEAD → {flow}\n")
    assert "catalog item 320 price: 20.00 → now 25.00" in changed.stdout
    unknown = subprocess.run([*CALLFLOW, "diff", str(flow), "--rev", "v9.9"], capture_output=True, text=True, check=False)
    assert unknown.returncode == 3
    assert "git does not know the revision 'v9.9'" in unknown.stderr


def test_rev_outside_a_repository_says_so(tmp_path: Path) -> None:
    flow = copy_d2(tmp_path / "nogit")
    result = runner.invoke(app, ["diff", str(flow), "--rev", "HEAD"])
    assert result.exit_code == 3
    assert "not in a git repository" in result.output


def test_as_git_diff_driver(repo: Path) -> None:
    """git calls the driver with seven arguments: path old-file old-hex old-mode new-file new-hex new-mode."""
    (repo / ".gitattributes").write_text("*.yaml diff=callflow\n", encoding="utf-8")
    command = " ".join([*CALLFLOW, "diff"])
    assert git(repo, "config", "diff.callflow.command", command).returncode == 0
    flow = repo / "flows" / D2.name
    flow.write_text(flow.read_text(encoding="utf-8").replace("price: 20.00", "price: 25.00"), encoding="utf-8")
    shown = git(repo, "diff")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"callflow diff: flows/{D2.name} → flows/{D2.name}\n")
    assert "~ catalog item 320 price: 20.00 → now 25.00" in shown.stdout
    assert "Behaviour changed." in shown.stdout
    # A working copy that does not load yet: the reason, then the lines, and git goes on.
    flow.write_text(flow.read_text(encoding="utf-8") + "nodes: [unclosed\n", encoding="utf-8")
    broken = git(repo, "diff")
    assert broken.returncode == 0, broken.stderr
    assert f"callflow diff flows/{D2.name}: cannot compare the behaviour:" in broken.stdout
    assert "+nodes: [unclosed" in broken.stdout
    # A new flow: git passes /dev/null as the old file.
    (repo / "flows" / "extra.yaml").write_text(D2.read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "add", "-N", "flows/extra.yaml")
    added = git(repo, "diff", "--", "flows/extra.yaml")
    assert added.returncode == 0, added.stderr
    assert "+ node D-2-1 added (a new flow)" in added.stdout


def test_the_driver_set_up_as_docs_editors_says_shows_the_behaviour(repo: Path) -> None:
    import re
    import shlex

    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    attributes = re.search(r"```gitattributes\n(.*?)```", doc, re.S)
    config = re.search(r'^git config (diff\.callflow\.command) "(.+)"$', doc, re.M)
    assert attributes and config
    (repo / ".gitattributes").write_text(attributes.group(1), encoding="utf-8")
    # The documented command, with `callflow` the script of the Python running the tests.
    words = shlex.split(config.group(2))
    assert words[0] == "callflow"
    command = " ".join([str(Path(sys.executable).parent / "callflow"), *words[1:]])
    assert git(repo, "config", config.group(1), command).returncode == 0
    flow = repo / "flows" / D2.name
    flow.write_text(flow.read_text(encoding="utf-8").replace("price: 20.00", "price: 25.00"), encoding="utf-8")
    shown = git(repo, "diff")
    assert shown.returncode == 0, shown.stderr
    assert "~ catalog item 320 price: 20.00 → now 25.00" in shown.stdout
    assert "+    price: 25.00" in git(repo, "diff", "--no-ext-diff").stdout
