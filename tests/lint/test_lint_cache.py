"""Remembered lint results: the same bytes give the same diagnostics without
reading the file into models again; any change, or CALLFLOW_NO_CACHE, means
the file is checked afresh."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from callflow.flow import cachefiles
from callflow.lint import cache, lint_paths

BROKEN = "id: f\ntitle: F\nstart: A\nnodes:\n  A:\n    next: B\n"


@pytest.fixture()
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cachefiles.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cachefiles.NO_CACHE_ENV, raising=False)
    return folder


def test_same_bytes_elsewhere_give_the_remembered_diagnostics_at_the_new_path(
    cache_folder: Path, tmp_path: Path
) -> None:
    first = tmp_path / "a.yaml"
    first.write_text(BROKEN, encoding="utf-8")
    fresh = lint_paths([str(first)]).diagnostics
    assert [d.code for d in fresh] == ["CF102"]
    entries = list((cache_folder / "lint").glob("*.json"))
    assert len(entries) == 1
    second = tmp_path / "b.yaml"
    second.write_text(BROKEN, encoding="utf-8")
    remembered = cache.load(BROKEN.encode(), str(second))
    assert remembered == [dataclasses.replace(d, path=str(second)) for d in fresh]
    assert lint_paths([str(second)]).diagnostics == remembered


def test_a_changed_file_is_checked_again(cache_folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert [d.code for d in lint_paths([str(path)]).diagnostics] == ["CF102"]
    path.write_text(BROKEN + "  B:\n    end: done\n", encoding="utf-8")
    assert lint_paths([str(path)]).diagnostics == []


def test_an_odd_entry_is_a_miss_not_an_error(cache_folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    lint_paths([str(path)])
    (entry,) = (cache_folder / "lint").glob("*.json")
    entry.write_text("[[1, 2]]", encoding="utf-8")
    assert [d.code for d in lint_paths([str(path)]).diagnostics] == ["CF102"]


def test_caching_can_be_turned_off(cache_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cachefiles.NO_CACHE_ENV, "1")
    path = tmp_path / "a.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert [d.code for d in lint_paths([str(path)]).diagnostics] == ["CF102"]
    assert not (cache_folder / "lint").exists()


def test_a_lint_of_remembered_files_does_not_import_the_models(cache_folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    lint_paths([str(path)])
    script = (
        "import sys\n"
        "from callflow.lint import lint_paths\n"
        f"found = lint_paths([{str(path)!r}]).diagnostics\n"
        "assert [d.code for d in found] == ['CF102'], found\n"
        "heavy = [m for m in ('callflow.flow.model', 'callflow.flow.loader', 'callflow.lint.rules', 'yaml', 'pydantic') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, cachefiles.CACHE_DIR_ENV: str(cache_folder)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


USES = "id: f\ntitle: F\nstart: A\nuses: [lib.yaml]\nnodes:\n  A:\n    steps:\n      - call: greet\n    end: done\n"
LIBRARY = "library: lib\nprocedures:\n  greet:\n    start: G\n    nodes:\n      G:\n        steps:\n          - say: {words}\n        return: true\n"


def test_the_same_flow_in_another_folder_is_linted_with_the_libraries_there(cache_folder: Path, tmp_path: Path) -> None:
    # `uses:` is relative: the same bytes in another folder name other files.
    for folder, words in (("one", "'Hello {agnet}.'"), ("two", "Hello.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "flow.yaml").write_text(USES, encoding="utf-8")
        (tmp_path / folder / "lib.yaml").write_text(LIBRARY.format(words=words), encoding="utf-8")
    first = lint_paths([str(tmp_path / "one" / "flow.yaml")]).diagnostics
    assert [(Path(d.path).parent.name, d.code) for d in first] == [("one", "CF201")]
    assert lint_paths([str(tmp_path / "two" / "flow.yaml")]).diagnostics == []
