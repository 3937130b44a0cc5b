"""The language server's answers to each LSP request, registered on a
FlowServer (callflow.editor.server)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import from_fs_path

from callflow.editor.complete import complete
from callflow.editor.fixes import fixes_for
from callflow.editor.hover import hover_text
from callflow.editor.lines import Lines
from callflow.editor.positions import from_client, to_client
from callflow.editor.project import Place
from callflow.editor.server import SHOW_REFERENCES, FlowServer, check_new_name, is_flow_document, own_diagnostic
from callflow.editor.symbols import NODE, PROCEDURE, VALUE, Symbols
from callflow.flow.scalars import BUILTIN_NAMES

KINDS = {
    "node": lsp.CompletionItemKind.Class,
    "field": lsp.CompletionItemKind.Field,
    "choose": lsp.CompletionItemKind.Field,
    "confirm": lsp.CompletionItemKind.Field,
    "computed": lsp.CompletionItemKind.Variable,
    "constant": lsp.CompletionItemKind.Constant,
    "item": lsp.CompletionItemKind.Value,
    "procedure": lsp.CompletionItemKind.Function,
    "ticket": lsp.CompletionItemKind.Property,
    "key": lsp.CompletionItemKind.Keyword,
    "type": lsp.CompletionItemKind.TypeParameter,
    "function": lsp.CompletionItemKind.Function,
    "builtin": lsp.CompletionItemKind.Variable,
}


def register(server: FlowServer) -> None:
    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FlowServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if is_flow_document(ls.path_of(params.text_document.uri)):
            ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FlowServer, params: lsp.DidChangeTextDocumentParams) -> None:
        if is_flow_document(ls.path_of(params.text_document.uri)):
            ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: FlowServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.relint_users(ls.path_of(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FlowServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        timer = ls.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        ls.published.pop(uri, None)
        ls.project.forget(ls.path_of(uri))
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["{", ":", " ", "'", '"', "."])
    )
    def completion(ls: FlowServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        path, lines, _ = ls.offset(params.text_document.uri, params.position)
        line, col = from_client(lines, params.position.line, params.position.character, ls.encoding)
        own = ls.project.symbols(path)
        others: list[Symbols] = []
        if own is not None and own.tree.complete:
            ls.complete_symbols[path] = own
        elif path in ls.complete_symbols:
            others.append(ls.complete_symbols[path])  # the names of the last version that parsed
        others += [s for s in (ls.project.symbols(p) for p in ls.project.libraries_of(path)) if s is not None]
        items = []
        for found in complete(lines.text, line, col, own, others):
            start = to_client(lines, line, found.start, ls.encoding)
            end = to_client(lines, line, col, ls.encoding)
            items.append(
                lsp.CompletionItem(
                    label=found.label,
                    kind=KINDS.get(found.kind, lsp.CompletionItemKind.Text),
                    detail=found.detail,
                    text_edit=lsp.TextEdit(lsp.Range(lsp.Position(*start), lsp.Position(*end)), found.label),
                )
            )
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: FlowServer, params: lsp.HoverParams) -> lsp.Hover | None:
        path, lines, offset = ls.offset(params.text_document.uri, params.position)
        found = hover_text(ls.project, path, offset)
        if found is None:
            return None
        name, text = found
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
            range=ls.range_of(lines, name.start, name.end),
        )

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: FlowServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
        at = ls.name_at(params.text_document.uri, params.position)
        if at is None:
            return None
        path, name = at
        found = [ls.location(p) for p in ls.project.definitions(path, name)]
        return [loc for loc in found if loc is not None] or None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls: FlowServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
        at = ls.name_at(params.text_document.uri, params.position)
        if at is None:
            return None
        path, name = at
        places = ls.project.references(Place(path, name), include_definitions=params.context.include_declaration)
        return [loc for loc in (ls.location(p) for p in places) if loc is not None]

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(ls: FlowServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
        at = ls.name_at(params.text_document.uri, params.position)
        if at is None or (at[1].kind == VALUE and at[1].name in BUILTIN_NAMES):
            return None
        path, name = at
        if not ls.project.definitions(path, name):
            return None
        lines = ls.lines_of(path)
        return ls.range_of(lines, name.start, name.end) if lines is not None else None

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    def rename(ls: FlowServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        at = ls.name_at(params.text_document.uri, params.position)
        if at is None:
            return None
        path, name = at
        check_new_name(name, params.new_name)
        homes = ls.project.definitions(path, name)
        if not homes:
            raise JsonRpcInvalidParams(f"'{name.name}' is not defined in this flow or its libraries: nothing to rename")
        for home in {h.path for h in homes}:
            symbols = ls.project.symbols(home)
            taken = symbols is not None and any(
                n.definition and n.kind == name.kind and n.scope == homes[0].name.scope and n.name == params.new_name
                for n in symbols.names
            )
            if taken:
                raise JsonRpcInvalidParams(f"'{params.new_name}' is already defined: pick another name")
        changes: dict[str, list[lsp.TextEdit]] = {}
        for place in ls.project.references(Place(path, name)):
            lines = ls.lines_of(place.path)
            if lines is None:
                continue
            uri = from_fs_path(place.path) or place.path
            changes.setdefault(uri, []).append(
                lsp.TextEdit(ls.range_of(lines, place.name.start, place.name.end), params.new_name)
            )
        return lsp.WorkspaceEdit(changes=changes)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: FlowServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
        path = ls.path_of(params.text_document.uri)
        symbols = ls.project.symbols(path)
        if symbols is None or not is_flow_document(path):
            return []
        lines = Lines(symbols.text)
        counts = ls.project.reference_counts(path)
        lenses = []
        for name in symbols.names:
            if not name.definition or name.kind not in (NODE, PROCEDURE):
                continue
            flows, scenarios = counts.get(name.key, (0, 0))
            title = f"{flows} reference{'s' if flows != 1 else ''}"
            if scenarios:
                title += f", {scenarios} in scenarios"
            where = ls.range_of(lines, name.start, name.end)
            lenses.append(
                lsp.CodeLens(
                    range=where,
                    command=lsp.Command(
                        title=title,
                        command=SHOW_REFERENCES,
                        arguments=[params.text_document.uri, where.start.line, where.start.character],
                    ),
                )
            )
        return lenses

    @server.command(SHOW_REFERENCES)
    def show_references(ls: FlowServer, uri: str, line: int, character: int) -> list[Any]:
        at = ls.name_at(uri, lsp.Position(line, character))
        if at is None:
            return []
        places = ls.project.references(Place(*at), include_definitions=False)
        return [loc for loc in (ls.location(p) for p in places) if loc is not None]

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix])
    )
    def code_action(ls: FlowServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        path = ls.path_of(uri)
        symbols = ls.project.symbols(path)
        if symbols is None:
            return []
        lines = Lines(symbols.text)
        actions = []
        for item in params.context.diagnostics:
            if item.source != "callflow":
                continue
            diagnostic = own_diagnostic(path, lines, item, ls.encoding)
            for fix in fixes_for(symbols, diagnostic):
                edits = [lsp.TextEdit(ls.range_of(lines, e.start, e.end), e.text) for e in fix.edits]
                actions.append(
                    lsp.CodeAction(
                        title=fix.title,
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[item],
                        is_preferred=fix.preferred,
                        edit=lsp.WorkspaceEdit(changes={uri: edits}),
                    )
                )
        return actions

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(ls: FlowServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        path = ls.path_of(params.text_document.uri)
        symbols = ls.project.symbols(path)
        if symbols is None or not is_flow_document(path):
            return []
        lines = Lines(symbols.text)
        found = []
        kinds = {NODE: lsp.SymbolKind.Class, PROCEDURE: lsp.SymbolKind.Function}
        for name in symbols.definitions():
            kind = kinds.get(name.kind, lsp.SymbolKind.Field if name.role == "field" else None)
            if kind is None:
                continue
            where = ls.range_of(lines, name.start, name.end)
            label = f"{name.scope}/{name.name}" if name.scope else name.name
            found.append(lsp.DocumentSymbol(name=label, kind=kind, range=where, selection_range=where, detail=name.role))
        return found
