"""`callflow lint PATH...`: every problem of flow files, like a compiler.

The typer signature is cheap to import; the loader, the models and the rules
are imported when the command runs.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from callflow.commands._common import complete_path, fail, optional_argument
from callflow.commands._stdin import STDIN
from callflow.flow.errors import ExitCode

if TYPE_CHECKING:
    from callflow.flow.diagnostics import Diagnostic
    from callflow.lint.runner import LintReport

HELP = """Check flow files like a compiler: every problem, where it is, under a stable code.

PATH is a flow file or a folder (default: flows/), or - for a flow read from
standard input (reported as <stdin>); folders are searched for *.yaml and
*.yml files (hidden folders and <flow>.scenarios folders are skipped). Every
problem of every file is reported, sorted by file, line and column, one per
line:

    flows/x.yaml:12:5: CF102 error: node 'D-2-99' does not exist

Errors break a live call (a missing node, a blank the director would read
out, a payment before any invoice line); warnings flag what is likely a
mistake but works (an unused item, an unreachable node). The rules and their
codes are described in docs/lint-rules.md.
"""

EXIT_CODES = (
    "Exit codes: 0 no errors (warnings allowed unless --strict); 1 errors found, or warnings with --strict; "
    "2 usage; 3 a path (or a --usage folder) that cannot be read (missing, or no permission)."
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


FORMAT_VERSION = 1


def lint(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar=optional_argument("PATH", many=True),
            help="Flow files, folders holding flows, or - for standard input (default: flows/).",
            autocompletion=complete_path,
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: path:line:col: CODE severity: message; json: the diagnostics with a format version "
            "(docs/json-output.md); "
            "github: workflow-command annotations for GitHub Actions.",
            case_sensitive=False,
        ),
    ] = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit code 1).")] = False,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore", metavar="CODES", help="Leave out these codes, e.g. --ignore CF212,CF215 (repeatable)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    usage: Annotated[
        list[str] | None,
        typer.Option("--usage", metavar="FOLDER", help="Also warn from real calls: receipts and journals under FOLDER (repeatable)."),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="With --usage: calls on or after this day.", show_default=False),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--until", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="With --usage: calls on or before this day.", show_default=False),
    ] = None,
) -> None:
    from callflow.commands._progress import progress
    from callflow.lint.runner import lint_paths

    if as_json:
        output_format = OutputFormat.json
    if not paths:
        if not os.path.isdir("flows"):
            fail(
                "callflow lint: there is no flows/ folder here; give the flow files or folders to lint",
                ExitCode.USAGE,
            )
        paths = ["flows"]

    skipped = _codes(ignore or [])
    unknown = sorted(code for code in skipped if code not in _known_codes()) if skipped else []
    if unknown:
        fail(
            f"callflow lint: unknown code {', '.join(unknown)} in --ignore (the codes are listed in docs/lint-rules.md)",
            ExitCode.USAGE,
        )
    if (since or until) and not usage:
        fail("callflow lint: --since and --until go with --usage FOLDER", ExitCode.USAGE)
    if since and until and since > until:
        fail(f"callflow lint: --since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}", ExitCode.USAGE)
    if STDIN in paths:
        report = _lint_stdin(paths, skipped)
    else:
        with progress("Linting", None) as advance:
            report = lint_paths(paths, ignore=skipped, on_file=lambda path, total: advance(path, total))
    if usage:
        _add_usage(report, usage, since, until, skipped)
    sys.stdout.write(render(report.diagnostics, output_format.value))
    if output_format is OutputFormat.text:
        _summary(report)
    raise typer.Exit(int(exit_code(report, strict=strict)))


def _lint_stdin(paths: list[str], skipped: set[str]) -> LintReport:
    """`callflow lint -`: the flow on standard input (alone)."""
    from callflow.commands._stdin import STDIN_NAME, read_stdin
    from callflow.editor.checking import lint_text
    from callflow.flow.errors import FlowLoadError
    from callflow.lint.runner import LintReport

    if paths != [STDIN]:
        fail("callflow lint: '-' (standard input) is linted alone; lint the other paths in another run", ExitCode.USAGE)
    report = LintReport()
    report.files.append(STDIN_NAME)
    try:
        text = read_stdin("a flow")
    except FlowLoadError as exc:
        report.diagnostics = list(exc.diagnostics)
        return report
    report.diagnostics = sorted(d for d in lint_text(text, STDIN_NAME) if d.code not in skipped)
    return report


def _add_usage(report: LintReport, folders: list[str], since: datetime | None, until: datetime | None, skipped: set[str]) -> None:
    """The usage warnings (CF4xx) of the flows linted, among the others."""
    from callflow.commands._common import user_errors
    from callflow.report.sources import check_roots
    from callflow.report.usage import usage_warnings

    with user_errors():
        roots = check_roots(folders)
        found = usage_warnings(
            report.files, roots, f"{since:%Y-%m-%d}" if since else None, f"{until:%Y-%m-%d}" if until else None
        )
    for note in found.notes:
        print(f"callflow lint --usage: {note}", file=sys.stderr)
    report.diagnostics = sorted(report.diagnostics + [d for d in found.diagnostics if d.code not in skipped])


def _known_codes() -> set[str]:
    from callflow.lint.rules import ALL_RULES

    return set(ALL_RULES)


def _codes(values: Sequence[str]) -> set[str]:
    return {code.strip().upper() for value in values for code in value.split(",") if code.strip()}


def exit_code(report: LintReport, *, strict: bool) -> ExitCode:
    """3 if a path could not be read; 1 if errors (or warnings with strict); else 0."""
    from callflow.flow.diagnostics import Severity

    if report.unreadable:
        return ExitCode.LOAD
    failing = [d for d in report.diagnostics if strict or d.severity is Severity.ERROR]
    return ExitCode.PROBLEMS if failing else ExitCode.OK


def render(diagnostics: Sequence[Diagnostic], output_format: str) -> str:
    """The diagnostics as text lines, a JSON list, or GitHub annotations."""
    if output_format == "json":
        data = {"format": "callflow-lint", "format_version": FORMAT_VERSION, "diagnostics": [d.as_dict() for d in diagnostics]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output_format == "github":
        return "".join(github_annotation(d) + "\n" for d in diagnostics)
    return "".join(f"{d}\n" for d in diagnostics)


def github_annotation(diagnostic: Diagnostic) -> str:
    """`::error file=...,line=...,col=...,title=CODE::message` (GitHub's workflow commands)."""
    level = "error" if diagnostic.severity.value == "error" else "warning"
    properties = ",".join(
        f"{key}={_escape_property(str(value))}"
        for key, value in (
            ("file", diagnostic.path),
            ("line", diagnostic.line),
            ("col", diagnostic.col),
            ("title", diagnostic.code),
        )
    )
    return f"::{level} {properties}::{_escape_data(diagnostic.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _summary(report: LintReport) -> None:
    from callflow.flow.diagnostics import Severity

    files = len(report.files)
    if not files and not report.unreadable:
        print("callflow lint: no *.yaml or *.yml files found", file=sys.stderr)
        return
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    if not errors and not warnings:
        return
    parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    print(f"Found {' and '.join(parts)} in {files} file{'s' if files != 1 else ''}.", file=sys.stderr)
