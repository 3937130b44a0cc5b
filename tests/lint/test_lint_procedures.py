"""The path and expression rules see through calls: a problem found in a
procedure's copy is reported once, in the file and at the place it was
written, with the node named as the author wrote it; a call's `when:` that
never holds is reported at the call."""

from __future__ import annotations

import textwrap
from pathlib import Path

from callflow.lint import lint_paths

FLOW = """\
callflow: 1
id: shop
title: Shop
start: A
uses: [common/fees.yaml]
catalog:
  "310": {name: SESSION, price: 35.00}
fields:
  people: {type: number, prompt: How many people share?}
  member: {type: yesno, prompt: Member?}
nodes:
  A:
    steps:
      - ask: member
      - item: "310"
      - ask: people
      - call: share
      - call: share
        when: member and not member
    next: B
  B:
    steps:
      - call: retry
    end: done
"""

FEES = """\
callflow: 1
library: fees
fields:
  discount: {type: money, prompt: Discount, min: -10}
  worked: {type: yesno, prompt: Did it work?}
procedures:
  share:
    start: S-1
    nodes:
      S-1:
        steps:
          - set: {each: total / people}
          - say: "That is {each} each."
          - ask: discount
          - credit: {label: Discount, amount: discount}
        return: true
  retry:
    start: R-1
    nodes:
      R-1:
        steps:
          - ask: worked
        routes:
          - if: people > 3
            goto: R-2
          - else: R-1
      R-2:
        return: true
"""


def write(tmp_path: Path) -> Path:
    for name, text in (("shop.yaml", FLOW), ("common/fees.yaml", FEES)):
        path = tmp_path / "flows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path / "flows" / "shop.yaml"


def test_problems_in_a_library_procedure_are_reported_once_where_they_are_written(tmp_path: Path) -> None:
    found = lint_paths([str(write(tmp_path))]).diagnostics
    where = [(Path(d.path).name, d.line, d.col, d.code) for d in found]
    assert where == [
        ("fees.yaml", 12, 31, "CF217"),  # total / people: people can be 0 (called twice, said once)
        ("fees.yaml", 15, 47, "CF304"),  # the discount's min is negative
        ("fees.yaml", 20, 7, "CF116"),  # the retry loop reads people, which it never changes
        ("shop.yaml", 19, 15, "CF211"),  # the second call's when never holds
    ]
    loop = next(d for d in found if d.code == "CF116")
    assert "the loop retry/R-1 is left only by routes" in loop.message  # named as written, not 'B/retry/R-1'
    assert "visits(" not in loop.message  # visits() counts the flow's own nodes
    never = next(d for d in found if d.code == "CF211")
    assert never.message.startswith("this condition never holds here, so the procedure is never called")


def test_the_library_alone_judges_what_does_not_depend_on_a_caller(tmp_path: Path) -> None:
    write(tmp_path)
    found = lint_paths([str(tmp_path / "flows" / "common" / "fees.yaml")]).diagnostics
    # Alone, the library does not know 'people' (the flow defines it); the credit and the loop are still judged.
    assert [(d.line, d.code) for d in found] == [(12, "CF201"), (15, "CF304"), (20, "CF116"), (24, "CF201")]
