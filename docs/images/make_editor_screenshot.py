"""Remake docs/images/editor-neovim.png: Neovim in tmux editing a flow with
`callflow lsp` attached, showing its diagnostics and a completion of node ids.

    python docs/images/make_editor_screenshot.py      # needs nvim, tmux, chromium

The copy of docs/examples/password-reset.yaml it edits gets two mistakes (a
`goto:` to a node that does not exist, a misspelt placeholder); the cursor
then types `P` after an `else:` and asks for completion (Ctrl-X Ctrl-O).
The pane is captured with its colours (`tmux capture-pane -e`), drawn as SVG
by rich, and photographed by headless Chromium.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.text import Text

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "images" / "editor-neovim.png"
WIDTH, HEIGHT = 118, 36
INIT = """\
vim.o.swapfile = false
vim.o.completeopt = "menuone,noinsert"
vim.o.signcolumn = "yes"
vim.o.number = true
vim.api.nvim_create_autocmd("FileType", {
  pattern = "yaml",
  callback = function(args)
    local id = vim.lsp.start_client({ name = "callflow", cmd = { "callflow", "lsp" }, root_dir = vim.fn.getcwd() })
    vim.lsp.buf_attach_client(args.buf, id)
    vim.bo[args.buf].omnifunc = "v:lua.vim.lsp.omnifunc"
  end,
})
vim.diagnostic.config({ virtual_text = true, signs = true, underline = true, update_in_insert = true })
"""


def keys(session: str, *typed: str, wait: float = 1.5) -> None:
    subprocess.run(["tmux", "send-keys", "-t", session, *typed], check=True)
    time.sleep(wait)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="callflow-shot-"))
    (work / "flows").mkdir()
    (work / "init.lua").write_text(INIT, encoding="utf-8")
    lines = (ROOT / "docs/examples/password-reset.yaml").read_text(encoding="utf-8").splitlines()
    lines[76] = lines[76].replace("goto: PR-4", "goto: PR-5")
    lines[88] = lines[88].replace("{employee_id}: {request_type}", "{employe_id}: {request_type}")
    (work / "flows/password-reset.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    session = f"callflow-shot-{work.name[-6:]}"
    bin_dir = Path(sys.executable).parent
    command = f"cd {work} && PATH={bin_dir}:$PATH TERM=xterm-256color nvim -u init.lua flows/password-reset.yaml"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT), command], check=True
    )
    try:
        time.sleep(3)  # the server starts and publishes the first diagnostics
        keys(session, ":62", "Enter", "zt")
        keys(session, "64G0f:lC P")
        keys(session, "C-x", "C-o", wait=2)
        pane = subprocess.run(
            ["tmux", "capture-pane", "-t", session, "-p", "-e"], capture_output=True, text=True, check=True
        )
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="256", file=io.StringIO())
    for line in pane.stdout.rstrip("\n").split("\n"):
        console.print(Text.from_ansi(line), no_wrap=True, overflow="crop")
    svg = work / "shot.svg"
    svg.write_text(console.export_svg(title="nvim flows/password-reset.yaml — callflow lsp"), encoding="utf-8")
    match = re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg.read_text(encoding="utf-8"))
    assert match
    size = f"{int(float(match.group(1))) + 1},{int(float(match.group(2))) + 1}"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={size}",
            f"--screenshot={OUT}",
            svg.as_uri(),
        ],
        check=True,
        capture_output=True,
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
