"""The folders are the layers, and the arrows point inward.

flow <- lint <- call <- record <- testing <- report <- terminal <- editor <- commands <- cli:
a package may import the ones below it, never one above; only the terminal
front end and the commands import the terminal libraries.

`report` reads records (record) and counts a flow's edges the way coverage
does (testing.authored), so it sits above both; nothing below it needs a
report, and the front ends above render one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "callflow"
UI = {"questionary", "prompt_toolkit", "rich", "typer"}
# Lowest first; each may import itself and those before it.
LAYERS = ["flow", "lint", "call", "record", "testing", "report", "terminal", "editor", "commands"]
# The package root: the version, `python -m callflow` and the typer app on top.
TOP = {"__init__", "__main__", "cli"}
MAX_LINES = 400


def imported(path: Path) -> set[str]:
    """Top-level package names and callflow modules a file imports, anywhere in it."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "callflow":
                names.update(f"callflow.{alias.name}" for alias in node.names)
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


def layer_of(module: str) -> str:
    """`callflow.call.engine` -> `call`; the package root's modules -> their stem."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_module_lives_in_a_layer_or_at_the_top() -> None:
    strays = [module_name(p) for p in modules() if p.parent == SRC and p.stem not in TOP]
    assert strays == []
    packages = sorted(p.name for p in SRC.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert packages == sorted(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_says_what_it_holds_and_may_import(layer: str) -> None:
    doc = ast.get_docstring(ast.parse((SRC / layer / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "import" in doc, layer


def test_no_package_imports_one_above_it() -> None:
    wrong = []
    for path in modules():
        if path.parent == SRC:
            continue
        here = LAYERS.index(layer_of(module_name(path)))
        for name in imported(path):
            if not name.startswith("callflow."):
                continue
            there = layer_of(name)
            if there in TOP or LAYERS.index(there) > here:
                wrong.append(f"{module_name(path)} imports {name}")
    assert wrong == []


def test_no_module_of_the_core_imports_a_terminal_library() -> None:
    core = set(LAYERS[: LAYERS.index("terminal")])
    offenders = {
        module_name(p): sorted(n for n in imported(p) if n.split(".")[0] in UI)
        for p in modules()
        if p.parent != SRC and layer_of(module_name(p)) in core
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_only_the_terminal_and_the_commands_import_questionary() -> None:
    users = sorted(
        module_name(path)
        for path in modules()
        if any(n.split(".")[0] in ("questionary", "prompt_toolkit") for n in imported(path))
    )
    assert users and all(layer_of(name) in ("terminal", "commands") for name in users), users


def test_nothing_imports_the_cli() -> None:
    assert [module_name(p) for p in modules() if "callflow.cli" in imported(p) and p.stem != "__main__"] == []


def test_no_import_cycles_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    names = {module_name(p) for p in modules()}
    for path in modules():
        graph[module_name(path)] = {n for n in imported(path) if n in names and n != module_name(path)}
    cycles = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    # A package's __init__ re-exporting its own modules is not a cycle of work.
    assert [c for c in cycles if not c.split(" -> ")[0].count(".") < 2] == []


def test_no_module_is_over_400_lines() -> None:
    long = {module_name(p): n for p in modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_walking_a_flow_does_not_load_pydantic_or_yaml() -> None:
    # So a cached flow is walked without paying for either (see flow/cache.py);
    # the constraint markers import pydantic_core only inside pydantic's hooks.
    for module in (
        "flow/model",
        "call/engine",
        "call/events",
        "flow/cache",
        "flow/constraints",
        "call/values",
        "call/summary",
        "flow/loader",
        "flow/yamlsource",
    ):
        names = imported_at_load(SRC / f"{module}.py")
        assert not {n for n in names if n.split(".")[0] in ("pydantic", "pydantic_core", "yaml")}, module
