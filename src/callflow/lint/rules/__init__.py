"""Every lint rule, one module per family; each exports RULES and check(ctx).

`usage` (CF4xx) has no check here: its warnings come from real calls
(callflow.report.usage, `callflow lint --usage FOLDER`)."""

from __future__ import annotations

from callflow.lint.rule import Rule
from callflow.lint.rules import conditions, graph, load, loops, names, paths, procedures, unused, usage, words

FAMILIES = (graph, loops, procedures, names, conditions, words, paths, unused)

ALL_RULES: dict[str, Rule] = dict(
    sorted((rule.code, rule) for family in (load, *FAMILIES, usage) for rule in family.RULES)
)
