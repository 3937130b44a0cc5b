"""`callflow report [FOLDER...]`: what many calls did, from their receipts,
journals and quiz reports."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from callflow.commands._common import fail, optional_argument, user_errors
from callflow.flow.errors import ExitCode

if TYPE_CHECKING:
    from callflow.report.calls import Filters

HELP = """Reports across every call: outcomes, money, time per step, paths, training.

Reads the receipts (*.json), session journals (journal/*.jsonl) and quiz
reports (rehearsals/) under each FOLDER, all the way down: the local
sessions folder and the team's shared receipts drive, say. Default: the
sessions folder (CALLFLOW_SESSIONS_DIR, else ./sessions) and the receipts
folder (CALLFLOW_RECEIPTS_DIR) when it is set.

Nothing is ever written into those folders: what the report remembers of
the files it read (so the next run reads only what changed) lives in your
cache folder. A receipt being written, damaged or of a newer format is
skipped and counted. No answer a caller gave is shown.

Time per node and back-presses come from journals; calls that did not end
(stopped, or still open) too. docs/report.md describes every figure and the
JSON and CSV fields.

    callflow report sessions /mnt/shared/receipts
    callflow report --flow anything-computers-intake --since 2026-11-01 --format csv > calls.csv
    callflow report /mnt/shared/receipts --html report.html
"""

EXIT_CODES = (
    "Exit codes: 0 done; 2 usage (a bad option or date, --html into a folder being read); "
    "3 a folder, file or --flow file that cannot be read, or an --html file that cannot be written."
)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class Per(str, Enum):
    call = "call"
    node = "node"




def _date_option(name: str, help_text: str) -> object:
    return typer.Option(name, formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help=help_text, show_default=False)


def report(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(metavar=optional_argument("FOLDER", many=True), help="Folders (or files) to read; default: the sessions and receipts folders."),
    ] = None,
    flow: Annotated[
        list[str] | None,
        typer.Option("--flow", metavar="ID|FILE", help="Only this flow (repeatable); a flow file also gives its graph and edges."),
    ] = None,
    agent: Annotated[list[str] | None, typer.Option("--agent", metavar="NAME", help="Only this agent's calls (repeatable).")] = None,
    outcome: Annotated[list[str] | None, typer.Option("--outcome", metavar="OUTCOME", help="Only calls that ended so (repeatable).")] = None,
    since: Annotated[datetime | None, _date_option("--since", "Only calls on or after this day.")] = None,
    until: Annotated[datetime | None, _date_option("--until", "Only calls on or before this day.")] = None,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="text (80 columns), json (docs/report.md) or csv (one row per call).", case_sensitive=False),
    ] = ReportFormat.text,
    per: Annotated[Per, typer.Option("--per", help="With --format csv: one row per call, or per node visit.", case_sensitive=False)] = Per.call,
    html: Annotated[
        Path | None, typer.Option("--html", metavar="FILE", help="Also write the report as one self-contained HTML page.")
    ] = None,
) -> None:
    with user_errors():
        from callflow.report.calls import Filters
        from callflow.report.sources import check_roots, inside

        if per is Per.node and output_format is not ReportFormat.csv:
            fail("callflow report: --per node goes with --format csv", ExitCode.USAGE)
        if since and until and since > until:
            fail(f"callflow report: --since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}", ExitCode.USAGE)
        roots = check_roots([str(f) for f in folders] if folders else _default_folders())
        if html is not None and (folder := inside(str(html), roots)) is not None:
            fail(
                f"callflow report: {html} is inside {folder}, a folder being read: the report never writes there; "
                "write the page somewhere else",
                ExitCode.USAGE,
            )
        flow_ids, flow_files = _flows(flow or [])
        filters = Filters(
            flows=flow_ids,
            agents=list(agent or []),
            outcomes=list(outcome or []),
            since=f"{since:%Y-%m-%d}" if since else None,
            until=f"{until:%Y-%m-%d}" if until else None,
        )
        if output_format is ReportFormat.csv and html is None:
            _csv(roots, filters, per.value)
            return
        _report(roots, filters, flow_files, output_format, per.value, html)


def _default_folders() -> list[str]:
    folders = [os.environ.get("CALLFLOW_SESSIONS_DIR") or "sessions"]
    receipts = os.environ.get("CALLFLOW_RECEIPTS_DIR")
    if receipts and os.path.normpath(receipts) != os.path.normpath(folders[0]):
        folders.append(receipts)
    return folders


def _flows(values: list[str]) -> tuple[list[str], dict[str, str]]:
    """Flow ids to keep, and the flow files named (id -> file)."""
    from callflow.flow.errors import CallflowError
    from callflow.flow.loadedflow import load_flow

    ids: list[str] = []
    files: dict[str, str] = {}
    for value in values:
        looks_like_file = value.endswith((".yaml", ".yml")) or os.sep in value
        if os.path.isfile(value) or looks_like_file:
            if not os.path.isfile(value):
                raise CallflowError(f"{value}: no such flow file")
            loaded = load_flow(value)
            ids.append(loaded.flow.id)
            files[loaded.flow.id] = value
        else:
            ids.append(value)
    return list(dict.fromkeys(ids)), files


def _csv(roots: list[str], filters: Filters, per: str) -> None:
    from callflow.report.csvout import CsvWriter
    from callflow.report.run import collect

    writer = CsvWriter(sys.stdout, per)
    collect(roots, filters, sink=writer.add)


def _report(
    roots: list[str], filters: Filters, flow_files: dict[str, str], output_format: ReportFormat, per: str, html: Path | None
) -> None:
    from callflow.report.run import report as build_report

    data, maps = build_report(roots, filters, flow_files)
    if html is not None:
        from callflow.flow.errors import CallflowError
        from callflow.report.html import render_html

        page = render_html(data, maps)
        try:
            html.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise CallflowError(f"{html}: cannot write the page: {exc.strerror or exc}") from None
        print(f"wrote {html}", file=sys.stderr)
    if output_format is ReportFormat.json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif output_format is ReportFormat.csv:
        _csv(roots, filters, per)
    else:
        from callflow.report.text import render_text

        sys.stdout.write(render_text(data))
