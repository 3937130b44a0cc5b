"""The editor's view of flow files: what the language server (`callflow lsp`)
answers, as plain values.

A flow file's text is read into an outline (every key and value with where it
stands, even when the flow is not valid yet), its names (nodes, fields, items,
constants, procedures, ticket fields) defined and referred to, across the
files a flow `uses:`; completion, hover, references, rename and quick fixes
are computed from them, and diagnostics come from the real lint. Only
`editor.server` imports pygls; everything else is pure and may import flow/,
lint/ and the layers below the terminal, never the terminal or commands.
"""
