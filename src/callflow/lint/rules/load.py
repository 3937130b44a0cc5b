"""Load rules (CF0xx): problems found while reading a file, before any other
rule can look at it. They come from callflow.flow.yamlsource and callflow.flow.loader;
they are listed here so that every code has one place and one document."""

from __future__ import annotations

from callflow.flow.loadedflow import LIBRARY_PROBLEM
from callflow.flow.loader import INVALID_VALUE, MISSING_KEY, UNKNOWN_KEY
from callflow.flow.yamlsource import ALIAS, DUPLICATE_KEY, SYNTAX, TAG, TOO_LARGE, UNREADABLE
from callflow.lint.rule import ERROR, Rule

RULES = (
    Rule(SYNTAX, "yaml-syntax", ERROR, "the file is not valid YAML (or is empty, or holds several documents)"),
    Rule(DUPLICATE_KEY, "duplicate-key", ERROR, "a key written twice in one mapping"),
    Rule(ALIAS, "anchor-alias-merge", ERROR, "an anchor, alias or merge key (write values out)"),
    Rule(TAG, "unsupported-tag", ERROR, "a YAML tag such as `!!python/object`"),
    Rule(TOO_LARGE, "too-large", ERROR, "a file over 20 MiB, over 2,000,000 values or nested over 64 levels"),
    Rule(UNREADABLE, "unreadable", ERROR, "a path that cannot be read, or a file that is not UTF-8 text"),
    Rule(INVALID_VALUE, "invalid-value", ERROR, "a value of the wrong type or form for its key"),
    Rule(MISSING_KEY, "missing-key", ERROR, "a required key is missing"),
    Rule(UNKNOWN_KEY, "unknown-key", ERROR, "a key the flow format does not have"),
    Rule(LIBRARY_PROBLEM, "library", ERROR, "a library in `uses:` that cannot be found, read or loaded"),
)
