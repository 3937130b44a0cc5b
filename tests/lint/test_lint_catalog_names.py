"""Catalog names in placeholders and conditions: `catalog.<code>.price|name`,
where an item code may hold dots (310.1), resolve as the engine resolves them."""

from __future__ import annotations

from pathlib import Path

from callflow.lint import lint_paths

FLOW = """\
id: catalog
title: Catalog
start: A
catalog:
  "310": {{name: ONE-TIME REMOTE SESSION, price: 35.00}}
  "310.1": {{name: HALF SESSION, price: 17.50}}
fields:
  budget: {{type: money, prompt: Budget}}
nodes:
  A:
    steps:
      - ask: budget
      - say: "{say}"
      - item: "310"
      - item: "310.1"
    routes:
      - if: {condition}
        goto: B
      - else: B
  B: {{end: done}}
"""


def lint(tmp_path: Path, say: str, condition: str) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "catalog.yaml"
    path.write_text(FLOW.format(say=say, condition=condition), encoding="utf-8")
    return [(d.line, d.col, d.code, d.message) for d in lint_paths([str(path)]).diagnostics]


def test_codes_with_dots_resolve_in_placeholders_and_conditions(tmp_path: Path) -> None:
    say = "{catalog.310.1.name} is {catalog.310.1.price}; a whole one {catalog.310.price}."
    assert lint(tmp_path, say, "budget >= catalog.310.1.price and catalog.310.1.name != ''") == []


def test_a_known_item_with_an_unknown_part_names_the_parts_to_use(tmp_path: Path) -> None:
    assert lint(tmp_path, "{catalog.310.1.cost}", "budget > 0") == [
        (
            13,
            15,
            "CF201",
            "placeholder {catalog.310.1.cost}: 'catalog.310.1.cost' is not a catalog placeholder:"
            " use catalog.310.1.price or catalog.310.1.name",
        )
    ]
    assert lint(tmp_path, "{catalog.310}", "budget > 0")[0][3].endswith("use catalog.310.price or catalog.310.name")


def test_an_unknown_item_is_cf204_with_a_suggestion(tmp_path: Path) -> None:
    [(line, _col, code, message)] = lint(tmp_path, "Fine.", "budget > catalog.311.price")
    assert (line, code) == (17, "CF204")
    assert message.startswith("condition: catalog item '311' is not defined (did you mean '310")


def test_a_catalog_price_compared_with_text_is_a_type_mismatch(tmp_path: Path) -> None:
    [(line, _col, code, message)] = lint(tmp_path, "Fine.", "catalog.310.price == 'cheap'")
    assert (line, code) == (17, "CF210")
    assert "an amount" in message
