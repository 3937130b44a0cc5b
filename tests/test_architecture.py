"""The arrows point inward: the core never imports the terminal libraries."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "callflow"
UI = {"questionary", "prompt_toolkit", "rich", "typer"}
# Modules whose job is the terminal or the command line.
FRONT = {"cli", "prompting", "calls", "keys"}
FRONT_PACKAGES = {"commands", "render"}


def imported(path: Path) -> set[str]:
    """Top-level package names and callflow modules a file imports, anywhere in it."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imported_at_load(path: Path) -> set[str]:
    """What a module imports when it is itself imported (not inside functions,
    not under `if TYPE_CHECKING:`)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC.parent).with_suffix("").parts)


def core_modules() -> list[Path]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if parts[0] in FRONT_PACKAGES or path.stem in FRONT or "rehears" in path.stem:
            continue
        found.append(path)
    return found


def test_the_core_imports_no_terminal_library() -> None:
    offenders = {
        module_name(path): sorted(n for n in imported(path) if n.split(".")[0] in UI)
        for path in core_modules()
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_only_the_prompter_and_the_commands_that_prompt_import_questionary() -> None:
    users = sorted(
        module_name(path)
        for path in SRC.rglob("*.py")
        if any(n.split(".")[0] in ("questionary", "prompt_toolkit") for n in imported(path))
    )
    assert users and all(
        name in ("callflow.prompting", "callflow.keys") or name.startswith("callflow.commands.") for name in users
    ), users


def test_nothing_imports_the_cli() -> None:
    assert [module_name(p) for p in SRC.rglob("*.py") if "callflow.cli" in imported(p) and p.stem != "__main__"] == []


def test_walking_a_flow_does_not_load_pydantic_or_yaml() -> None:
    # So a cached flow is walked without paying for either (see flowcache);
    # the constraint markers import pydantic_core only inside pydantic's hooks.
    for stem in ("model", "engine", "events", "flowcache", "constraints", "values", "summary", "loader", "yamlsource"):
        names = imported_at_load(SRC / f"{stem}.py")
        assert not {n for n in names if n.split(".")[0] in ("pydantic", "pydantic_core", "yaml")}, stem
