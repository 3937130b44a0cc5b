"""What real calls say about a flow (CF401-CF403): warnings that
`callflow lint FLOW --usage FOLDER` adds from the receipts and journals of
that folder. Only the rules live here; callflow.report.usage finds them,
since they come from records, not from the flow alone."""

from __future__ import annotations

from callflow.lint.rule import WARNING, Rule

NODE_NEVER_REACHED = Rule("CF401", "node-never-reached", WARNING, "no real call in the period reached the node")
EDGE_NEVER_TAKEN = Rule("CF402", "edge-never-taken", WARNING, "no real call in the period took the edge")
OVER_EXPECTED_TIME = Rule(
    "CF403", "over-expected-time", WARNING, "real calls spend longer at the node than its `expected_time` (the median)"
)

RULES = (NODE_NEVER_REACHED, EDGE_NEVER_TAKEN, OVER_EXPECTED_TIME)
