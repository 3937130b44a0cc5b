"""The `callflow` command. Only argument parsing lives here; each command's
work (and its heavy imports) lives in callflow.commands.<name>, imported when
the command runs, so `callflow --help` and `callflow lint` start fast."""

from __future__ import annotations

import sys

import typer

from callflow import __version__
from callflow.commands import diff as diff_command
from callflow.commands import graph as graph_command
from callflow.commands import lint as lint_command
from callflow.commands import listflows as list_command
from callflow.commands import lsp as lsp_command
from callflow.commands import new as new_command
from callflow.commands import paths as paths_command
from callflow.commands import rehearse as rehearse_command
from callflow.commands import report as report_command
from callflow.commands import resume as resume_command
from callflow.commands import run as run_command
from callflow.commands import schema as schema_command
from callflow.commands import sessions as sessions_command
from callflow.commands import test as test_command
from callflow.commands import walk as walk_command

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 problems found (lint, tests); 2 usage; "
    "3 a file that cannot be read or is invalid; 4 answers that do not walk the flow; "
    "5 the receipt could not be saved (the journal has the call); 130 interrupted and saved."
)

app = typer.Typer(
    name="callflow",
    help="Follow a call script live, step by step, and end with the ticket and invoice summary.\n\n"
    + EXIT_CODES_HELP,
    no_args_is_help=True,
    # --install-completion / --show-completion: commands, options and flow paths
    # complete in bash, zsh, fish and PowerShell (docs/editors.md).
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"callflow {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Follow a call script live and end with the ticket and invoice summary."""


app.command(name="run", help=run_command.HELP, epilog=EXIT_CODES_HELP)(run_command.run)
app.command(name="resume", help=resume_command.HELP)(resume_command.resume)
app.add_typer(sessions_command.app, name="sessions")
app.command(name="lint", help=lint_command.HELP, epilog=lint_command.EXIT_CODES)(lint_command.lint)
app.command(name="graph", help=graph_command.HELP, epilog=graph_command.EXIT_CODES)(graph_command.graph)
app.command(name="schema", help=schema_command.HELP)(schema_command.schema)
app.command(name="test", help=test_command.HELP)(test_command.test)
app.command(name="paths", help=paths_command.HELP)(paths_command.paths)
app.command(name="walk", help=walk_command.HELP)(walk_command.walk)
app.command(name="rehearse", help=rehearse_command.HELP)(rehearse_command.rehearse)
app.command(name="lsp", help=lsp_command.HELP)(lsp_command.lsp)
app.command(name="diff", help=diff_command.HELP)(diff_command.diff)
app.command(name="new", help=new_command.HELP)(new_command.new)
app.command(name="list", help=list_command.HELP)(list_command.list_flows)
app.command(name="report", help=report_command.HELP, epilog=report_command.EXIT_CODES)(report_command.report)


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())
