"""One module per command: its typer signature (cheap to import) and its work
(heavy imports inside the function)."""
