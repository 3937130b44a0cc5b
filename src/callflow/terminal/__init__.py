"""The terminal front end: what a director or a trainee sees and types.

The live prompter (questionary and prompt_toolkit), the screens of a call and
its summary (rich), the session list and recap, rehearsal and quiz front ends
and their reports, and waiting for a key.

The only layer that imports questionary, prompt_toolkit and rich. May import
every layer below it (`flow`, `lint`, `call`, `record`, `testing`); never
`commands`.
"""
