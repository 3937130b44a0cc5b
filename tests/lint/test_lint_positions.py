"""A placeholder's problem points at the placeholder itself, whatever the
YAML style of the text around it (plain, quoted with escapes, block, folded)."""

from __future__ import annotations

from pathlib import Path

from callflow.lint import lint_paths

FLOW = """\
id: t
title: T
start: A
constants:
  company: X
nodes:
  A:
    steps:
      - say: |-
          Hello from {company}.
          Your code is {codee} and {company}.
      - say: >-
          Folded words with {nope}
          over two lines {company}.
      - say: "Escaped \\" quote {bad}"
      - say: 'single '' quote {bad2}'
      - say: plain {bad3} text
      - do: Check the route
        when: company == 'X' and compnay == 'Y'
    end: done
"""


def test_problems_point_at_the_placeholder_or_name(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW, encoding="utf-8")
    lines = FLOW.splitlines()
    found = lint_paths([str(path)]).diagnostics
    pointed = [lines[d.line - 1][d.col - 1 :].split("}")[0].split(" ")[0] for d in found]
    assert [(d.code, d.line, d.col) for d in found] == [
        ("CF201", 11, 24),
        ("CF201", 13, 29),
        ("CF201", 15, 32),
        ("CF201", 16, 31),
        ("CF201", 17, 20),
        ("CF201", 19, 34),
    ]
    assert pointed == ["{codee", "{nope", "{bad", "{bad2", "{bad3", "compnay"]
