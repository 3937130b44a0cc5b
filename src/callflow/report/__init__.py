"""Reports across many calls, read from what calls leave behind.

Receipts (JSON) from the local sessions folder and the team's shared drive,
session journals (the time per node, back-presses, calls that stopped and
were never resumed) and quiz reports (rehearsals/) are read, never written:
what is remembered between runs (an index of the files already read) lives
in the user's cache folder. The layer turns them into one `Report` (calls,
money, time, paths, training) and renders it as 80-column text, JSON, CSV
and a self-contained HTML page; it also gives lint the usage warnings
(CF401-CF403) of a flow from real calls.

May import `flow`, `lint`, `call`, `record` and `testing` (edges as coverage
counts them). Never a terminal library, never `terminal` or `commands`.
"""
