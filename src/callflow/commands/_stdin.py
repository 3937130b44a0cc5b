"""`-` for a file argument: the text comes from standard input.

Problems in it are reported as `<stdin>:line:col: …`; a flow read this way
finds the libraries it `uses:` from the current folder.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from callflow.commands._common import fail
from callflow.flow.errors import ExitCode, FlowLoadError

if TYPE_CHECKING:
    from callflow.call.answers import AnswerSet
    from callflow.testing.scenario import LoadedScenario

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


def answers_at(path: str) -> AnswerSet:
    """The answers of `--answers PATH`, or of standard input for `--answers -`."""
    from callflow.call.answers import answers_from_data, load_answers

    if path != STDIN:
        return load_answers(path)
    from callflow.flow.loader import data_from_text
    from callflow.flow.yamlsource import DATA_MAX_BYTES

    text = read_stdin("answers", DATA_MAX_BYTES)
    return answers_from_data(data_from_text(text, STDIN_NAME), text, STDIN_NAME)


def scenario_from_stdin() -> LoadedScenario:
    """`callflow test -`: a scenario on standard input; its `flow:` is relative
    to the current folder."""
    from callflow.flow.loader import data_from_text
    from callflow.flow.yamlsource import DATA_MAX_BYTES
    from callflow.testing.scenario import scenario_from_data

    text = read_stdin("a scenario", DATA_MAX_BYTES)
    return scenario_from_data(data_from_text(text, STDIN_NAME), text, STDIN_NAME)
