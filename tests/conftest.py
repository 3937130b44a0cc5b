"""Shared fixtures: inline flows through callflow's own loader, and the D-2 flow."""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

# The checkout under test is this one, whichever virtualenv runs the tests (a
# worktree run with the main checkout's venv would import the main sources);
# the subprocesses the tests start (python -m callflow, the callflow script)
# inherit the same path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [sys.path[0], os.environ.get("PYTHONPATH", "")]))

# The flow cache of the test run is its own, never the user's ~/.cache; the
# subprocesses the tests start inherit it.
os.environ["CALLFLOW_CACHE_DIR"] = tempfile.mkdtemp(prefix="callflow-test-cache-")

from callflow.flow.loadedflow import LoadedFlow, load_flow
from callflow.flow.loader import validate_text
from callflow.flow.model import Flow

ROOT = Path(__file__).resolve().parents[1]
D2_FLOW = ROOT / "flows" / "anything-computers-intake.yaml"


@pytest.fixture()
def make_flow() -> Callable[[str], Flow]:
    """Validate a YAML string (dedented) as a flow, the way `load_flow` does."""

    def make(text: str) -> Flow:
        return validate_text(Flow, textwrap.dedent(text), "inline.yaml")

    return make


@pytest.fixture(scope="session")
def d2() -> LoadedFlow:
    """The D-2 intake flow, loaded once."""
    return load_flow(str(D2_FLOW))
