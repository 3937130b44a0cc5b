"""`callflow list [DIR]`: the flows found, with their lint status."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from callflow.commands._common import complete_path, fail, optional_argument
from callflow.flow.errors import ExitCode

FORMAT_VERSION = 1

HELP = """List the flows of a folder (default: flows/): id, title, nodes, ends and
lint status (ok, warnings, errors, or invalid when the file does not load).
Libraries are listed as such; <flow>.scenarios folders are skipped.

Exit codes: 0 listed (whatever the lint found: `callflow lint` fails on it);
2 usage; 3 a folder that does not exist or cannot be read.
"""


class ListFormat(str, Enum):
    text = "text"
    json = "json"


def list_flows(
    folders: Annotated[
        list[Path] | None, typer.Argument(
            metavar=optional_argument("DIR", many=True), help="Folders or flow files (default: flows/).", autocompletion=complete_path, show_default=False
        )
    ] = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="text, or json (docs/json-output.md).", case_sensitive=False)
    ] = ListFormat.text,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
) -> None:
    from callflow.lint.listing import list_flows as listed_flows

    targets = [str(f) for f in folders] if folders else ["flows"]
    found, report = listed_flows(targets)
    if report.unreadable:
        fail([str(d) for d in report.diagnostics], ExitCode.LOAD)
    if output_format is ListFormat.json or as_json:
        data = {"format": "callflow-list", "format_version": FORMAT_VERSION, "flows": [f.as_dict() for f in found]}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    if not found:
        print(f"callflow list: no flows (*.yaml, *.yml) in {', '.join(targets)}", file=sys.stderr)
        return
    rows = [("PATH", "ID", "TITLE", "NODES", "ENDS", "LINT")]
    for f in found:
        what = f.id or "-"
        if f.kind == "library":
            what += " (library)"
        rows.append((f.path, what, f.title or "-", str(f.nodes), str(f.ends), f.status))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = [c.ljust(w) if i not in (3, 4) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        print("  ".join(cells).rstrip())
