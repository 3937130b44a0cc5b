"""Everything the rules share about one flow, each part computed once on demand.

Rules ask the context for the graph, the names, where every placeholder and
condition stands, and the path analyses; they report through it, so every
diagnostic points at a key, a value, or a word inside a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.expressions import Expr
from callflow.flow.expressions import parse_expression as parse_condition
from callflow.flow.exprtypes import Checker, settle_computed_types
from callflow.flow.graph import FlowGraph
from callflow.flow.loader import LoadedFlow
from callflow.flow.model import IfRoute
from callflow.flow.names import Symbols
from callflow.flow.templates import Placeholder, placeholders
from callflow.lint.rule import Rule
from callflow.lint.sites import ConditionSite, TemplateSite, step_texts
from callflow.lint.source import Source

if TYPE_CHECKING:
    from callflow.lint.dataflow import PathAnalysis


class LintContext:
    """One loaded flow and what the rules compute from it."""

    def __init__(self, loaded: LoadedFlow) -> None:
        self.loaded = loaded
        self.flow = loaded.flow
        self.path = loaded.path
        self.source = Source(loaded.text, loaded.positions)

    # -- reporting -------------------------------------------------------------

    def report(self, rule: Rule, loc: Sequence[Any], message: str, *, at_key: bool = True) -> Diagnostic:
        line, col = self.source.position(loc, at_key=at_key)
        return Diagnostic(self.path, line, col, rule.code, rule.severity, message)

    def report_in(
        self, rule: Rule, loc: Sequence[Any], value: str, offset: int, length: int, message: str
    ) -> Diagnostic:
        """A diagnostic at a word inside the scalar at `loc`."""
        line, col = self.source.within(loc, value, offset, length)
        return Diagnostic(self.path, line, col, rule.code, rule.severity, message)

    def report_placeholder(self, rule: Rule, site: TemplateSite, placeholder: Placeholder, message: str) -> Diagnostic:
        end = site.text.find("}", placeholder.offset)
        length = (end + 1 if end >= 0 else len(site.text)) - placeholder.offset
        return self.report_in(rule, site.loc, site.text, placeholder.offset, length, message)

    # -- what the rules share ------------------------------------------------------

    @cached_property
    def symbols(self) -> Symbols:
        return Symbols(self.flow)

    @cached_property
    def checker(self) -> Checker:
        """The type checker of the flow's expressions, computed values typed."""
        settle_computed_types(self.symbols)
        return Checker(self.symbols, set(self.flow.nodes))

    @cached_property
    def graph(self) -> FlowGraph:
        return FlowGraph.build(self.flow)

    @cached_property
    def order(self) -> list[str]:
        """Reachable nodes in reverse postorder (the start first)."""
        return self.graph.reverse_postorder()

    @cached_property
    def reachable(self) -> set[str]:
        return set(self.order)

    @cached_property
    def templates(self) -> list[TemplateSite]:
        sites: list[TemplateSite] = []
        for node_id, node in self.flow.nodes.items():
            for i, step in enumerate(node.steps):
                for kind, loc, text in step_texts(node_id, i, step):
                    found = tuple(placeholders(text)) if "{" in text else ()
                    sites.append(TemplateSite(node_id, i, kind, loc, text, found))
        return sites

    @cached_property
    def condition_sites(self) -> list[ConditionSite]:
        sites: list[ConditionSite] = []
        for node_id, node in self.flow.nodes.items():
            for i, step in enumerate(node.steps):
                if step.when is not None:
                    loc = ("nodes", node_id, "steps", i, "when")
                    sites.append(ConditionSite(node_id, "when", i, loc, step.when, self.condition(step.when)))
            for i, route in enumerate(node.routes or ()):
                if isinstance(route, IfRoute):
                    loc = ("nodes", node_id, "routes", i, "if")
                    sites.append(ConditionSite(node_id, "route", i, loc, route.if_, self.condition(route.if_)))
        return sites

    @cached_property
    def parsed(self) -> dict[str, Expr]:
        """Every condition of the flow by its text."""
        return {site.text: site.expr for site in self.condition_sites}

    def condition(self, text: str) -> Expr:
        return parse_condition(text)

    @cached_property
    def paths(self) -> PathAnalysis:
        from callflow.lint.dataflow import PathAnalysis

        return PathAnalysis(self.flow, self.graph, self.symbols, self.parsed, self.templates, self.order)
