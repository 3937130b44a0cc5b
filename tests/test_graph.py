"""`callflow graph`: Mermaid and Graphviz pictures of a flow, with a walked path.

The syntax is checked three ways: a strict line grammar for Mermaid (always),
Graphviz's own `dot` (skipped when it is not installed), and Mermaid's own
parser under Node (skipped unless MERMAID_NODE_MODULES names a node_modules
folder holding `mermaid` and `jsdom`; see tests/tools/mermaid_check.mjs)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callflow.cli import app
from callflow.flow.diagram import Walked, dot, mermaid, mermaid_ids
from callflow.flow.graph import edges_of
from callflow.flow.loadedflow import load_flow
from callflow.flow.loader import validate_text
from callflow.flow.model import Flow
from callflow.flow.picture import Picture, picture_of

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"
SHIPPED = sorted((ROOT / "flows").glob("*.yaml"))
runner = CliRunner()

# Labels that would break either syntax, or inject into it, if not escaped.
NASTY = textwrap.dedent(
    """\
    id: nasty
    title: 'Quotes " and \\ backslash'
    start: S-1
    nodes:
      S-1:
        section: 'A "quoted" <b>bold</b> & #hash | pipe `tick` ]) --> x'
        choose:
          id: pick
          prompt: Pick
          options:
            - {label: 'Say "yes" --> end', goto: end}
            - {label: "a|b #35; <script>", goto: S-2}
            - {label: "x\\\\ny", goto: D-9}
      end:
        section: graph
        end: 'done "ok"'
      S-2:
        end: also_done
    """
)

ID = r"n_[A-Za-z0-9_]+"
LABEL = r'"[^"\n]*"'
MERMAID_LINE = re.compile(
    rf"^(flowchart TD|    %% .*|(    )?    {ID}\[{LABEL}\]|(    )?    {ID}\(\[{LABEL}\]\)"
    rf"|    {ID} (-->|-\.->)(\|{LABEL}\|)? {ID}|    classDef [A-Za-z]+ [^;\n]+|    class {ID}(,{ID})* [A-Za-z]+"
    rf"|    subgraph {ID}\[{LABEL}\]|    end"
    r"|    linkStyle \d+(,\d+)* [^;\n]+)$"
)


def nasty_flow() -> Flow:
    return validate_text(Flow, NASTY, "nasty.yaml")


def check_mermaid_lines(text: str) -> None:
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    for line in lines:
        assert MERMAID_LINE.match(line), f"not Mermaid as callflow writes it: {line!r}"
        for label in re.findall(LABEL, line):
            assert not re.search(r"[<>&|`]", label[1:-1].replace("<br/>", "")), f"unescaped character in {label}"


def d2_picture() -> Picture:
    loaded = load_flow(str(D2))
    return picture_of(loaded.written, loaded.procedures)


def test_mermaid_of_the_d2_flow_has_every_node_and_edge() -> None:
    picture = d2_picture()
    flow = picture.flow
    text = mermaid(picture)
    check_mermaid_lines(text)
    ids = mermaid_ids(flow.nodes)
    for node_id, node in flow.nodes.items():
        shape = r'\(\["' if node.end is not None else r'\["'
        indent = "        " if "/" in node_id else "    "  # a procedure's nodes are inside its subgraph
        assert re.search(rf"^{indent}{ids[node_id]}{shape}{re.escape(node_id)}", text, re.MULTILINE), node_id
    arrows = text.count(" --> ") + text.count(" -->|") + text.count(" -.->|")
    # 38 edges of the seed's nodes, and for each of the 9 calls the call and the return.
    assert arrows == len(picture.edges) == len(edges_of(load_flow(str(D2)).written)) + 2 * 9
    # The procedures are drawn once each, as subgraphs, with dashed calls and returns.
    assert '    subgraph n_p_payment_options["Payment options"]' in text
    assert '    n_D_2_8 -.->|"call payment_options"| n_payment_options_PAYMENT_OPTIONS' in text
    assert '    n_payment_options_PAYMENT_OPTIONS -.->|"return"| n_D_2_8' in text
    assert '    n_D_2_6 -->|"past_due_amount #gt; 0"| n_D_2_14' in text
    assert '    n_D_2_6 -->|"else"| n_D_2_7' in text
    assert '    n_D_2_1 -->|"Yes"| n_D_2_5' in text
    assert "    n_D_2_8 --> n_D_2_9" in text
    assert '    n_D_2_4(["D-2-4<br/>One Time Support<br/>end: transferred_to_remote_agent"])' in text
    assert "    class n_D_2_1 start" in text


def test_mermaid_ids_are_safe_and_distinct() -> None:
    ids = mermaid_ids(["D-2-4", "D_2_4", "D.2.4", "end", "o1"])
    assert list(ids.values()) == ["n_D_2_4", "n_D_2_4_2", "n_D_2_4_3", "n_end", "n_o1"]


def test_mermaid_escapes_what_has_meaning_in_labels() -> None:
    text = mermaid(nasty_flow())
    check_mermaid_lines(text)
    assert "#quot;quoted#quot; #lt;b#gt;bold#lt;/b#gt; #amp; #35;hash #124; pipe #96;tick#96; ]) --#gt; x" in text
    assert '-->|"Say #quot;yes#quot; --#gt; end"| n_end' in text
    assert '["D-9<br/>missing"]' in text
    assert "classDef missing" in text


def test_dot_quotes_ids_and_escapes_labels() -> None:
    text = dot(nasty_flow())
    assert text.startswith('digraph "nasty" {\n')
    assert '    graph [label="Quotes \\" and \\\\ backslash"' in text
    assert '"S-1" -> "end" [label="Say \\"yes\\" --> end"];' in text
    assert '"S-1" -> "S-2" [label="a|b #35; <script>"];' in text
    assert '"D-9" [label="D-9\\nmissing", style="dashed"' in text
    assert '"end" [label="end\\ngraph\\nend: done \\"ok\\"", peripheries=2' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
@pytest.mark.parametrize("path", [*SHIPPED, None], ids=lambda p: p.name if p else "nasty")
def test_graphviz_accepts_the_dot(path: Path | None, tmp_path: Path) -> None:
    flow = load_flow(str(path)).flow if path else nasty_flow()
    walked = Walked(frozenset(list(flow.nodes)[:2]), frozenset(), frozenset())
    result = subprocess.run(
        ["dot", "-Tsvg"], input=dot(flow, walked), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "<svg" in result.stdout
    svg = html.unescape(result.stdout)
    for node_id in flow.nodes:
        assert f"<title>{node_id}</title>" in svg


MERMAID_NODE_MODULES = os.environ.get("MERMAID_NODE_MODULES", "")


@pytest.mark.skipif(
    shutil.which("node") is None or not (Path(MERMAID_NODE_MODULES) / "mermaid").is_dir(),
    reason="set MERMAID_NODE_MODULES to a node_modules folder with mermaid and jsdom",
)
def test_mermaid_accepts_the_flowcharts(tmp_path: Path) -> None:
    files = []
    for i, flow in enumerate([*(load_flow(str(p)).flow for p in SHIPPED), nasty_flow()]):
        walked = Walked(frozenset(flow.nodes), frozenset((e.source, e.way, e.branch) for e in edges_of(flow)))
        for j, text in enumerate((mermaid(flow), mermaid(flow, walked))):
            path = tmp_path / f"flow-{i}-{j}.mmd"
            path.write_text(text, encoding="utf-8")
            files.append(str(path))
    bad = tmp_path / "bad.mmd"
    bad.write_text("flowchart TD\n    a[\"x\"] --> b c d\n", encoding="utf-8")
    checker = ROOT / "tests" / "tools" / "mermaid_check.mjs"
    result = subprocess.run(
        ["node", str(checker), MERMAID_NODE_MODULES, *files], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok ") == len(files)
    refused = subprocess.run(
        ["node", str(checker), MERMAID_NODE_MODULES, str(bad)], capture_output=True, text=True, timeout=300, check=False
    )
    assert refused.returncode == 1  # the checker does refuse bad syntax


# -- the command and --highlight ------------------------------------------------------------

ANSWERS = """\
flow: anything-computers-intake
agent: Dana
answers:
  existing_member: "yes"
  member_plan: Remote Access
  hd_more_than_one_contact: "no"
  past_due_amount: "0"
  chat_response: "yes"
  remote_agent: Sam Rivera
  ticket_number: T1001
"""
WALKED = ["D-2-1", "D-2-5", "D-2-20", "D-2-18", "D-2-21", "D-2-19", "hand_over_ticket/HAND-OVER", "D-2-19"]


def linked(text: str) -> set[str]:
    """The edges a Mermaid picture colours, as 'from -> to [label]'."""
    lines = text.splitlines()
    edges = [line.strip() for line in lines if " --> " in line or " -->|" in line or " -.->|" in line]
    styled = next((line for line in lines if line.strip().startswith("linkStyle")), "    linkStyle  ")
    return {edges[int(i)] for i in styled.split()[1].split(",")} if styled.split()[1:] else set()


def test_graph_command_prints_mermaid_by_default_and_dot_on_request() -> None:
    result = runner.invoke(app, ["graph", str(D2)])
    assert result.exit_code == 0
    assert result.stdout == mermaid(d2_picture())
    result = runner.invoke(app, ["graph", "--format", "dot", str(D2)])
    assert result.exit_code == 0
    assert result.stdout.startswith('digraph "anything-computers-intake" {')


def test_highlight_an_answers_file_colours_the_exact_edges(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    result = runner.invoke(app, ["graph", str(D2), "--highlight", str(answers)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "path: " + " -> ".join(WALKED)
    # Help Desk and Remote Access both lead from D-2-5 to D-2-20: only the one taken is coloured.
    assert linked(result.stdout) == {
        'n_D_2_1 -->|"Yes"| n_D_2_5',
        'n_D_2_5 -->|"Remote Access"| n_D_2_20',
        'n_D_2_20 -->|"No"| n_D_2_18',
        "n_D_2_18 --> n_D_2_21",
        'n_D_2_21 -->|"chat_response"| n_D_2_19',
        'n_D_2_19 -.->|"call hand_over_ticket"| n_hand_over_ticket_HAND_OVER',
        'n_hand_over_ticket_HAND_OVER -.->|"return"| n_D_2_19',
    }
    assert "    class n_D_2_1,n_D_2_5,n_D_2_20,n_D_2_18,n_D_2_21,n_hand_over_ticket_HAND_OVER walked" in result.stdout
    assert "    class n_D_2_19 walkedEnding" in result.stdout
    dotted = runner.invoke(app, ["graph", str(D2), "-f", "dot", "--highlight", str(answers)])
    assert '"D-2-5" -> "D-2-20" [label="Remote Access", color="#d9480f"' in dotted.stdout
    assert '"D-2-5" -> "D-2-20" [label="Help Desk"];' in dotted.stdout


def test_highlight_a_saved_receipt_and_journal(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    sessions = tmp_path / "sessions"
    ran = runner.invoke(app, ["run", str(D2), "--answers", str(answers), "--save", "--sessions-dir", str(sessions)])
    assert ran.exit_code == 0, ran.output
    receipt = next(sessions.glob("*.json"))
    journal = next((sessions / "journal").glob("*.jsonl"))
    expected = runner.invoke(app, ["graph", str(D2), "--highlight", str(answers)]).stdout
    for saved in (receipt, journal):
        result = runner.invoke(app, ["graph", str(D2), "--highlight", str(saved)])
        assert result.exit_code == 0, result.output
        assert result.stdout == expected
        assert result.stderr.strip() == "path: " + " -> ".join(WALKED)


def test_highlight_a_journal_of_a_call_that_stopped_midway(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    sessions = tmp_path / "sessions"
    ran = runner.invoke(app, ["run", str(D2), "--answers", str(answers), "--save", "--sessions-dir", str(sessions)])
    assert ran.exit_code == 0, ran.output
    journal = next((sessions / "journal").glob("*.jsonl"))
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"event": "start"' in lines[0] and '"existing_member"' in lines[1] and '"member_plan"' in lines[2]
    journal.write_text("".join(lines[:3]), encoding="utf-8")  # the call stopped after two answers
    result = runner.invoke(app, ["graph", str(D2), "--highlight", str(journal)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "path: D-2-1 -> D-2-5 -> D-2-20"
    assert linked(result.stdout) == {'n_D_2_1 -->|"Yes"| n_D_2_5', 'n_D_2_5 -->|"Remote Access"| n_D_2_20'}


def test_highlight_refuses_files_of_another_flow_or_no_path(tmp_path: Path) -> None:
    other = tmp_path / "receipt.json"
    other.write_text('{"flow": {"id": "another-flow"}, "path": ["X-1"]}', encoding="utf-8")
    result = runner.invoke(app, ["graph", str(D2), "--highlight", str(other)])
    assert result.exit_code == 3
    assert "this receipt is of flow 'another-flow', not 'anything-computers-intake'" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"path": "D-2-1"}', encoding="utf-8")
    result = runner.invoke(app, ["graph", str(D2), "--highlight", str(broken)])
    assert result.exit_code == 3
    assert 'has no "path" list' in result.stderr
    missing = runner.invoke(app, ["graph", str(D2), "--highlight", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 3


def test_answers_that_do_not_walk_the_flow_exit_4(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text('answers:\n  existing_member: "yes"\n', encoding="utf-8")
    result = runner.invoke(app, ["graph", str(D2), "--highlight", str(answers)])
    assert result.exit_code == 4
    assert "no answer for 'member_plan'" in result.stderr


def test_a_flow_that_does_not_load_exits_3_with_its_diagnostics() -> None:
    bad = ROOT / "tests" / "lint" / "fixtures" / "CF012" / "bad.yaml"
    result = runner.invoke(app, ["graph", str(bad)])
    assert result.exit_code == 3
    assert "CF012 error: unknown key 'sectoin'" in result.stderr
    assert result.stdout == ""


def test_the_readme_shows_the_current_d2_picture() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", readme, re.DOTALL)
    assert block, "README.md lost the D-2 flow's Mermaid picture"
    assert block.group(1) == mermaid(d2_picture()), (
        "README.md's D-2 picture is stale: paste  callflow graph flows/anything-computers-intake.yaml"
    )
