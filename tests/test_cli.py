"""The command line as a whole: version, help on every command, python -m."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from callflow import __version__
from callflow.cli import app

runner = CliRunner()


def command_names() -> list[str]:
    """Every command and sub-command group registered on the app."""
    names = [c.name for c in app.registered_commands if c.name]
    names += [g.name for g in app.registered_groups if g.name]
    return names


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"callflow {__version__}"


def test_python_dash_m_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "callflow", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"callflow {__version__}"


def test_top_level_help_lists_the_commands_and_exit_codes() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in command_names():
        assert name in result.output
    assert "Exit codes" in result.output


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert f"callflow {name}" in result.output


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["run", "--no-such-option"])
    assert result.exit_code == 2


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["lint", "--help"]])
def test_the_language_server_is_imported_only_by_callflow_lsp(argv: list[str]) -> None:
    code = (
        "import sys\nfrom callflow.cli import app\n"
        f"try:\n    app({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')"
        " or m.startswith('callflow.editor')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip().splitlines()[-1] == "[]"
