"""`callflow lsp`: the language server for editors, over stdio.

pygls and the editor modules are imported when the command runs, so neither
`callflow --help` nor `callflow run` pays for them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from callflow.commands._common import fail
from callflow.flow.errors import ExitCode

HELP = """Run the language server for flow files, speaking LSP on stdin and stdout.

An editor starts it (see docs/editors.md for VS Code, Neovim, Helix and
Emacs): diagnostics from callflow lint as you type, completion of node ids,
field ids, placeholders, items, step keys and field types, hover, go to
definition, find references and rename across a flow, its libraries and its
scenarios, a reference count above each node, and quick fixes (a stub for a
missing node, the "did you mean" of a diagnostic).

Exit codes: 0 the editor closed the connection; 2 usage, or the language
server's libraries (pygls) are missing.
"""


def lsp(
    debounce: Annotated[
        int,
        typer.Option(
            "--debounce",
            metavar="MS",
            min=0,
            max=5000,
            help="Wait this long after a keystroke before linting again (milliseconds).",
        ),
    ] = 30,
    stdio: Annotated[bool, typer.Option("--stdio", help="Speak over stdin and stdout (the default; editors pass it).")] = True,
) -> None:
    try:
        from callflow.editor.server import serve
    except ImportError as exc:
        fail(
            f"callflow lsp: the language server needs pygls ({exc.name or exc}): "
            "install it with  pip install 'pygls>=2'  (it comes with callflow's dependencies)",
            ExitCode.USAGE,
        )
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("callflow")
    except PackageNotFoundError:
        release = ""
    serve(debounce / 1000, release)
