"""The call: a pure state machine over a flow, and the loop that drives it.

The engine (start, answer, back), the events it emits, typed answer values,
the end-of-call summary, the one driver loop every front end plugs into, the
scripted front end and its answers files, card masking of typed text, answers
made up for a question (random walks, stand-ins for secrets not journalled),
and a flow made ready for a call (loaded and linted).

May import `flow` and `lint`. Never a terminal library (questionary,
prompt_toolkit, rich, typer), never `record`, `testing`, `terminal` or
`commands`.
"""
