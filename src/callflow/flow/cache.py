"""A cache of validated flows, so a call starts without re-validating an unchanged file.

Validating a flow needs pydantic, whose import alone costs more than the rest
of callflow's start-up. A flow that validated once is stored, keyed by its
exact text (see callflow.flow.cachefiles for where, how it is invalidated and how
to turn it off), and read back as the model's dataclasses: no YAML parsing,
no pydantic.

Entries are pickles of callflow's own dataclasses, which is why the cache
folder is private to the user and an entry anyone else could have written is
ignored. Any entry that cannot be read is treated as absent.
"""

from __future__ import annotations

import pickle

from callflow.flow.cachefiles import CacheFolder
from callflow.flow.model import Flow, Library

FLOWS = CacheFolder("", ".pickle", max_entries=200)


def load(text: str) -> Flow | Library | None:
    """The flow (or library) validated earlier from exactly this text, if cached."""
    content = FLOWS.read(text.encode("utf-8"))
    if content is None:
        return None
    try:
        flow = pickle.loads(content)
    except Exception:  # unpickling fails in many ways; a torn or stale entry is just a miss
        return None
    return flow if isinstance(flow, (Flow, Library)) else None


def store(text: str, flow: Flow | Library) -> None:
    """Remember a validated flow."""
    FLOWS.write(text.encode("utf-8"), pickle.dumps(flow, protocol=pickle.HIGHEST_PROTOCOL))
