"""Hostile and broken flow and answers files through the command: each gets
one clear line naming the file (and the position where there is one) and
exit 3, never a traceback. How long each takes and how much memory it needs
is measured by benchmarks/bench_hostile.py, not asserted here.

Every file is given as `callflow run FILE` (stdin not a terminal: the flow is
checked before the terminal is) and as `callflow run D2 --answers FILE`, in
this process; some also to the installed command in its own process, and two
in a real terminal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from sessionkit import CALLFLOW, D2, PAYG, cli, cli_process, write

# A mapping key of the answers file or flow where each trap sits; the first
# line of the message must name the file, and where there is one, the place.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def _big(path: Path) -> None:
    with path.open("wb") as handle:
        line = b"# " + b"x" * 1021 + b"\n"
        for _ in range(50 * 1024):
            handle.write(line)


def _text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


# name -> (how to make it, code, where the message points: "line:col" or None)
HOSTILE: dict[str, tuple[Callable[[Path], None], str, str | None]] = {
    "alias-bomb": (_text(BOMB), "CF003", "1:4"),
    "python-tag": (_text("answers: !!python/object/apply:os.system ['echo pwned']\n"), "CF004", "1:10"),
    "python-name-tag": (_text("id: !!python/name:os.system\n"), "CF004", "1:5"),
    "duplicate-keys": (_text("answers:\n  a: 1\n  a: 2\n"), "CF002", "3:3"),
    "deep-nesting": (_text("x: " + "[" * 100_000 + "]" * 100_000 + "\n"), "CF005", "1:67"),
    "deep-block-nesting": (_text("".join(f"{' ' * i}k{i}:\n" for i in range(200)) + " " * 200 + "v\n"), "CF005", None),
    "50-mb": (_big, "CF005", "1:1"),
    "binary-junk": (_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 16), "CF006", "1:8"),
    "invalid-utf-8": (_bytes(b"id: caf\xe9\xff\n"), "CF006", "1:8"),
    "directory": (lambda path: path.mkdir(), "CF006", "1:1"),
    "empty": (_text(""), "CF001", "1:1"),
    "unclosed-quote": (_text('answers:\n  a: "never closed\n'), "CF001", None),
}


def make(tmp_path: Path, name: str) -> Path:
    maker = HOSTILE[name][0]
    path = tmp_path / f"{name}.yaml"
    maker(path)
    return path


def assert_clear_error(result_code: int, stderr: str, path: Path, code: str, where: str | None) -> None:
    assert result_code == 3, stderr
    assert "Traceback" not in stderr
    first = stderr.splitlines()[0]
    assert first.startswith(f"{path}:"), first
    assert f" {code} error: " in first, first
    if where is not None:
        assert first.startswith(f"{path}:{where}: "), first
    assert "pwned" not in stderr or code == "CF004"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_flow_file(tmp_path: Path, name: str) -> None:
    path = make(tmp_path, name)
    _, code, where = HOSTILE[name]
    result = cli("run", path, "--agent", "Dana", "--sessions-dir", tmp_path / "s")
    assert_clear_error(result.returncode, result.stderr, path, code, where)
    scripted = cli("run", path, "--answers", PAYG)
    assert_clear_error(scripted.returncode, scripted.stderr, path, code, where)
    assert not (tmp_path / "s").exists()  # no session was started


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_answers_file(tmp_path: Path, name: str) -> None:
    path = make(tmp_path, name)
    _, code, where = HOSTILE[name]
    result = cli("run", D2, "--answers", path, "--save", "--sessions-dir", tmp_path / "s")
    assert_clear_error(result.returncode, result.stderr, path, code, where)
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("name", ["alias-bomb", "50-mb", "directory"])
def test_the_installed_command_in_its_own_process(tmp_path: Path, name: str) -> None:
    path = make(tmp_path, name)
    _, code, where = HOSTILE[name]
    as_flow = cli_process("run", path, "--answers", PAYG, timeout=30)
    assert_clear_error(as_flow.returncode, as_flow.stderr, path, code, where)
    as_answers = cli_process("run", D2, "--answers", path, timeout=30)
    assert_clear_error(as_answers.returncode, as_answers.stderr, path, code, where)


def test_an_endless_device_as_answers_is_refused_without_reading_it(tmp_path: Path) -> None:
    # A device is not a file (issue 12): it is not read at all, not even up to the cap.
    result = cli("run", D2, "--answers", "/dev/zero")
    assert result.returncode == 3
    assert result.stderr.startswith("/dev/zero:1:1: CF006 error: is a device, not a file")


def test_a_missing_file(tmp_path: Path) -> None:
    result = cli("run", tmp_path / "nope.yaml", "--answers", PAYG)
    assert result.returncode == 3
    assert result.stderr.strip() == f"{tmp_path / 'nope.yaml'}:1:1: CF006 error: file not found"


@pytest.mark.parametrize("name", ["alias-bomb", "directory"])
def test_a_hostile_flow_in_a_real_terminal(tmp_path: Path, name: str) -> None:
    path = make(tmp_path, name)
    _, code, _ = HOSTILE[name]
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", CALLFLOW_SESSIONS_DIR=str(tmp_path / "s"))
    child = pexpect.spawn(str(CALLFLOW), ["run", str(path), "--agent", "Dana"], env=env, encoding="utf-8", timeout=20)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: {code} error: ", child.before or "")
    assert "Traceback" not in (child.before or "")


# -- placeholders reach the flow's own values and nothing else -------------------------

PLACEHOLDER_FLOW = """\
callflow: 1
id: p
title: Placeholders
start: A
constants: {company: Acme}
catalog:
  "100": {{name: SERVICE, price: 5.00}}
fields:
  name: {{prompt: Name}}
nodes:
  A:
    steps:
      - ask: name
      - say: "{words}"
    end: done
"""


@pytest.mark.parametrize(
    ("words", "col"),
    [("{name:>999999999}", 9), ("{name[0]}", 9), ("{0}", 9), ("{name!r}", 9), ("{}", 9), ("{name.__class__()}", 9)],
)
def test_format_tricks_in_placeholders_are_refused_where_they_stand(tmp_path: Path, words: str, col: int) -> None:
    flow = write(tmp_path / "flow.yaml", PLACEHOLDER_FLOW.replace("{{", "{").replace("}}", "}").replace("{words}", words))
    result = cli("run", flow, "--answers", write(tmp_path / "a.yaml", "answers: {name: Robin}\n"))
    assert result.returncode == 3, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{flow}:14:{col}: CF010 error: "), first  # at the step's key
    assert "is not a placeholder" in first


@pytest.mark.parametrize(
    "words",
    ["{name.__class__}", "{name.__class__.__mro__}", "{catalog.100.__class__}", "{company.upper}", "{agent.__dict__}"],
)
def test_attribute_names_in_placeholders_reach_nothing(tmp_path: Path, words: str) -> None:
    flow = write(tmp_path / "flow.yaml", PLACEHOLDER_FLOW.replace("{{", "{").replace("}}", "}").replace("{words}", words))
    result = cli("run", flow, "--answers", write(tmp_path / "a.yaml", "answers: {name: Robin}\n"), "--agent", "Dana")
    # The command refuses the flow before a call starts: the name is not one the flow defines ...
    assert result.returncode == 3, result.stderr
    assert f"{flow}:14:15: CF201 error: placeholder {words}" in result.stderr
    # ... and were it walked anyway, the engine would show a blank, reaching nothing.
    from callflow.call.engine import Session
    from callflow.call.events import Said
    from callflow.flow.loadedflow import load_flow

    loaded = load_flow(str(flow))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    said = [e for e in session.answer("Robin") if isinstance(e, Said)]
    assert [e.text for e in said] == ["_____"]  # a visible blank: no Python object is reached
