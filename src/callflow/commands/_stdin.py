"""`-` for a file argument: the text comes from standard input.

Problems in it are reported as `<stdin>:line:col: …`; a flow read this way
finds the libraries it `uses:` from the current folder.
"""

from __future__ import annotations

import sys

from callflow.commands._common import fail
from callflow.flow.errors import ExitCode, FlowLoadError

STDIN = "-"
STDIN_NAME = "<stdin>"


def read_stdin(what: str, max_bytes: int | None = None) -> str:
    """Standard input as text (UTF-8), refused when it is a terminal."""
    from callflow.flow.filetext import decode_text
    from callflow.flow.yamlsource import MAX_FILE_BYTES, YamlError

    if sys.stdin.isatty():
        fail(
            f"callflow: '-' reads {what} from standard input, which is a terminal here: "
            f"pipe it in, e.g. cat file.yaml | callflow ... -",
            ExitCode.USAGE,
        )
    limit = max_bytes or MAX_FILE_BYTES
    data = sys.stdin.buffer.read(limit + 1)
    try:
        return decode_text(data, STDIN_NAME, max_bytes=limit)
    except YamlError as exc:
        raise FlowLoadError(exc.diagnostics) from None
