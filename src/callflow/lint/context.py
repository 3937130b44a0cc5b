"""Everything the rules share about one flow, each part computed once on demand.

Rules ask the context for the graph, the names, where every placeholder and
condition stands, and the path analyses; they report through it, so every
diagnostic points at a key, a value, or a word inside a value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.expressions import Expr
from callflow.flow.expressions import parse_expression as parse_condition
from callflow.flow.exprtypes import Checker, settle_computed_types
from callflow.flow.graph import FlowGraph
from callflow.flow.loadedflow import LoadedFlow
from callflow.flow.model import IfRoute
from callflow.flow.names import Symbols
from callflow.flow.procedures import shown
from callflow.flow.templates import Placeholder, placeholders
from callflow.lint.rule import Rule
from callflow.lint.sites import ConditionSite, TemplateSite, step_texts
from callflow.lint.source import Source

if TYPE_CHECKING:
    from callflow.lint.dataflow import PathAnalysis


_QUOTED_ID = re.compile(r"'([^'\s]*[/#][^'\s]*)'")


class LintContext:
    """One loaded flow and what the rules compute from it."""

    def __init__(self, loaded: LoadedFlow) -> None:
        self.loaded = loaded
        self.flow = loaded.flow  # flat: procedures called are expanded (callflow.flow.procedures)
        self.written = loaded.written  # as the author wrote it
        self.path = loaded.path
        self.source = Source(loaded.text, loaded.positions)
        self._sources: dict[str, Source] = {loaded.path: self.source}

    # -- reporting -------------------------------------------------------------
    # A key path of the flat flow is reported where it was written: in this
    # file, in a procedure of it, or in a library file; node ids read as the
    # author wrote them (`payment/P-1`, not the copy made for one caller).

    def _source_for(self, path: str) -> Source:
        found = self._sources.get(path)
        if found is None:
            text, positions = self.loaded.source_of(path)
            found = self._sources[path] = Source(text, positions)
        return found

    def shown(self, node_id: str) -> str:
        """A node id as the author wrote it."""
        return shown(node_id) if node_id in self.loaded.origins else node_id

    def _words(self, message: str) -> str:
        if not self.loaded.origins:
            return message
        return _QUOTED_ID.sub(lambda m: f"'{self.shown(m[1])}'" if m[1] in self.flow.nodes else m[0], message)

    def report(self, rule: Rule, loc: Sequence[Any], message: str, *, at_key: bool = True) -> Diagnostic:
        path, written = self.loaded.written_at(loc)
        line, col = self._source_for(path).position(written, at_key=at_key)
        return Diagnostic(path, line, col, rule.code, rule.severity, self._words(message))

    def report_written(
        self, rule: Rule, path: str | None, loc: Sequence[Any], message: str, *, at_key: bool = True
    ) -> Diagnostic:
        """A diagnostic at a key path of a file as written (None: this flow's file)."""
        where = path or self.path
        line, col = self._source_for(where).position(loc, at_key=at_key)
        return Diagnostic(where, line, col, rule.code, rule.severity, message)

    def report_in(
        self, rule: Rule, loc: Sequence[Any], value: str, offset: int, length: int, message: str
    ) -> Diagnostic:
        """A diagnostic at a word inside the scalar at `loc`."""
        path, written = self.loaded.written_at(loc)
        line, col = self._source_for(path).within(written, value, offset, length)
        return Diagnostic(path, line, col, rule.code, rule.severity, self._words(message))

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
