"""`callflow graph FLOW`: the flow as a Mermaid or Graphviz picture, optionally
with the path a call took coloured in."""

from __future__ import annotations

import itertools
import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from callflow.commands._common import complete_path, fail, user_errors
from callflow.commands._stdin import STDIN
from callflow.flow.errors import CallflowError, ExitCode

if TYPE_CHECKING:
    from callflow.call.engine import Session
    from callflow.flow.diagram import Walked
    from callflow.flow.loadedflow import LoadedFlow

HELP = """Draw a flow: a Mermaid flowchart (GitHub renders it in Markdown) or a Graphviz dot graph.

Each node shows its id and section; ends are drawn apart with their outcome;
each edge carries the option or the condition that takes it (else for the
default). A node that is named but missing is drawn as missing.

With --highlight FILE, the path a call took is coloured: FILE is an answers
file (the call is walked through the flow), a receipt saved at the end of a
call (*.json), or a session journal (sessions/journal/*.jsonl), which is
replayed up to where the call stands.

    callflow graph flows/x.yaml > x.mmd
    callflow graph flows/x.yaml --format svg -o x.svg     # needs Graphviz (dot)
    cat flows/x.yaml | callflow graph - --format dot

--format svg and png run Graphviz's `dot` (install the graphviz package);
png is written with -o FILE, or to standard output when it is not a terminal.
FLOW may be - for a flow read from standard input.
"""

EXIT_CODES = (
    "Exit codes: 0 done; 2 usage, or --format svg/png without Graphviz's dot installed; "
    "3 the flow or the --highlight file cannot be read or is invalid, or dot failed; "
    "4 the answers do not walk the flow."
)


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"
    png = "png"


def graph(
    flow: Annotated[
        Path,
        typer.Argument(metavar="FLOW", help="The flow file (YAML), or - for standard input.", autocompletion=complete_path),
    ],
    output_format: Annotated[
        GraphFormat,
        typer.Option(
            "--format",
            "-f",
            help="mermaid (for Markdown), dot (Graphviz's language), or svg / png (drawn by Graphviz's dot).",
            case_sensitive=False,
        ),
    ] = GraphFormat.mermaid,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the picture to FILE instead of stdout.")
    ] = None,
    highlight: Annotated[
        Path | None,
        typer.Option(
            "--highlight",
            metavar="FILE",
            help="Colour the path of an answers file, a receipt (*.json) or a session journal (*.jsonl).",
        ),
    ] = None,
) -> None:
    drawn_by_dot = output_format in (GraphFormat.svg, GraphFormat.png)
    if drawn_by_dot:
        _require_dot(output_format.value)
    if output_format is GraphFormat.png and output is None and sys.stdout.isatty():
        fail("callflow graph --format png: a PNG is not for the terminal: write it with -o FILE.png, or redirect stdout", ExitCode.USAGE)
    with user_errors():
        from callflow.flow.diagram import dot, mermaid
        from callflow.flow.loadedflow import flow_from_text, load_flow

        if str(flow) == STDIN:
            from callflow.commands._stdin import STDIN_NAME, read_stdin

            loaded = flow_from_text(read_stdin("a flow"), STDIN_NAME)
        else:
            loaded = load_flow(str(flow))
        walked = None
        if highlight is not None:
            walked, path = walked_path(loaded, highlight)
            print(f"path: {' -> '.join(path)}", file=sys.stderr)
        from callflow.flow.picture import picture_of

        render = mermaid if output_format is GraphFormat.mermaid else dot
        # Procedures are drawn once each, as written, with the calls to them.
        drawn = picture_of(loaded.written, loaded.procedures) if loaded.procedures else loaded.written
        text = render(drawn, walked)
        data = _run_dot(text, output_format.value) if drawn_by_dot else text.encode("utf-8")
        if output is not None:
            try:
                output.write_bytes(data)
            except OSError as exc:
                fail(f"callflow graph: cannot write {output}: {exc.strerror}", ExitCode.LOAD)
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()


def _require_dot(kind: str) -> None:
    import shutil

    if shutil.which("dot") is None:
        fail(
            f"callflow graph --format {kind}: Graphviz's dot program is not installed (or not on PATH). "
            "Install the graphviz package (apt-get install graphviz, dnf install graphviz, brew install graphviz), "
            "or use --format dot or mermaid",
            ExitCode.USAGE,
        )


def _run_dot(text: str, kind: str) -> bytes:
    import subprocess

    try:
        done = subprocess.run(["dot", f"-T{kind}"], input=text.encode("utf-8"), capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CallflowError(f"callflow graph: Graphviz's dot could not draw the flow: {exc}") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CallflowError(f"callflow graph: Graphviz's dot failed: {why[-1] if why else 'exit ' + str(done.returncode)}")
    return done.stdout


def walked_path(loaded: LoadedFlow, source: Path) -> tuple[Walked, list[str]]:
    """The nodes and edges a call took, and its path, from an answers file,
    a receipt or a journal (told apart by suffix, else by content)."""
    from callflow.flow.errors import CallflowError

    kind = source.suffix.lower()
    if kind not in (".json", ".jsonl"):
        try:
            head = source.read_text(encoding="utf-8", errors="replace")[:4096].lstrip()
        except OSError as exc:
            raise CallflowError(f"{source}: cannot read: {exc.strerror}") from None
        if head.startswith("{") and '"event"' in head.split("\n", 1)[0]:
            kind = ".jsonl"
        elif head.startswith("{"):
            kind = ".json"
    if kind == ".json":
        return _from_receipt(loaded, source)
    if kind == ".jsonl":
        return _from_journal(loaded, source)
    return _from_answers(loaded, source)


def _walked(session: Session) -> tuple[Walked, list[str]]:
    from callflow.call.events import NodeEntered
    from callflow.flow.diagram import Walked
    from callflow.flow.procedures import shown

    # The picture names nodes as written: a procedure once, a continuation as its node.
    path: list[str] = []
    edges: set[tuple[str, str, int]] = set()
    for frame in session.frames:
        for event in frame.events:
            if isinstance(event, NodeEntered):
                path.append(shown(event.node_id))
                if event.via is not None:
                    edges.add((shown(event.via.node_id), event.via.way, event.via.branch))
    steps = frozenset((a, b) for a, b in itertools.pairwise(path) if a != b)
    return Walked(frozenset(path), frozenset(edges), steps), path


def _from_answers(loaded: LoadedFlow, source: Path) -> tuple[Walked, list[str]]:
    from callflow.call.answers import load_answers
    from callflow.call.driver import drive
    from callflow.call.engine import Session
    from callflow.call.scripted import ScriptedFrontEnd

    answers = load_answers(str(source))
    answers.check_known(loaded.flow, loaded.index)
    session = Session(loaded.flow, loaded.index, agent=answers.agent)
    drive(session, ScriptedFrontEnd(answers))
    return _walked(session)


def _from_journal(loaded: LoadedFlow, source: Path) -> tuple[Walked, list[str]]:
    """Replay the answers still standing in a journal (a call may stop midway)."""
    from callflow.call.engine import Session
    from callflow.call.values import InvalidAnswer
    from callflow.flow.errors import CallflowError
    from callflow.record.journalread import read_journal

    try:
        record = read_journal(source)
    except (OSError, ValueError) as exc:
        raise CallflowError(f"{source}: cannot read the session journal: {exc}") from None
    flow_id = record.start.get("flow_id")
    if flow_id not in (None, loaded.flow.id):
        raise CallflowError(f"{source}: this journal is a call of flow '{flow_id}', not '{loaded.flow.id}'")
    session = Session(loaded.flow, loaded.index, agent=record.start.get("agent"))
    for event in record.answers():
        prompt = session.prompt
        field = event.get("field")
        stop = None
        if prompt is None or prompt.field_id != field:
            stop = f"the flow no longer asks '{field}' there"
        elif event.get("secret"):
            stop = f"the answer to '{field}' is secret, so it was not journalled"
        else:
            try:
                session.answer(event.get("value"))
            except InvalidAnswer as exc:
                stop = f"the answer to '{field}' no longer fits: {exc}"
        if stop is not None:
            print(f"{source}: coloured up to node {session.current_node()}: {stop}", file=sys.stderr)
            break
    return _walked(session)


def _from_receipt(loaded: LoadedFlow, source: Path) -> tuple[Walked, list[str]]:
    from callflow.flow.diagram import Walked
    from callflow.flow.errors import CallflowError

    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CallflowError(f"{source}: cannot read: {exc.strerror}") from None
    except ValueError as exc:
        raise CallflowError(f"{source}: not a receipt (not JSON: {exc})") from None
    path = data.get("path") if isinstance(data, dict) else None
    if not isinstance(path, list) or not all(isinstance(n, str) for n in path):
        raise CallflowError(f"{source}: not a receipt (it has no \"path\" list of node ids)")
    flow_id = (data.get("flow") or {}).get("id") if isinstance(data.get("flow"), dict) else None
    if flow_id not in (None, loaded.flow.id):
        raise CallflowError(f"{source}: this receipt is of flow '{flow_id}', not '{loaded.flow.id}'")
    from callflow.flow.picture import picture_of

    drawn = picture_of(loaded.written, loaded.procedures).flow if loaded.procedures else loaded.written
    unknown = [n for n in path if n not in drawn.nodes]
    if unknown:
        raise CallflowError(f"{source}: the path names nodes this flow does not have: {', '.join(unknown)}")
    chosen = _chosen_options(loaded, data.get("answers"))
    edges = {
        (source_id, "choose", chosen[(source_id, target)])
        for source_id, target in itertools.pairwise(path)
        if (source_id, target) in chosen
    }
    steps = frozenset(itertools.pairwise(path))
    return Walked(frozenset(path), frozenset(edges), steps), path


def _chosen_options(loaded: LoadedFlow, answers: Any) -> dict[tuple[str, str], int]:
    """(node, next node) -> the option picked there, from a receipt's answers."""
    chosen: dict[tuple[str, str], int] = {}
    for answer in answers if isinstance(answers, list) else []:
        if not isinstance(answer, dict):
            continue
        node = loaded.written.nodes.get(str(answer.get("node")))
        if node is None or node.choose is None or answer.get("field") != node.choose.id:
            continue
        for i, option in enumerate(node.choose.options):
            if str(answer.get("value")) in (option.key, option.label):
                chosen[(str(answer.get("node")), option.goto)] = i
    return chosen
