"""`callflow lsp` end to end: pytest-lsp starts the real server process and
speaks JSON-RPC to it as an editor does."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.lspkit import SERVER, Docs, apply, make_workspace, position_of, recording_client, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def flows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("lsp"))


@pytest.fixture(scope="module")
def scratch(flows: Path) -> Path:
    """Another folder of flows, for files the tests change (so the references
    and renames of the shop see none of them)."""
    return make_workspace(flows.parent / "scratch")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER, client_factory=recording_client))
async def client(lsp_client: LanguageClient, flows: Path) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=uri(flows.parent),
            workspace_folders=[lsp.WorkspaceFolder(uri(flows.parent), "ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def lint_json(path: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "callflow", "lint", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    data = json.loads(done.stdout)
    return list(data["diagnostics"] if isinstance(data, dict) else data)


async def test_diagnostics_on_open_are_the_lints_codes_and_positions(client: LanguageClient, flows: Path, scratch: Path) -> None:
    broken = scratch / "broken.yaml"
    text = (flows / "shop.yaml").read_text(encoding="utf-8")
    text = text.replace("goto: S-9}", "goto: S-99}").replace("{company}", "{compny}").replace('item: "310"', 'item: "31O"')
    broken.write_text(text, encoding="utf-8")
    found = await Docs(client).open(broken)
    expected = lint_json(broken)
    assert {"CF102", "CF201", "CF204"} <= {e["code"] for e in expected}
    assert sorted((d.code, d.range.start.line + 1, d.range.start.character + 1, d.message) for d in found) == sorted(
        (e["code"], e["line"], e["col"], e["message"]) for e in expected
    )
    by_code = {d.code: d for d in found}
    assert by_code["CF102"].severity == lsp.DiagnosticSeverity.Error
    assert by_code["CF102"].source == "callflow"
    # The range covers the name the problem is about.
    line = text.split("\n")[by_code["CF102"].range.start.line]
    covered = line[by_code["CF102"].range.start.character : by_code["CF102"].range.end.character]
    assert covered == "S-99"


async def test_diagnostics_follow_every_change_and_clear_when_fixed(client: LanguageClient, flows: Path, scratch: Path) -> None:
    path = scratch / "typing.yaml"
    text = (flows / "shop.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    docs = Docs(client)
    assert await docs.open(path) == []
    at = position_of(text, "next: S-9", delta=len("next: S-9"))
    found = await docs.edit(path, (at.line, at.character), (at.line, at.character), "9")  # next: S-99
    assert [(d.code, d.message) for d in found] == [("CF102", "node 'S-99' does not exist (did you mean 'S-9'?)")]
    found = await docs.edit(path, (at.line, at.character), (at.line, at.character + 1), "")
    assert found == []
    broken = await docs.replace(path, "id: [unclosed\n")
    assert [d.code for d in broken] == ["CF001"]
    docs.close(path)


async def test_completion_of_nodes_fields_placeholders_items_steps_and_types(client: LanguageClient, flows: Path, scratch: Path) -> None:
    path = scratch / "complete.yaml"
    base = (flows / "shop.yaml").read_text(encoding="utf-8")
    text = base.replace(
        "      - ask: caller_name\n",
        "      - ask: \n      - say: \"Hello {\"\n      - item: \n      - \n",
    ).replace("    prompt: Caller's name\n", "    prompt: Caller's name\n    type: \n")
    path.write_text(text, encoding="utf-8")
    docs = Docs(client)
    await docs.open(path)

    async def labels(needle: str, delta: int) -> set[str]:
        result = await client.text_document_completion_async(
            lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri(path)), position=position_of(text, needle, delta=delta))
        )
        assert result is not None
        items = result.items if isinstance(result, lsp.CompletionList) else result
        return {i.label for i in items}

    assert await labels("goto: S-2}", len("goto: ")) == {"S-1", "S-2", "S-9"}
    assert await labels("next: S-9", len("next: ")) == {"S-1", "S-2", "S-9"}
    asked = await labels("- ask: \n", len("- ask: "))
    assert asked == {"caller_name", "payment_method"}  # the flow's field and the library's
    blanks = await labels('"Hello {"', len('"Hello {'))
    assert {"company", "caller_name", "wants_session", "payment_method", "agent", "total", "due"} <= blanks
    assert await labels("- item: \n", len("- item: ")) == {"310"}
    steps = await labels("      - \n", len("      - "))
    assert {"say", "ask", "item", "payment", "call", "notify", "set", "follow_up"} <= steps
    assert await labels("    type: \n", len("    type: ")) == {"text", "number", "money", "choice", "yesno", "date", "duration"}
    docs.close(path)


async def test_hover_shows_a_fields_prompt_an_items_price_and_a_nodes_section(client: LanguageClient, flows: Path) -> None:
    path = flows / "shop.yaml"
    text = path.read_text(encoding="utf-8")
    await Docs(client).open(path)

    async def hover(needle: str, delta: int = 1, nth: int = 0) -> str:
        found = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri(path)), position=position_of(text, needle, nth=nth, delta=delta))
        )
        assert found is not None and isinstance(found.contents, lsp.MarkupContent)
        return found.contents.value

    assert await hover("ask: caller_name", len("ask: ") + 2) == "**field** `caller_name`: text\n\nCaller's name"
    assert await hover('item: "310"', len('item: "') + 1) == "**item** `310` — ONE-TIME REMOTE SESSION, $35.00"
    shown = await hover("goto: S-2}", len("goto: ") + 1)
    assert shown.startswith("**node** `S-2` — Sale › Sell the session")
    assert "next: `S-9`" in shown
    library = await hover("{payment_method}", 2)
    assert library.startswith("**field** `payment_method`: choice\n\nHow is it paid?")
    assert "options: Online account, By phone" in library
    assert "*defined in* `payment.yaml`" in library


async def test_definition_across_the_flow_and_its_library(client: LanguageClient, flows: Path) -> None:
    path = flows / "shop.yaml"
    text = path.read_text(encoding="utf-8")
    await Docs(client).open(path)

    async def target(needle: str, delta: int) -> tuple[str, int]:
        found = await client.text_document_definition_async(
            lsp.DefinitionParams(text_document=lsp.TextDocumentIdentifier(uri(path)), position=position_of(text, needle, delta=delta))
        )
        assert isinstance(found, list) and len(found) == 1
        location = found[0]
        assert isinstance(location, lsp.Location)
        return Path(location.uri).name, location.range.start.line

    library = (flows / "common" / "payment.yaml").read_text(encoding="utf-8")
    assert await target("goto: S-2}", len("goto: ") + 1) == ("shop.yaml", position_of(text, "  S-2:").line)
    assert await target("call: take_payment", len("call: ") + 3) == (
        "payment.yaml",
        position_of(library, "take_payment:").line,
    )
    assert await target("{payment_method}", 3) == ("payment.yaml", position_of(library, "payment_method:").line)
    assert await target("{company}", 3) == ("shop.yaml", position_of(text, "company:").line)
    assert await target('item: "310"', len('item: "') + 1) == ("shop.yaml", position_of(text, '"310":').line)


async def test_references_of_a_library_field_in_every_file(client: LanguageClient, flows: Path) -> None:
    library = flows / "common" / "payment.yaml"
    text = library.read_text(encoding="utf-8")
    await Docs(client).open(library)
    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri(library)),
            position=position_of(text, "payment_method:", delta=2),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    assert found is not None
    where = sorted((Path(loc.uri).name, loc.range.start.line) for loc in found)
    shop = (flows / "shop.yaml").read_text(encoding="utf-8")
    scenario = (flows / "shop.scenarios" / "buys.yaml").read_text(encoding="utf-8")
    assert where == sorted(
        [
            ("payment.yaml", position_of(text, "payment_method:").line),
            ("payment.yaml", position_of(text, "ask: payment_method").line),
            ("payment.yaml", position_of(text, "{payment_method}").line),
            ("shop.yaml", position_of(shop, "{payment_method}").line),
            ("buys.yaml", position_of(scenario, "payment_method:").line),
        ]
    )


async def test_a_reference_count_above_each_node(client: LanguageClient, flows: Path) -> None:
    path = flows / "shop.yaml"
    text = path.read_text(encoding="utf-8")
    await Docs(client).open(path)
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri(path))))
    assert lenses is not None
    titles = {text.split("\n")[lens.range.start.line].strip(): lens.command.title for lens in lenses if lens.command}
    assert titles == {
        "S-1:": "1 reference, 1 in scenarios",  # start: S-1, and the scenario's path
        "S-2:": "1 reference, 2 in scenarios",
        "S-9:": "2 references, 1 in scenarios",
    }


async def test_rename_a_node_in_the_flow_and_its_scenarios(client: LanguageClient, flows: Path) -> None:
    path = flows / "shop.yaml"
    text = path.read_text(encoding="utf-8")
    await Docs(client).open(path)
    at = position_of(text, "  S-2:", delta=3)
    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=lsp.TextDocumentIdentifier(uri(path)), position=at)
    )
    assert isinstance(prepared, lsp.Range) and (prepared.start.character, prepared.end.character) == (2, 5)
    edit = await client.text_document_rename_async(
        lsp.RenameParams(text_document=lsp.TextDocumentIdentifier(uri(path)), position=at, new_name="S-SELL")
    )
    assert edit is not None and edit.changes is not None
    renamed = apply(text, list(edit.changes[uri(path)]))
    assert "S-2" not in renamed
    assert "goto: S-SELL}" in renamed and "  S-SELL:" in renamed
    scenario = flows / "shop.scenarios" / "buys.yaml"
    assert "path: [S-1, S-SELL, take_payment/PAY-1, S-SELL, S-9]" in apply(
        scenario.read_text(encoding="utf-8"), list(edit.changes[uri(scenario)])
    )


async def test_rename_a_library_field_across_every_file_that_uses_it(client: LanguageClient, flows: Path) -> None:
    path = flows / "shop.yaml"
    text = path.read_text(encoding="utf-8")
    await Docs(client).open(path)
    edit = await client.text_document_rename_async(
        lsp.RenameParams(
            text_document=lsp.TextDocumentIdentifier(uri(path)),
            position=position_of(text, "{payment_method}", delta=2),
            new_name="paid_by",
        )
    )
    assert edit is not None and edit.changes is not None
    assert set(edit.changes) == {uri(path), uri(flows / "common" / "payment.yaml"), uri(flows / "shop.scenarios" / "buys.yaml")}
    library = apply((flows / "common" / "payment.yaml").read_text(encoding="utf-8"), list(edit.changes[uri(flows / "common" / "payment.yaml")]))
    assert "payment_method" not in library
    assert "  paid_by:\n" in library and "- ask: paid_by" in library and '"{paid_by}"' in library
    assert "Paid by {paid_by}, {caller_name}" in apply(text, list(edit.changes[uri(path)]))
    # Renamed files lint clean, and the scenario still passes.
    work = flows.parent / "renamed" / "flows"
    (work / "common").mkdir(parents=True)
    (work / "shop.scenarios").mkdir()
    (work / "shop.yaml").write_text(apply(text, list(edit.changes[uri(path)])), encoding="utf-8")
    (work / "common" / "payment.yaml").write_text(library, encoding="utf-8")
    scenario = flows / "shop.scenarios" / "buys.yaml"
    (work / "shop.scenarios" / "buys.yaml").write_text(
        apply(scenario.read_text(encoding="utf-8"), list(edit.changes[uri(scenario)])), encoding="utf-8"
    )
    assert lint_json(work) == []
    tested = subprocess.run([sys.executable, "-m", "callflow", "test", str(work)], capture_output=True, text=True, check=False)
    assert tested.returncode == 0, tested.stdout + tested.stderr


async def test_a_rename_that_would_clash_or_is_not_a_name_is_refused(client: LanguageClient, flows: Path) -> None:
    path = flows / "shop.yaml"
    text = path.read_text(encoding="utf-8")
    await Docs(client).open(path)
    at = position_of(text, "  S-2:", delta=3)
    for bad in ("S-9", "has space"):
        with pytest.raises(Exception, match=r"already defined|not a valid"):
            await client.text_document_rename_async(lsp.RenameParams(text_document=lsp.TextDocumentIdentifier(uri(path)), position=at, new_name=bad))


async def test_quick_fix_creates_a_stub_for_a_missing_node(client: LanguageClient, flows: Path, scratch: Path) -> None:
    path = scratch / "stub.yaml"
    text = (flows / "shop.yaml").read_text(encoding="utf-8").replace("next: S-9", "next: S-PAY")
    path.write_text(text, encoding="utf-8")
    docs = Docs(client)
    found = await docs.open(path)
    assert [d.code for d in found] == ["CF102"]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri(path)),
            range=found[0].range,
            context=lsp.CodeActionContext(diagnostics=found),
        )
    )
    assert actions is not None
    stub = next(a for a in actions if isinstance(a, lsp.CodeAction) and a.title == "Create node 'S-PAY'")
    assert stub.edit is not None and stub.edit.changes is not None
    fixed = apply(text, list(stub.edit.changes[uri(path)]))
    assert fixed.endswith("  S-PAY:\n    title: TODO\n    steps:\n      - say: TODO\n    end: todo\n")
    assert await docs.replace(path, fixed) == []
    docs.close(path)


async def test_quick_fix_applies_the_did_you_mean(client: LanguageClient, flows: Path, scratch: Path) -> None:
    path = scratch / "typo.yaml"
    text = (flows / "shop.yaml").read_text(encoding="utf-8").replace("{caller_name}", "{caller_nme}")
    path.write_text(text, encoding="utf-8")
    docs = Docs(client)
    found = await docs.open(path)
    assert [d.code for d in found] == ["CF201"]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri(path)),
            range=found[0].range,
            context=lsp.CodeActionContext(diagnostics=found),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions]
    assert titles == ["Change 'caller_nme' to 'caller_name'"]
    action = actions[0]
    assert isinstance(action, lsp.CodeAction) and action.is_preferred
    assert action.edit is not None and action.edit.changes is not None
    assert await docs.replace(path, apply(text, list(action.edit.changes[uri(path)]))) == []
    docs.close(path)


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("binary", "id: x\x00\x01\x02\xff garbage", "CF006"),
        ("deep", "nodes: " + "[" * 100_000, None),
        ("tabs", "\tid:\n\t\t- - : :\n{]", "CF001"),
        ("huge", "a: b\n" * 4_300_000, "CF005"),
        ("flow", "id: x\ntitle: y\nstart: A\nnodes:\n  A: {steps: [{say: '{'}], end: done}\n", None),
    ],
)
async def test_garbage_documents_get_diagnostics_and_the_server_goes_on(
    client: LanguageClient, scratch: Path, name: str, text: str, code: str | None
) -> None:
    path = scratch / f"garbage-{name}.yaml"
    docs = Docs(client)
    found = await docs.open(path, text)
    assert found, name
    if code is not None:
        assert code in {d.code for d in found}
    # Every other request on it answers instead of failing.
    position = lsp.Position(0, 3)
    document = lsp.TextDocumentIdentifier(uri(path))
    await client.text_document_completion_async(lsp.CompletionParams(text_document=document, position=position))
    await client.text_document_hover_async(lsp.HoverParams(text_document=document, position=position))
    await client.text_document_code_lens_async(lsp.CodeLensParams(text_document=document))
    await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=document))
    docs.close(path)
    # And the server still lints a good flow.
    good = scratch / "shop.yaml"
    assert await Docs(client).open(good) == []
    Docs(client).close(good)
