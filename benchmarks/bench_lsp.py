"""How fast `callflow lsp` answers a change with diagnostics.

    python benchmarks/bench_lsp.py                 # the D-2 flow and a generated 1,000-node flow
    python benchmarks/bench_lsp.py --changes 50

Starts the real server (`callflow lsp`) as an editor does, opens each flow,
and times from sending a didChange notification to receiving the
publishDiagnostics of that version, for three kinds of change:

- a keystroke after a pause (a character typed into a comment, alternately
  added and removed, so the flow stays lint-clean): the server lints at once;
- a change that breaks a `next:` (then mends it), sent as soon as the
  keystroke before it was answered: within the debounce of that keystroke,
  so the server waits the debounce (30 ms by default, `--debounce`) first;
- the last of five keystrokes typed 60 ms apart: the lints of the burst are
  coalesced, and the last keystroke waits for the lint running and its own.

Each time includes reading the change, the whole lint (parse, validate,
every rule) and the JSON-RPC round trip. Prints a Markdown table of the
median, the 90th percentile and the fastest.

The target (issue 14): a 1,000-node flow answers within 150 ms of the last
keystroke.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_lint import generate_flow  # noqa: E402


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench-lsp", "1")
        self.published: dict[tuple[str, int], asyncio.Event] = {}
        self.counts: dict[tuple[str, int], int] = {}


async def measure(client: Client, uri: str, text: str, changes: int) -> tuple[list[float], list[float], list[float]]:
    """Times of single keystrokes, of changes that add or remove a diagnostic,
    and of the last keystroke of a burst typed 60 ms apart."""
    version = 1
    wait = client.published.setdefault((uri, version), asyncio.Event())
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text))
    )
    await asyncio.wait_for(wait.wait(), 60)
    lines = text.split("\n")
    last = len(lines) - 1
    target = next(i for i, line in enumerate(lines) if line.strip().startswith("next: "))
    keystrokes: list[float] = []
    breaking: list[float] = []
    for i in range(changes):
        version += 1
        if i % 2 == 0:
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(last, 0), lsp.Position(last, 0)), text="#"
            )
        else:
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(last, 0), lsp.Position(last, 1)), text=""
            )
        keystrokes.append(await _timed(client, uri, version, change))
        version += 1
        end = len(lines[target])
        broken = i % 2 == 0
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(target, end if broken else end - 1), lsp.Position(target, end)),
            text="X" if broken else "",
        )
        breaking.append(await _timed(client, uri, version, change))
        if broken:
            lines[target] += "X"
        else:
            lines[target] = lines[target][:-1]
    typing: list[float] = []
    for _ in range(changes):
        for j in range(5):
            version += 1
            change = lsp.TextDocumentContentChangePartial(
                range=lsp.Range(lsp.Position(last, 0), lsp.Position(last, 0)), text="#"
            )
            if j < 4:
                client.text_document_did_change(
                    lsp.DidChangeTextDocumentParams(
                        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                        content_changes=[change],
                    )
                )
                await asyncio.sleep(0.06)
            else:
                typing.append(await _timed(client, uri, version, change))
        await asyncio.sleep(0.3)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    return keystrokes, breaking, typing


async def _timed(client: Client, uri: str, version: int, change: lsp.TextDocumentContentChangePartial) -> float:
    wait = client.published.setdefault((uri, version), asyncio.Event())
    start = time.perf_counter()
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
        )
    )
    await asyncio.wait_for(wait.wait(), 60)
    return time.perf_counter() - start


async def main(changes: int, debounce: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-lsp-")) / "flows"
    work.mkdir()
    generated, count = generate_flow(1000)
    (work / "generated.yaml").write_text(generated, encoding="utf-8")
    d2 = ROOT / "flows" / "anything-computers-intake.yaml"
    cases = [
        (f"D-2 intake ({d2.name}, 32 nodes)", d2.resolve().as_uri(), d2.read_text(encoding="utf-8")),
        (f"generated, {count:,} nodes", (work / "generated.yaml").as_uri(), generated),
    ]
    client = Client()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            client.published.setdefault((params.uri, params.version), asyncio.Event()).set()

    await client.start_io(sys.executable, "-m", "callflow", "lsp", "--debounce", str(debounce))
    await client.initialize_async(
        lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=work.parent.as_uri())
    )
    client.initialized(lsp.InitializedParams())
    print(f"`callflow lsp --debounce {debounce}`, {changes} changes of each kind, Python {sys.version.split()[0]}:\n")
    print("| flow | change | median | 90th percentile | fastest | target |")
    print("|---|---|---:|---:|---:|---|")
    for label, uri, text in cases:
        keystrokes, breaking, typing = await measure(client, uri, text, changes)
        target = "≤ 150 ms" if "generated" in label else "—"
        kinds = (
            ("a keystroke after a pause", keystrokes),
            ("break / mend a `next:` right after", breaking),
            ("the last of 5 keystrokes 60 ms apart", typing),
        )
        for kind, times in kinds:
            ordered = sorted(times)
            p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
            print(
                f"| {label} | {kind} | {statistics.median(times) * 1000:.0f} ms | {p90 * 1000:.0f} ms "
                f"| {ordered[0] * 1000:.0f} ms | {target} |"
            )
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=30, help="changes of each kind per flow (default 30)")
    parser.add_argument("--debounce", type=int, default=30, help="the server's debounce in ms (default 30)")
    args = parser.parse_args()
    asyncio.run(main(args.changes, args.debounce))
