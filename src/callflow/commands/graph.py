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

from callflow.commands._common import user_errors

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
    callflow graph flows/x.yaml --format dot | dot -Tsvg > x.svg
"""

EXIT_CODES = (
    "Exit codes: 0 done; 2 usage; 3 the flow or the --highlight file cannot be read or is invalid; "
    "4 the answers do not walk the flow."
)


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


def graph(
    flow: Annotated[Path, typer.Argument(metavar="FLOW", help="The flow file (YAML).")],
    output_format: Annotated[
        GraphFormat,
        typer.Option("--format", "-f", help="mermaid (for Markdown) or dot (for Graphviz).", case_sensitive=False),
    ] = GraphFormat.mermaid,
    highlight: Annotated[
        Path | None,
        typer.Option(
            "--highlight",
            metavar="FILE",
            help="Colour the path of an answers file, a receipt (*.json) or a session journal (*.jsonl).",
        ),
    ] = None,
) -> None:
    with user_errors():
        from callflow.flow.diagram import dot, mermaid
        from callflow.flow.loadedflow import load_flow

        loaded = load_flow(str(flow))
        walked = None
        if highlight is not None:
            walked, path = walked_path(loaded, highlight)
            print(f"path: {' -> '.join(path)}", file=sys.stderr)
        from callflow.flow.picture import picture_of

        render = mermaid if output_format is GraphFormat.mermaid else dot
        # Procedures are drawn once each, as written, with the calls to them.
        drawn = picture_of(loaded.written, loaded.procedures) if loaded.procedures else loaded.written
        sys.stdout.write(render(drawn, walked))


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
