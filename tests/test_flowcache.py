"""The cache of validated flows: hits skip pydantic and YAML; nothing odd is trusted."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from callflow.flow import cache as flowcache
from callflow.flow import cachefiles
from callflow.flow.loadedflow import load_flow

ROOT = Path(__file__).resolve().parents[1]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cachefiles.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cachefiles.NO_CACHE_ENV, raising=False)
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.exists() else []


def test_a_cached_flow_is_read_back_without_pydantic_or_yaml(cache_dir: Path) -> None:
    first = load_flow(str(D2))
    assert len(entries(cache_dir)) == 1
    assert oct(cache_dir.stat().st_mode & 0o777) == "0o700"
    probe = (
        "import sys; from callflow.flow.loadedflow import load_flow; "
        f"f = load_flow({str(D2)!r}).flow; "
        "print(f.title, len(f.nodes), 'pydantic' in sys.modules, 'yaml' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, cachefiles.CACHE_DIR_ENV: str(cache_dir)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert out[-3:] == [str(len(first.flow.nodes)), "False", "False"]
    assert " ".join(out[:-3]) == first.flow.title


def test_a_changed_text_is_validated_again(cache_dir: Path, tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(D2.read_text(encoding="utf-8"), encoding="utf-8")
    load_flow(str(flow))
    flow.write_text(D2.read_text(encoding="utf-8").replace("title: Anything", "title: Changed"), encoding="utf-8")
    assert load_flow(str(flow)).flow.title.startswith("Changed")
    assert len(entries(cache_dir)) == 2


def test_an_entry_others_could_write_is_not_trusted(cache_dir: Path) -> None:
    real = load_flow(str(D2)).flow
    text = D2.read_text(encoding="utf-8")
    (entry,) = entries(cache_dir)
    # A doctored flow in the entry: read when the entry is private ...
    entry.write_bytes(pickle.dumps(dataclasses.replace(real, title="Doctored")))
    entry.chmod(0o600)
    doctored = flowcache.load(text)
    assert doctored is not None and doctored.title == "Doctored"
    # ... and ignored once others could have written it: the file is validated again.
    entry.chmod(0o666)
    assert flowcache.load(text) is None
    assert load_flow(str(D2)).flow.title == real.title


def test_a_torn_entry_is_a_miss_not_an_error(cache_dir: Path) -> None:
    load_flow(str(D2))
    (entry,) = entries(cache_dir)
    entry.write_bytes(entry.read_bytes()[:100])
    assert flowcache.load(D2.read_text(encoding="utf-8")) is None
    assert load_flow(str(D2)).flow.id == "anything-computers-intake"


def test_callflow_no_cache_writes_nothing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cachefiles.NO_CACHE_ENV, "1")
    load_flow(str(D2))
    assert not cache_dir.exists()


def test_the_fingerprint_covers_every_source_file_of_callflow() -> None:
    # A lint rule or the engine changing must invalidate remembered results,
    # wherever in the package it lives (the cache module sits in flow/).
    import callflow

    package = Path(callflow.__file__).resolve().parent
    expected = sorted(package.rglob("*.py"))
    assert cachefiles.source_files() == expected
    assert any(p.parent.name == "rules" for p in expected) and any(p.parent.name == "call" for p in expected)
