"""The two flows `callflow diff` compares: files, a committed version (git
show REV:PATH, with the libraries it uses at that revision), or the files a
git diff driver is handed (a temporary copy named after the real path)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.flow.errors import CallflowError

if TYPE_CHECKING:
    from callflow.flow.loadedflow import LoadedFlow

NO_FILE = "/dev/null"  # what git passes for the side of an added or deleted file


@dataclass
class Side:
    """One flow of the comparison and how to name it."""

    label: str  # the path, or PATH@REV
    loaded: LoadedFlow | None  # None: no flow on this side (added or deleted)
    path: str  # where the flow lives (the scenarios are found next to it)


def load_text(text: str, path: str) -> LoadedFlow:
    """A flow or library text, as if it were the file at `path` (its `uses:`
    are read relative to it). Raises FlowLoadError."""
    from callflow.flow.loadedflow import flow_from_text, is_library_text, library_as_flow, library_from_text

    if is_library_text(text):
        return library_as_flow(library_from_text(text, path, cache=False), cache=False)
    return flow_from_text(text, path, cache=False)


def from_file(path: str, *, named: str | None = None) -> Side:
    """A flow file (or /dev/null); `named`: the real path when `path` is a copy."""
    from callflow.flow.loader import read_file

    real = named or path
    if path == NO_FILE:
        return Side(f"{real} (none)", None, real)
    text = read_file(path)
    return Side(real, load_text(text, real), real)


def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60)
    except FileNotFoundError:
        raise CallflowError("callflow diff --rev: git is not installed (install git, or compare two files)") from None


def from_revision(flow: str, rev: str) -> Side:
    """The flow as committed at `rev`, with its libraries at `rev`."""
    folder = os.path.dirname(os.path.abspath(flow))
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise CallflowError(f"{flow}: not in a git repository, so --rev {rev} has nothing to read: compare two files instead")
    root = top.stdout.strip()
    known = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    if known.returncode != 0:
        raise CallflowError(
            f"callflow diff --rev: git does not know the revision '{rev}' (try a commit, a tag or a branch: git log --oneline)"
        )
    relative = os.path.relpath(os.path.realpath(flow), os.path.realpath(root))
    shown = _git(["show", f"{rev}:{relative}"], root)
    label = f"{flow}@{rev}"
    if shown.returncode != 0:
        return Side(f"{label} (not in that revision)", None, flow)
    work = Path(tempfile.mkdtemp(prefix="callflow-diff-"))
    copy = work / relative
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(shown.stdout, encoding="utf-8")
    for used in _uses(shown.stdout, str(copy)):
        library = os.path.normpath(os.path.join(os.path.dirname(relative), used))
        found = _git(["show", f"{rev}:{library}"], root)
        if found.returncode == 0:
            target = work / library
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(found.stdout, encoding="utf-8")
    return Side(label, load_text(shown.stdout, str(copy)), flow)


def _uses(text: str, path: str) -> list[str]:
    from callflow.flow.yamlsource import YamlError, parse_yaml

    try:
        data = parse_yaml(text, path)
    except YamlError:
        return []
    uses = data.get("uses") if isinstance(data, dict) else None
    return [u for u in uses if isinstance(u, str)] if isinstance(uses, list) else []
