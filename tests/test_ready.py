"""A call does not start on a flow that lint finds errors in."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callflow.call.ready import FlowNotReady, load_for_call
from callflow.cli import app

BROKEN = textwrap.dedent(
    """\
    id: broken
    title: Broken
    start: A
    fields:
      name: {prompt: Name?}
    nodes:
      A:
        steps:
          - ask: name
          - say: "Hello {nmae}"
        next: B
    """
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_lint_errors_refuse_the_flow_with_every_error(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    with pytest.raises(FlowNotReady) as caught:
        load_for_call(str(path))
    lines = caught.value.lines()
    assert [line.split(": ")[1].split(" ")[0] for line in lines[:-1]] == ["CF201", "CF102"]
    assert lines[0].startswith(f"{path}:10:21: CF201 error:")  # at the brace
    assert "did you mean 'name'" in lines[0]
    assert lines[-1] == (
        f"{path}: 2 errors to fix before a call can follow this flow (callflow lint {path} lists every problem)"
    )


def test_run_refuses_it_with_exit_3_before_any_prompt(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers:\n  name: Sam\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "--answers", str(answers)])
    assert result.exit_code == 3
    assert "CF201 error" in result.output and "CF102 error" in result.output
    assert "Traceback" not in result.output


def test_warnings_do_not_stop_a_call(tmp_path: Path) -> None:
    # An unused field is a warning (CF213): the call goes on.
    path = write(
        tmp_path,
        BROKEN.replace("{nmae}", "{name}").replace("next: B", "end: done")
        + "  Z:\n    end: never\n",
    )
    loaded = load_for_call(str(path))
    assert loaded.flow.id == "broken"
