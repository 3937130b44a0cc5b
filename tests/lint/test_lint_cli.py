"""`callflow lint` on the command line: formats, folders, exit codes."""

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
from callflow.commands.lint import github_annotation
from callflow.flow.diagnostics import Diagnostic, Severity

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()

# One error (CF102) and one warning (CF103), at known places.
BROKEN = """\
id: broken
title: Broken
start: A
nodes:
  A:
    next: D-2-99
  D-2-9:
    end: done
"""
CLEAN = """\
id: clean
title: Clean
start: A
nodes:
  A:
    end: done
"""
ONLY_WARNING = """\
id: warned
title: Warned
start: A
constants:
  phone: 888.615.HELP
nodes:
  A:
    end: done
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["lint", *[str(a) for a in args]])


def test_text_format_is_one_line_per_problem_sorted_with_a_summary(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", BROKEN)
    result = lint(path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:6:11: CF102 error: node 'D-2-99' does not exist (did you mean 'D-2-9'?)",
        f"{path}:7:3: CF103 warning: node 'D-2-9' cannot be reached from the start node 'A': route to it, or remove it",
    ]
    assert result.stderr.strip() == "Found 1 error and 1 warning in 1 file."


def test_json_format_is_the_diagnostics_with_a_format_version(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", BROKEN)
    result = lint("--format", "json", path)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["format"], data["format_version"]) == ("callflow-lint", 1)
    assert lint("--json", path).stdout == result.stdout
    assert data["diagnostics"] == [
        {
            "path": str(path),
            "line": 6,
            "col": 11,
            "code": "CF102",
            "severity": "error",
            "message": "node 'D-2-99' does not exist (did you mean 'D-2-9'?)",
        },
        {
            "path": str(path),
            "line": 7,
            "col": 3,
            "code": "CF103",
            "severity": "warning",
            "message": "node 'D-2-9' cannot be reached from the start node 'A': route to it, or remove it",
        },
    ]
    clean = write(tmp_path, "clean.yaml", CLEAN)
    result = lint("-f", "json", clean)
    assert (result.exit_code, json.loads(result.stdout)["diagnostics"]) == (0, [])


def test_github_format_is_workflow_annotations(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", BROKEN)
    result = lint("--format", "github", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file={path},line=6,col=11,title=CF102::node 'D-2-99' does not exist (did you mean 'D-2-9'?)",
        (
            f"::warning file={path},line=7,col=3,title=CF103::node 'D-2-9' cannot be reached from the start node 'A'"
            ": route to it, or remove it"
        ),
    ]


def test_github_annotations_escape_what_would_break_them() -> None:
    diagnostic = Diagnostic("a,b:c.yaml", 3, 4, "CF201", Severity.ERROR, "100% wrong\nsecond line")
    assert github_annotation(diagnostic) == (
        "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=CF201::100%25 wrong%0Asecond line"
    )


def test_a_clean_flow_exits_0_silently(tmp_path: Path) -> None:
    result = lint(write(tmp_path, "clean.yaml", CLEAN))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = write(tmp_path, "warned.yaml", ONLY_WARNING)
    relaxed = lint(path)
    assert relaxed.exit_code == 0
    assert "CF215 warning" in relaxed.stdout
    strict = lint("--strict", path)
    assert strict.exit_code == 1
    assert strict.stdout == relaxed.stdout


def test_ignore_leaves_codes_out_and_refuses_unknown_codes(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", BROKEN)
    result = lint("--ignore", "cf103", "--strict", path)
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["CF102"]
    result = lint("--ignore", "CF102,CF103", "--strict", path)
    assert (result.exit_code, result.stdout) == (0, "")
    result = lint("--ignore", "CF999", path)
    assert result.exit_code == 2
    assert "unknown code CF999" in result.stderr


def test_a_folder_is_searched_for_flows_but_not_scenarios_or_hidden_folders(tmp_path: Path) -> None:
    write(tmp_path, "flows/a.yaml", CLEAN)
    write(tmp_path, "flows/sub/b.yml", BROKEN)
    write(tmp_path, "flows/a.scenarios/one.yaml", "name: not a flow\nanswers: {}\n")
    write(tmp_path, "flows/.hidden/c.yaml", BROKEN)
    write(tmp_path, "flows/notes.txt", "not yaml")
    result = lint(tmp_path / "flows")
    assert result.exit_code == 1
    paths = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert paths == {str(tmp_path / "flows" / "sub" / "b.yml")}
    assert "in 2 files" in result.stderr


def test_problems_of_all_files_come_sorted_by_file_line_and_column(tmp_path: Path) -> None:
    second = write(tmp_path, "b.yaml", BROKEN)
    first = write(tmp_path, "a.yaml", BROKEN.replace("next: D-2-99", "next: C"))
    result = lint(second, first)
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [str(first), str(first), str(second), str(second)]


def test_a_file_that_does_not_load_gives_its_load_problems_with_exit_1(tmp_path: Path) -> None:
    result = lint(FIXTURES / "CF012" / "bad.yaml", write(tmp_path, "clean.yaml", CLEAN))
    assert result.exit_code == 1
    assert "CF012 error: unknown key 'sectoin' (did you mean 'section'?)" in result.stdout


def test_a_missing_path_exits_3_after_linting_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", BROKEN)
    missing = tmp_path / "nowhere.yaml"
    result = lint(path, missing)
    assert result.exit_code == 3
    assert f"{missing}:1:1: CF006 error: no such file or directory" in result.stdout
    assert "CF102" in result.stdout


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_an_unreadable_file_exits_3(tmp_path: Path) -> None:
    path = write(tmp_path, "locked.yaml", CLEAN)
    path.chmod(0)
    try:
        result = lint(path)
    finally:
        path.chmod(0o644)
    assert result.exit_code == 3
    assert "CF006 error: cannot read" in result.stdout


def test_a_dangling_link_cannot_be_read_and_exits_3(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "deleted.yaml")
    result = lint(link)
    assert result.exit_code == 3
    assert f"{link}:1:1: CF006 error: a link to a file that does not exist" in result.stdout


def test_an_unknown_format_or_no_path_without_a_flows_folder_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lint("--format", "xml", write(tmp_path, "clean.yaml", CLEAN)).exit_code == 2
    monkeypatch.chdir(tmp_path)
    result = lint()
    assert result.exit_code == 2
    assert "no flows/ folder" in result.stderr


def test_no_path_lints_the_flows_folder_like_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "flows").mkdir()
    write(tmp_path / "flows", "broken.yaml", BROKEN)
    monkeypatch.chdir(tmp_path)
    result = lint("--format", "json")
    assert result.exit_code == 1
    assert {d["path"] for d in json.loads(result.stdout)["diagnostics"]} == {os.path.join("flows", "broken.yaml")}


def test_dash_lints_the_flow_on_standard_input_as_stdin(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lint", "-", "--format", "json"], input=BROKEN)
    assert result.exit_code == 1
    found = json.loads(result.stdout)["diagnostics"]
    assert [(d["path"], d["line"], d["col"], d["code"]) for d in found] == [
        ("<stdin>", 6, 11, "CF102"),
        ("<stdin>", 7, 3, "CF103"),
    ]
    assert runner.invoke(app, ["lint", "-"], input=CLEAN).exit_code == 0
    mixed = runner.invoke(app, ["lint", "-", str(write(tmp_path, "clean.yaml", CLEAN))], input=CLEAN)
    assert mixed.exit_code == 2
    assert "alone" in mixed.stderr


def test_help_documents_the_formats_and_exit_codes() -> None:
    result = runner.invoke(app, ["lint", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for words in ("--format", "text", "json", "github", "--strict", "docs/lint-rules.md", "Exit codes: 0", "3 a path"):
        assert words in text


def test_the_installed_command_lints_the_shipped_flows_cleanly() -> None:
    root = Path(__file__).resolve().parents[2]
    command = shutil.which("callflow", path=str(Path(sys.executable).parent)) or "callflow"
    result = subprocess.run(
        [command, "lint", "--strict", "flows"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
