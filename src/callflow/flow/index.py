"""Lookups over a flow built once at load, so each engine step costs O(1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from callflow.flow.model import Choose, Flow, InputField
from callflow.flow.steps import AskStep

Question = InputField | Choose


@dataclass(frozen=True)
class FieldPlace:
    """Where a question is asked: its node and its index in the node's steps
    (the node's step count for a `choose`)."""

    node_id: str
    step_index: int


@dataclass
class FlowIndex:
    """Every question by id (fields and the nodes' `choose` questions), and
    the places each is asked. A `choose` whose id is taken keeps the first
    definition; lint reports the clash."""

    questions: dict[str, Question] = field(default_factory=dict)
    places: dict[str, list[FieldPlace]] = field(default_factory=dict)

    @classmethod
    def build(cls, flow: Flow) -> FlowIndex:
        index = cls(questions=dict(flow.fields))
        for node_id, node in flow.nodes.items():
            for i, step in enumerate(node.steps):
                if isinstance(step, AskStep):
                    index.places.setdefault(step.ask, []).append(FieldPlace(node_id, i))
            if node.choose is not None:
                index.questions.setdefault(node.choose.id, node.choose)
                index.places.setdefault(node.choose.id, []).append(FieldPlace(node_id, len(node.steps)))
        return index
