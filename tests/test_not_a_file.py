"""A FIFO, a socket or a device is refused without being opened for reading:
no reader waits for ever (issue 12, item 2)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from callflow.flow.filetext import read_bytes
from callflow.flow.yamlsource import YamlError

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"


def callflow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callflow", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture()
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "flow.yaml"
    os.mkfifo(path)
    return path


def test_read_bytes_refuses_a_fifo_a_socket_and_a_device(fifo: Path, tmp_path: Path) -> None:
    sock_path = tmp_path / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for path, kind in ((fifo, "a FIFO (named pipe)"), (sock_path, "a socket"), (Path("/dev/null"), "a device")):
            with pytest.raises(YamlError) as caught:
                read_bytes(str(path))
            [problem] = caught.value.diagnostics
            assert (problem.code, problem.message) == ("CF006", f"is {kind}, not a file: callflow reads only regular files")
    finally:
        server.close()


@pytest.mark.parametrize(
    "command",
    [
        ("lint", "{fifo}"),
        ("lint", "{folder}"),
        ("run", "{fifo}"),
        ("run", "{d2}", "--answers", "{fifo}"),
        ("graph", "{fifo}"),
        ("test", "{fifo}"),
    ],
)
def test_every_command_refuses_a_fifo_with_exit_3_and_no_wait(fifo: Path, command: tuple[str, ...]) -> None:
    args = [a.format(fifo=fifo, folder=fifo.parent, d2=D2) for a in command]
    result = callflow(*args, cwd=fifo.parent)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "is a FIFO (named pipe), not a file" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
