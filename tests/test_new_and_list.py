"""`callflow new`, `callflow list`, and `callflow run` with no FLOW."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from callflow.cli import app

ROOT = Path(__file__).resolve().parents[1]
CALLFLOW = Path(sys.executable).parent / "callflow"
runner = CliRunner()


def callflow(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "callflow", *args], cwd=cwd, capture_output=True, text=True, check=False)


def spawn(cwd: Path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", CALLFLOW_SESSIONS_DIR=str(cwd / "sessions"))
    env.pop("CALLFLOW_AGENT", None)
    return pexpect.spawn(str(CALLFLOW), list(args), env=env, cwd=str(cwd), encoding="utf-8", dimensions=(40, 120), timeout=20)


def test_new_without_a_terminal_writes_a_flow_that_lints_strict_and_passes_its_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", str(tmp_path / "flows" / "refund-desk.yaml"), "--title", "Refund desk", "--start", "R-1"])
    assert result.exit_code == 0, result.output
    flow = tmp_path / "flows" / "refund-desk.yaml"
    scenario = tmp_path / "flows" / "refund-desk.scenarios" / "r-1-buys-a-session.yaml"
    assert f"Wrote {flow} and {scenario}." in result.output
    text = flow.read_text(encoding="utf-8")
    assert "id: refund-desk\n" in text and 'title: "Refund desk"\n' in text and "start: R-1\n" in text
    assert "  R-2:\n" in text and "  R-3:\n" in text
    linted = callflow(tmp_path, "lint", "--strict", "flows")
    assert linted.returncode == 0, linted.stdout + linted.stderr
    tested = callflow(tmp_path, "test")
    assert tested.returncode == 0, tested.stdout
    assert "1 passed, 0 failed" in tested.stdout


def test_new_picks_its_defaults_from_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "--id", "desk"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "flows" / "desk.yaml").read_text(encoding="utf-8")
    assert 'title: "Desk"' in text and "start: N-1" in text


def test_new_refuses_to_overwrite_and_names_bad_ids(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    target.write_text("kept\n", encoding="utf-8")
    again = runner.invoke(app, ["new", str(target)])
    assert again.exit_code == 2
    assert f"{target} already exists, and callflow new does not overwrite" in again.output
    assert target.read_text(encoding="utf-8") == "kept\n"
    bad = runner.invoke(app, ["new", str(tmp_path / "y.yaml"), "--start", "no spaces"])
    assert bad.exit_code == 2
    assert "'no spaces' is not a valid --start" in bad.output
    nothing = runner.invoke(app, ["new"])
    assert nothing.exit_code == 2
    assert "standard input is not a terminal, so nothing can be asked: give PATH or --id" in nothing.output


def test_new_in_a_terminal_asks_id_title_and_first_node(tmp_path: Path) -> None:
    child = spawn(tmp_path, "new")
    child.expect_exact("Flow id:")
    child.send("password-reset\r")
    child.expect_exact("Title:")
    child.send("\r")  # keeps "Password reset"
    child.expect_exact("First node id:")
    child.send("\x7f" * 3 + "PR-1\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = (tmp_path / "flows" / "password-reset.yaml").read_text(encoding="utf-8")
    assert 'title: "Password reset"' in text and "start: PR-1" in text and "  PR-3:\n" in text
    assert callflow(tmp_path, "test").returncode == 0


def test_list_shows_id_title_nodes_ends_and_lint_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, ["new", str(tmp_path / "flows" / "desk.yaml")]).exit_code == 0
    (tmp_path / "flows" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    warned = (tmp_path / "flows" / "desk.yaml").read_text(encoding="utf-8").replace(
        "id: desk\n", "id: warned\n"
    ).replace("constants:\n", "constants:\n  unused_phone: 555\n")
    (tmp_path / "flows" / "warned.yaml").write_text(warned, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "PATH               ID      TITLE  NODES  ENDS  LINT",
        "flows/broken.yaml  -       -          0     0  invalid",
        "flows/desk.yaml    desk    Desk       3     1  ok",
        "flows/warned.yaml  warned  Desk       3     1  1 warning",
    ]
    data = json.loads(runner.invoke(app, ["list", "--format", "json"]).output)
    assert (data["format"], data["format_version"]) == ("callflow-list", 1)
    desk = data["flows"][1]
    assert desk == {
        "path": "flows/desk.yaml",
        "kind": "flow",
        "id": "desk",
        "title": "Desk",
        "nodes": 3,
        "ends": 1,
        "lint": {"status": "ok", "errors": 0, "warnings": 0, "first": None},
    }
    assert data["flows"][0]["lint"]["first"].startswith("flows/broken.yaml:2:1: CF001 error")


def test_list_of_the_shipped_flows_and_a_missing_folder(tmp_path: Path) -> None:
    shipped = runner.invoke(app, ["list", str(ROOT / "flows"), "--json"])
    ids = {f["id"] for f in json.loads(shipped.output)["flows"]}
    assert "anything-computers-intake" in ids
    missing = runner.invoke(app, ["list", str(tmp_path / "nowhere")])
    assert missing.exit_code == 3
    assert "CF006 error: no such file or directory" in missing.output


def test_run_without_a_flow_and_without_a_terminal_is_a_clear_error() -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "no FLOW given, and standard input is not a terminal to pick one from" in result.output
    scripted = runner.invoke(app, ["run", "--answers", "a.yaml"])
    assert scripted.exit_code == 2
    assert "--answers needs the FLOW its answers walk" in scripted.output


@pytest.mark.skipif(not CALLFLOW.exists(), reason="callflow is not installed next to this Python")
def test_run_without_a_flow_in_a_terminal_offers_the_flows_of_the_folder(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    for name in ("anything-computers-intake.yaml", "help-desk-go-live.yaml"):
        (tmp_path / "flows" / name).write_text((ROOT / "flows" / name).read_text(encoding="utf-8"), encoding="utf-8")
    child = spawn(tmp_path, "run")
    child.expect_exact("Which call script?")
    child.expect_exact("Anything Computers.org — D-2 intake  (flows/anything-computers-intake.yaml)")
    child.send("\r")
    child.expect_exact("Your name")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_each_flow_offered_fits_one_line_of_an_80_column_terminal() -> None:
    from callflow.commands._pick import choice_label

    title = "ConnectWise Help Desk — go-live, client expectations and site maintenance"
    label = choice_label(title, "flows/help-desk-go-live.yaml", 76)
    assert label.endswith("…  (flows/help-desk-go-live.yaml)") and len(label) <= 76
    assert label.startswith("ConnectWise Help Desk — go-live")
    assert choice_label("NYGG — Remote support session", "flows/remote-support-session.yaml", 76) == (
        "NYGG — Remote support session  (flows/remote-support-session.yaml)"
    )
    squeezed = choice_label(title, "flows/a-very-long-folder-name/and-a-long-file-name.yaml", 40)
    assert len(squeezed) <= 40 and squeezed.endswith("…")
