"""A real client talking to the real `callflow lsp` process (pytest-lsp), and a
small flows folder for it: a flow that uses a library, and a scenario."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

HERE = Path(__file__).resolve().parent / "lsp"
SERVER = [sys.executable, "-m", "callflow", "lsp"]


class RecordingClient(LanguageClient):
    """pytest-lsp's client, keeping every publishDiagnostics with its version
    (waiting for one notification at a time could miss one sent right after)."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.published: list[lsp.PublishDiagnosticsParams] = []
        self.arrived = asyncio.Event()


def recording_client() -> RecordingClient:
    client = RecordingClient()

    def publish(client: RecordingClient, params: lsp.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)
        client.arrived.set()

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    return client


def make_workspace(root: Path) -> Path:
    """flows/shop.yaml using flows/common/payment.yaml, and a scenario of the shop."""
    flows = root / "flows"
    (flows / "common").mkdir(parents=True)
    (flows / "shop.scenarios").mkdir()
    shutil.copy(HERE / "shop.yaml", flows / "shop.yaml")
    shutil.copy(HERE / "payment.yaml", flows / "common" / "payment.yaml")
    shutil.copy(HERE / "shop-buys.yaml", flows / "shop.scenarios" / "buys.yaml")
    return flows


def uri(path: Path) -> str:
    return path.resolve().as_uri()


class Docs:
    """Open, change and wait for the diagnostics of documents."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.versions: dict[str, int] = {}

    async def open(self, path: Path, text: str | None = None) -> list[lsp.Diagnostic]:
        address = uri(path)
        self.versions[address] = 1
        waiting = self._published(address, 1)
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=address,
                    language_id="yaml",
                    version=1,
                    text=text if text is not None else path.read_text(encoding="utf-8"),
                )
            )
        )
        return await waiting

    async def replace(self, path: Path, text: str) -> list[lsp.Diagnostic]:
        """Send the whole new text as one change, as some editors do."""
        address = uri(path)
        version = self.versions[address] = self.versions[address] + 1
        waiting = self._published(address, version)
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(version=version, uri=address),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return await waiting

    async def edit(self, path: Path, start: tuple[int, int], end: tuple[int, int], text: str) -> list[lsp.Diagnostic]:
        """One incremental change, as most editors send a keystroke."""
        address = uri(path)
        version = self.versions[address] = self.versions[address] + 1
        waiting = self._published(address, version)
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(lsp.Position(*start), lsp.Position(*end)), text=text
        )
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(version=version, uri=address), content_changes=[change]
            )
        )
        return await waiting

    def close(self, path: Path) -> None:
        self.client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri(path))))

    async def _published(self, address: str, version: int) -> list[lsp.Diagnostic]:
        """The diagnostics published for this version of the document."""
        client = self.client
        assert isinstance(client, RecordingClient)

        async def wait() -> list[lsp.Diagnostic]:
            while True:
                for params in reversed(client.published):
                    if params.uri == address and params.version == version:
                        client.published.remove(params)
                        return list(params.diagnostics)
                client.arrived.clear()
                await client.arrived.wait()

        return await asyncio.wait_for(wait(), timeout=30)


def position_of(text: str, needle: str, nth: int = 0, delta: int = 0) -> lsp.Position:
    """The position of the nth occurrence of `needle` (plus `delta` characters)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    return lsp.Position(line, at - (text.rfind("\n", 0, at) + 1))


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """The text with LSP edits applied (ASCII texts: columns are characters)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p: lsp.Position) -> int:
        return starts[p.line] + p.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text
