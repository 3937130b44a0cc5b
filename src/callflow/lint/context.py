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
from callflow.flow.model import ElseRoute, IfRoute
from callflow.flow.names import Symbols
from callflow.flow.procedures import shown
from callflow.flow.steps import CallStep
from callflow.flow.templates import Placeholder, placeholders
from callflow.flow.types import Type
from callflow.lint.rule import Rule
from callflow.lint.sites import ConditionSite, ExpressionSite, TemplateSite, step_expressions, step_texts
from callflow.lint.source import Source

if TYPE_CHECKING:
    from callflow.lint.analysis import PathAnalysis


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
        self._types: dict[int, tuple[Expr, Type]] = {}
        self.computed_sites: dict[str, list[tuple[str, int, str, Type]]] = {}

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
        self.computed_sites = settle_computed_types(self.symbols)
        return Checker(self.symbols)

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
            call = self._call_condition(node_id)
            for i, route in enumerate(node.routes or ()):
                if call is not None and isinstance(route, IfRoute):
                    sites.append(ConditionSite(node_id, "call", 0, call, route.if_, self.condition(route.if_)))
                    break
                if isinstance(route, IfRoute):
                    loc = ("nodes", node_id, "routes", i, "if")
                    sites.append(ConditionSite(node_id, "route", i, loc, route.if_, self.condition(route.if_)))
        return sites

    def _call_condition(self, node_id: str) -> tuple[Any, ...] | None:
        """Where a call's `when:` is written, for the routes its expansion made (None: routes as written)."""
        origin = self.loaded.origins.get(node_id)
        routes = self.flow.nodes[node_id].routes
        if origin is None or routes is None or len(routes) != 2 or not isinstance(routes[0], IfRoute):
            return None
        last = node_id.rsplit("/", 1)[-1]
        base = node_id[: node_id.rindex("#")] if "#" in last else node_id
        other = routes[1]
        if not (isinstance(other, ElseRoute) and other.else_.startswith(f"{base}#")):
            return None
        prefix = origin.prefix
        if prefix[0] == "nodes":
            written = self.written.nodes.get(str(prefix[1]))
        else:
            source = self.loaded.procedures.get(str(prefix[1]))
            written = source.procedure.nodes.get(str(prefix[3])) if source is not None else None
        if written is None:
            return None
        for k in range(origin.step_offset, len(written.steps)):
            step = written.steps[k]
            if isinstance(step, CallStep) and step.when == routes[0].if_:
                return ("nodes", node_id, "steps", k - origin.step_offset, "when")
        return None

    @cached_property
    def expression_sites(self) -> list[ExpressionSite]:
        """Every expression of a step: computed values, quantities, prices, amounts, durations, due dates."""
        sites: list[ExpressionSite] = []
        for node_id, node in self.flow.nodes.items():
            for i, step in enumerate(node.steps):
                for role, expects, loc, text, name in step_expressions(node_id, i, step):
                    sites.append(ExpressionSite(node_id, i, role, expects, loc, text, name))
        return sites

    def condition(self, text: str) -> Expr:
        return parse_condition(text)

    def expr(self, text: str) -> Expr:
        """The parsed tree of one of the flow's expressions (parsed once per text)."""
        return parse_condition(text)

    def type_of(self, expr: Expr) -> Type:
        found = self._types.get(id(expr))
        if found is None or found[0] is not expr:
            found = self._types[id(expr)] = (expr, self.checker.infer(expr).type)
        return found[1]

    def is_money(self, expr: Expr) -> bool:
        """Whether `round()` of this rounds to cents (as the engine decides)."""
        return self.type_of(expr).kind == "money"

    @cached_property
    def paths(self) -> PathAnalysis:
        from callflow.lint.analysis import PathAnalysis

        self.checker  # noqa: B018 - computed values get their types first
        return PathAnalysis(self)
