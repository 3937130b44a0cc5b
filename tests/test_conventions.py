"""The conventions a new user expects of a command line: shell completion, -V,
`-` for standard input, progress on a terminal only, pictures drawn by
Graphviz, the same names for the same arguments."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from scenariokit import FLOWS, ROOT
from typer.testing import CliRunner

from callflow import __version__
from callflow.cli import app
from callflow.commands import _progress

CALLFLOW = Path(sys.executable).parent / "callflow"
D2 = FLOWS / "anything-computers-intake.yaml"
runner = CliRunner()
# What rich's progress display draws: the bar and cursor/erase escapes.
PROGRESS_MARKS = re.compile(r"━|╸|\x1b\[\?25[lh]|\x1b\[2K")


def callflow(*args: str, cwd: Path = ROOT, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CALLFLOW), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def bash_completions(words: str, cwd: Path = ROOT) -> list[str]:
    """What bash's completion function gets back, asked the way typer's
    installed script asks: the program with _CALLFLOW_COMPLETE=complete_bash."""
    parts = words.split(" ")
    done = callflow(cwd=cwd, env={"_CALLFLOW_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)})
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


# -- shell completion -------------------------------------------------------------------------------------------------


def test_completion_completes_commands_options_and_flow_paths() -> None:
    assert {"lint", "list", "lsp"} <= set(bash_completions("callflow l"))
    assert {"--format", "--strict", "--ignore", "--json"} <= set(bash_completions("callflow lint --"))
    assert bash_completions("callflow lint fl") == ["flows/"]
    assert bash_completions("callflow graph flows/anything") == [
        "flows/anything-computers-intake.scenarios/",
        "flows/anything-computers-intake.yaml",
    ]
    # Every command taking a flow completes it, hidden files and other files left out.
    for command in ("run", "walk", "paths", "test", "diff", "list"):
        assert "flows/help-desk-go-live.yaml" in bash_completions(f"callflow {command} flows/help"), command


def test_completion_of_paths_leaves_out_files_that_are_not_yaml_or_json(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.txt", ".hidden.yaml", "c.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert bash_completions("callflow lint ", cwd=tmp_path) == ["a.yaml", "c.json", "sub/"]


def test_show_completion_prints_a_script_for_the_shell() -> None:
    # In a shell, typer detects which (shellingham); a test process may have no
    # shell above it, so the shell is named, as typer's own tests do.
    named = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    for shell in ("bash", "zsh", "fish"):
        script = callflow("--show-completion", shell, env=named)
        assert script.returncode == 0, script.stderr
        assert "_CALLFLOW_COMPLETE" in script.stdout, shell
    assert "--install-completion" in runner.invoke(app, ["--help"]).output


# -- -V ---------------------------------------------------------------------------------------------------------------


def test_short_v_is_the_version() -> None:
    assert runner.invoke(app, ["-V"]).output == runner.invoke(app, ["--version"]).output == f"callflow {__version__}\n"


# -- standard input ---------------------------------------------------------------------------------------------------


def test_graph_of_a_flow_on_standard_input_is_the_graph_of_the_file() -> None:
    text = D2.read_text(encoding="utf-8")
    piped = callflow("graph", "-", "--format", "dot", stdin=text)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == callflow("graph", str(D2), "--format", "dot").stdout
    broken = callflow("graph", "-", stdin="id: x\nnodes: [\n")
    assert broken.returncode == 3
    assert broken.stderr.startswith("<stdin>:")
    assert "Traceback" not in broken.stderr


def test_run_takes_its_answers_from_standard_input() -> None:
    answers = ROOT / "tests/answers/d2/D-2-12-payg-no-support.yaml"
    from_file = callflow("run", str(D2), "--answers", str(answers), "--format", "json")
    piped = callflow("run", str(D2), "--answers", "-", "--json", stdin=answers.read_text(encoding="utf-8"))
    assert piped.returncode == from_file.returncode == 0, piped.stderr
    keep = ("path", "outcome", "ticket", "invoice")
    assert {k: json.loads(piped.stdout)[k] for k in keep} == {k: json.loads(from_file.stdout)[k] for k in keep}
    wrong = callflow("run", str(D2), "--answers", "-", stdin="answers: {nosuchfield: 1}\n")
    assert wrong.returncode == 3
    assert wrong.stderr.startswith("<stdin>:1:")


def test_test_runs_a_scenario_on_standard_input_with_its_flow_from_the_current_folder() -> None:
    scenario = (FLOWS / "anything-computers-intake.scenarios/caller-says-member-several-contacts.yaml").read_text(
        encoding="utf-8"
    )
    piped = callflow("test", "-", "--format", "json", stdin=f"flow: flows/anything-computers-intake.yaml\n{scenario}")
    assert piped.returncode == 0, piped.stdout + piped.stderr
    data = json.loads(piped.stdout)
    assert (data["passed"], data["failed"], data["results"][0]["path"]) == (1, 0, "<stdin>")
    failing = scenario.replace("outcome: escalated_to_team_leader", "outcome: voicemail_left")
    failed = callflow("test", "-", stdin=f"flow: flows/anything-computers-intake.yaml\n{failing}")
    assert failed.returncode == 1
    assert "FAIL" in failed.stdout and "<stdin>" in failed.stdout


def test_dash_on_a_terminal_is_a_usage_error_not_a_wait() -> None:
    child = pexpect.spawn(str(CALLFLOW), ["lint", "-"], cwd=str(ROOT), env=dict(os.environ), encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "standard input" in (child.before or "")


# -- progress ---------------------------------------------------------------------------------------------------------


def test_piped_commands_show_no_progress() -> None:
    for args in (
        ["lint", "flows"],
        ["walk", str(D2), "--random", "--seed", "1", "--count", "800"],
        ["test", "flows", "--format", "json"],
    ):
        done = callflow(*args)
        assert done.returncode == 0, done.stderr
        assert not PROGRESS_MARKS.search(done.stderr + done.stdout), args


def test_a_slow_walk_on_a_terminal_shows_progress_and_leaves_none() -> None:
    child = pexpect.spawn(
        str(CALLFLOW),
        ["walk", str(D2), "--random", "--seed", "1", "--count", "2500"],
        cwd=str(ROOT),
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
        encoding="utf-8",
        timeout=120,
        dimensions=(24, 120),
    )
    child.expect(pexpect.EOF)
    child.close()
    screen = child.before or ""
    assert child.exitstatus == 0, screen
    assert "Walking" in screen and "/2500" in screen
    assert "2500 passed, 0 failed" in screen


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only_once_the_work_takes_long_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    def drawn(*, tty: bool, show_after: float) -> str:
        stream = _Terminal() if tty else io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        monkeypatch.setattr(_progress, "SHOW_AFTER", show_after)
        with _progress.progress("Linting", 3) as advance:
            for name in ("a.yaml", "b.yaml", "c.yaml"):
                advance(name)
        return stream.getvalue()

    assert "Linting" in drawn(tty=True, show_after=0)
    assert drawn(tty=True, show_after=60) == ""  # a quick run never flashes a bar
    assert drawn(tty=False, show_after=0) == ""  # piped: nothing at all


# -- graph drawn by Graphviz ------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graph_svg_and_png_are_drawn_by_dot(tmp_path: Path) -> None:
    svg = callflow("graph", str(D2), "--format", "svg")
    assert svg.returncode == 0, svg.stderr
    assert "<svg" in svg.stdout and "D-2-1" in svg.stdout.replace("&#45;", "-")
    png = tmp_path / "d2.png"
    drawn = callflow("graph", str(D2), "--format", "png", "-o", str(png))
    assert drawn.returncode == 0, drawn.stderr
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_graph_svg_without_graphviz_names_the_package_to_install(tmp_path: Path) -> None:
    # A PATH without dot: only the interpreter's folder (the callflow script).
    lonely = tmp_path / "bin"
    lonely.mkdir()
    env = {"PATH": str(lonely)}
    for kind in ("svg", "png"):
        done = subprocess.run(
            [sys.executable, "-m", "callflow", "graph", str(D2), "--format", kind, "-o", str(tmp_path / f"x.{kind}")],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **env},
        )
        assert done.returncode == 2
        assert "graphviz" in done.stderr and "not installed" in done.stderr
        assert "Traceback" not in done.stderr
        assert not (tmp_path / f"x.{kind}").exists()
    # mermaid and dot need no Graphviz.
    text = subprocess.run(
        [sys.executable, "-m", "callflow", "graph", str(D2), "--format", "dot"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )
    assert text.returncode == 0 and text.stdout.startswith("digraph")


# -- the same names for the same arguments ----------------------------------------------------------------------------


def usage(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], terminal_width=200, prog_name="callflow")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "Usage:" in line)
    return " ".join(line.split()).removeprefix("Usage: ")


def test_usage_lines_name_arguments_the_same_way() -> None:
    assert usage("lint") == "callflow lint [OPTIONS] [PATH]..."
    assert usage("test") == "callflow test [OPTIONS] [PATH]..."
    assert usage("sessions", "export") == "callflow sessions export [OPTIONS] {SESSION}"
    assert usage("resume") == "callflow resume [OPTIONS] [SESSION]"
    for command in ("graph", "walk", "paths"):
        assert usage(command) == f"callflow {command} [OPTIONS] {{FLOW}}"
    assert usage("run") == "callflow run [OPTIONS] [FLOW]"
    # No argument is spelled in lower case (typer's default, the parameter's name).
    for command in ("run", "resume", "lint", "graph", "test", "paths", "walk", "rehearse", "diff", "new", "list"):
        assert not re.search(r"[\[{][a-z_]+[\]}]", usage(command)), command
