"""`callflow schema`: the JSON Schema of the flow format, for editors.

The schema is generated from the models the loader validates with, so it
cannot drift from what callflow accepts. `json_schema(model, ...)` works for
any of callflow's file formats; `flow_schema()` is the flow format's.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

HELP = """Print the JSON Schema of the flow format, generated from callflow's own models.

Editors that read JSON Schema (VS Code or Neovim with the YAML language
server, JetBrains IDEs) complete keys and check values in a flow file that
starts with:

    # yaml-language-server: $schema=../schema/flow.schema.json

The repository keeps this output in schema/flow.schema.json; regenerate it
with: callflow schema > schema/flow.schema.json

--scenario prints the schema of scenario files instead (docs/scenarios.md);
--library the schema of library files (procedures flows share, `uses:`),
kept in schema/library.schema.json.
"""

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Each schema's $id: where the repository keeps it (the README's placeholder
# for where callflow is hosted; change it with the README's).
SCHEMA_ID_BASE = "https://git.example.org/tools/callflow/schema/"

# What pydantic accepts as text for the types the YAML loader leaves as text
# (it keeps every scalar as written), so that `required: yes`, `price: "35.00"`
# and `quantity: "2"` are as valid in an editor as `required: true`.
BOOLEAN_TEXT = (
    r"^(?:[01]|[Tt](?:[Rr][Uu][Ee])?|[Ff](?:[Aa][Ll][Ss][Ee])?|[Yy](?:[Ee][Ss])?|[Nn][Oo]?|[Oo][Nn]|[Oo][Ff][Ff])$"
)
INTEGER_TEXT = r"^\s*[+-]?[0-9][0-9_]*(?:\.0*)?\s*$"
DECIMAL_TEXT = r"^\s*[+-]?(?:[0-9][0-9_]*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$"


def schema(
    scenario: Annotated[
        bool, typer.Option("--scenario", help="The scenario format's schema instead (docs/scenarios.md).")
    ] = False,
    library: Annotated[
        bool, typer.Option("--library", help="The schema of library files (procedures flows share) instead.")
    ] = False,
) -> None:
    if scenario and library:
        from callflow.commands._common import fail
        from callflow.flow.errors import ExitCode

        fail("callflow schema: --scenario or --library, not both", ExitCode.USAGE)
    document = scenario_schema() if scenario else library_schema() if library else flow_schema()
    sys.stdout.write(render(document))


def render(document: dict[str, Any]) -> str:
    """The schema as the committed file holds it: indented JSON and a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def flow_schema() -> dict[str, Any]:
    from callflow.flow.model import Flow

    return json_schema(
        Flow,
        name="flow",
        title="callflow flow",
        description="A call script for callflow: a YAML decision graph of nodes (docs/flow-format.md).",
    )


def library_schema() -> dict[str, Any]:
    from callflow.flow.model import Library

    return json_schema(
        Library,
        name="library",
        title="callflow library",
        description="Procedures that flows share with `uses:`, and what they need (docs/flow-format.md, Procedures).",
    )


def scenario_schema() -> dict[str, Any]:
    from callflow.testing.scenario import Scenario

    return json_schema(
        Scenario,
        name="scenario",
        title="callflow scenario",
        description="A scenario for callflow: one whole call and what it must produce (docs/scenarios.md).",
    )


def json_schema(model: type, *, name: str, title: str, description: str) -> dict[str, Any]:
    """The validation JSON Schema of one of callflow's file models."""
    from callflow.flow.loader import KEY_OF_FIELD, adapter

    generated = adapter(model).json_schema(
        by_alias=True, mode="validation", schema_generator=_generator_class()
    )
    _rename_keys(generated, KEY_OF_FIELD)
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": DRAFT,
        "$id": f"{SCHEMA_ID_BASE}{name}.schema.json",
        "title": title,
        "description": description,
        **generated,
    }


def _rename_keys(node: Any, renames: dict[str, str]) -> None:
    """Use the YAML keys (`if`, `else`) where the models' fields are `if_`, `else_`."""
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and any(name in properties for name in renames):
            node["properties"] = {renames.get(k, k): v for k, v in properties.items()}
            if isinstance(node.get("required"), list):
                node["required"] = [renames.get(k, k) for k in node["required"]]
        for value in node.values():
            _rename_keys(value, renames)
    elif isinstance(node, list):
        for value in node:
            _rename_keys(value, renames)


def _generator_class() -> type:
    """pydantic's schema generator, taught that callflow reads scalars as text."""
    from pydantic.json_schema import GenerateJsonSchema

    class TextTolerantSchema(GenerateJsonSchema):
        def bool_schema(self, schema: Any) -> dict[str, Any]:
            return {"anyOf": [{"type": "boolean"}, {"type": "string", "pattern": BOOLEAN_TEXT}]}

        def int_schema(self, schema: Any) -> dict[str, Any]:
            return {"anyOf": [super().int_schema(schema), {"type": "string", "pattern": INTEGER_TEXT}]}

        def decimal_schema(self, schema: Any) -> dict[str, Any]:
            number = {k: v for k, v in super().decimal_schema(schema).items() if k != "anyOf"}
            number.setdefault("type", "number")
            for key in ("ge", "gt", "le", "lt"):
                if key in schema:
                    bound = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}[key]
                    number[bound] = float(schema[key])
            return {"anyOf": [number, {"type": "string", "pattern": DECIMAL_TEXT}]}

        def str_schema(self, schema: Any) -> dict[str, Any]:
            # YAML editors read `item: 310` or `zip: 02139` as numbers; callflow keeps them as text.
            return {"anyOf": [super().str_schema(schema), {"type": ["number", "boolean"]}]}

    return TextTolerantSchema
