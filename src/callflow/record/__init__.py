"""What a call leaves behind: the journal, the sessions folder and the receipts.

The journal appended and flushed before every prompt, the sessions a folder
holds, replaying a journal through the engine (resume, export), the JSON and
Markdown receipts, the recorder that ties a live call to them, stopping
cleanly on signals, and careful disk writes.

May import `flow`, `lint` and `call`. Never a terminal library, never
`testing`, `terminal` or `commands`.
"""
