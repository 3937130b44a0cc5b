"""The trainer's and tester's tools: scenarios and what checks them.

Scenario files and their expectations, `callflow test` runs and their
reports, coverage of nodes, edges and ends, the routes through a flow and the
answers that take each, seeded random walks, the invariants every call keeps,
and skeleton scenarios for a trainer to finish.

May import `flow`, `lint`, `call` and `record`. Never a terminal library,
never `terminal` or `commands`.
"""
