"""Lookups over a flow built once at load, so each engine step costs O(1):
every question by id, where each is asked, every expression parsed once, and
the names with their types (shared with lint)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from callflow.flow.expressions import Expr, parse_expression
from callflow.flow.exprtree import Literal, visited_nodes, walk
from callflow.flow.fields import InputField
from callflow.flow.model import Choose, Flow
from callflow.flow.steps import AskStep, DoStep

if TYPE_CHECKING:
    from callflow.flow.exprtypes import Checker
    from callflow.flow.names import Symbols
    from callflow.flow.types import Type


@dataclass(frozen=True)
class Confirmation:
    """A checklist item the director ticks done, or not done with a reason."""

    id: str
    prompt: str  # the item's words (a template)
    type: str = "check"
    required: bool = True
    secret: bool = False
    help: str | None = None


Question = InputField | Choose | Confirmation

# A route may count visits up to any number; past this many rounds of a loop
# that asks nothing, or this many nodes passed in all, the engine stops the
# call rather than spin (each pass is kept for back, so it costs memory too).
MAX_VISIT_ROUNDS = 10_000
MAX_HOPS = 250_000


@dataclass(frozen=True)
class FieldPlace:
    """Where a question is asked: its node and its index in the node's steps
    (the node's step count for a `choose`)."""

    node_id: str
    step_index: int


@dataclass
class FlowIndex:
    """Every question by id (fields, the nodes' `choose` questions and
    checklist confirmations), and the places each is asked. A `choose` whose
    id is taken keeps the first definition; lint reports the clash."""

    flow: Flow | None = None
    questions: dict[str, Question] = field(default_factory=dict)
    places: dict[str, list[FieldPlace]] = field(default_factory=dict)
    _expressions: dict[str, Expr] = field(default_factory=dict, repr=False)
    _symbols: Symbols | None = field(default=None, repr=False)
    _checker: Checker | None = field(default=None, repr=False)
    _types: dict[int, Type] = field(default_factory=dict, repr=False)
    _hop_budget: int | None = field(default=None, repr=False)

    @classmethod
    def build(cls, flow: Flow) -> FlowIndex:
        index = cls(flow=flow, questions=dict(flow.fields))
        for node_id, node in flow.nodes.items():
            for i, step in enumerate(node.steps):
                if isinstance(step, AskStep):
                    index.places.setdefault(step.ask, []).append(FieldPlace(node_id, i))
                elif isinstance(step, DoStep) and step.confirm is not None:
                    index.questions.setdefault(step.confirm, Confirmation(step.confirm, step.do))
                    index.places.setdefault(step.confirm, []).append(FieldPlace(node_id, i))
            if node.choose is not None:
                index.questions.setdefault(node.choose.id, node.choose)
                index.places.setdefault(node.choose.id, []).append(FieldPlace(node_id, len(node.steps)))
        return index

    def hops_without_asking(self) -> int:
        """How many nodes a call may pass without a question before the
        engine calls it a loop without end. A loop that asks nothing may
        still go round as often as an `at_most:` or a `visits()` comparison
        in a route lets it, so each node may be passed that many times."""
        if self._hop_budget is None:
            assert self.flow is not None
            rounds = 1
            for node in self.flow.nodes.values():
                if node.at_most is not None:
                    rounds = max(rounds, node.at_most.times + 1)
                for route in node.routes or ():
                    condition = getattr(route, "if_", None)
                    if isinstance(condition, str):
                        rounds = max(rounds, self._visit_rounds(condition))
            nodes = len(self.flow.nodes)
            self._hop_budget = min(nodes * rounds, max(MAX_HOPS, 2 * nodes))
        return self._hop_budget

    def _visit_rounds(self, condition: str) -> int:
        try:
            expr = self.expr(condition)
        except ValueError:
            return 1  # lint reports it; the engine refuses it where it is read
        if next(visited_nodes(expr), None) is None:
            return 1
        numbers = [n.value for n in walk(expr) if isinstance(n, Literal) and isinstance(n.value, Decimal)]
        return int(min(max(numbers, default=Decimal(0)), Decimal(MAX_VISIT_ROUNDS))) + 2

    def expr(self, text: str) -> Expr:
        """The parsed tree of an expression of this flow (parsed once)."""
        found = self._expressions.get(text)
        if found is None:
            found = self._expressions[text] = parse_expression(text)
        return found

    @property
    def symbols(self) -> Symbols:
        """The flow's names, computed values typed."""
        if self._symbols is None:
            from callflow.flow.exprtypes import settle_computed_types
            from callflow.flow.names import Symbols

            assert self.flow is not None
            self._symbols = Symbols(self.flow)
            settle_computed_types(self._symbols)
        return self._symbols

    def type_of(self, expr: Expr) -> Type:
        """The static type of an expression of this flow (remembered)."""
        key = id(expr)
        found = self._types.get(key)
        if found is None:
            if self._checker is None:
                from callflow.flow.exprtypes import Checker

                self._checker = Checker(self.symbols)
            found = self._types[key] = self._checker.infer(expr).type
        return found
