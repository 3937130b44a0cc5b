"""YAML text to a validated `Flow`, with every problem at file:line:col.

`load_flow(path)` reads safely (see yamlsource), validates with pydantic into
the model's dataclasses, and turns each validation error into a one-line
diagnostic pointing at the offending key, with a "did you mean" for misspelt
keys. pydantic is imported here, not by the model, so code that only walks a
flow does not pay for it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from callflow.flow.diagnostics import Diagnostic, Severity
from callflow.flow.errors import FlowLoadError
from callflow.flow.filetext import read_text
from callflow.flow.model import Flow, Library
from callflow.flow.positions import PositionIndex
from callflow.flow.scalars import IDENTIFIER_PATTERN, ITEM_CODE_PATTERN, NODE_ID_PATTERN
from callflow.flow.steps import STEP_KINDS
from callflow.flow.suggest import did_you_mean
from callflow.flow.yamlsource import DATA_MAX_BYTES, DATA_MAX_VALUES, MAX_FILE_BYTES, YamlError, parse_yaml

if TYPE_CHECKING:
    from pydantic import TypeAdapter

INVALID_VALUE = "CF010"
MISSING_KEY = "CF011"
UNKNOWN_KEY = "CF012"

M = TypeVar("M")

# YAML keys that are Python keywords, and the dataclass fields that hold them.
KEY_OF_FIELD = {"if_": "if", "else_": "else", "return_": "return"}
FIELD_OF_KEY = {key: name for name, key in KEY_OF_FIELD.items()}


def read_file(path: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A file's text, or FlowLoadError saying why it cannot be read."""
    try:
        return read_text(path, max_bytes=max_bytes)
    except YamlError as exc:
        raise FlowLoadError(exc.diagnostics) from None


def load_data(path: str) -> tuple[Any, str]:
    """Plain data of a YAML file of one call (answers, scenarios) and its text."""
    text = read_file(path, DATA_MAX_BYTES)
    return data_from_text(text, path), text


def data_from_text(text: str, path: str) -> Any:
    """Plain data of the YAML text of one call (answers, scenarios) read from `path`."""
    try:
        return parse_yaml(text, path, max_values=DATA_MAX_VALUES)
    except YamlError as exc:
        raise FlowLoadError(exc.diagnostics) from None


def validate_text(model: type[M], text: str, path: str) -> M:
    """Parse YAML text and validate it as `model`, or raise FlowLoadError."""
    try:
        data = parse_yaml(text, path)
    except YamlError as exc:
        raise FlowLoadError(exc.diagnostics) from None
    return validate_data(model, data, text, path)


_ADAPTERS: dict[Any, Any] = {}


def adapter(model: type[M]) -> TypeAdapter[M]:
    """The pydantic validator of a model class (a dataclass or a BaseModel), built once."""
    found = _ADAPTERS.get(model)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


def _rename_keyword_keys(data: Any) -> Any:
    """`- if:` / `- else:` in routes and `return:` on a node become the fields
    `if_`, `else_` and `return_`, in the nodes of the flow and of its procedures."""
    if not isinstance(data, dict):
        return data
    node_maps = [data.get("nodes")]
    procedures = data.get("procedures")
    if isinstance(procedures, dict):
        node_maps += [p.get("nodes") for p in procedures.values() if isinstance(p, dict)]
    for nodes in node_maps:
        if not isinstance(nodes, dict):
            continue
        for node_id, node in nodes.items():
            if not isinstance(node, dict):
                continue
            if "return" in node:
                nodes[node_id] = node = {FIELD_OF_KEY.get(key, key): value for key, value in node.items()}
            routes = node.get("routes")
            if isinstance(routes, list):
                for i, route in enumerate(routes):
                    if isinstance(route, dict) and any(key in FIELD_OF_KEY for key in route):
                        routes[i] = {FIELD_OF_KEY.get(key, key): value for key, value in route.items()}
    return data


def validate_data(model: type[M], data: Any, text: str, path: str) -> M:
    """Validate parsed data as `model`, reporting errors at their positions."""
    if not isinstance(data, dict):
        raise FlowLoadError(
            [Diagnostic(path, 1, 1, INVALID_VALUE, Severity.ERROR, "the file should be a mapping of keys and values")]
        )
    from pydantic import ValidationError

    if model is Flow or model is Library:
        data = _rename_keyword_keys(data)
    try:
        return adapter(model).validate_python(data)
    except ValidationError as exc:
        positions = PositionIndex(text, path)
        raise FlowLoadError(
            [_diagnostic(model, err, positions, path) for err in exc.errors(include_url=False)]
        ) from None


# -- turning pydantic errors into diagnostics ------------------------------------

_PATTERN_WORDS = {
    IDENTIFIER_PATTERN: "a name of letters, digits and _ that does not start with a digit (e.g. past_due_amount)",
    NODE_ID_PATTERN: "an id of letters, digits, '-', '_' and '.' (e.g. D-2-4)",
}
_ITEM_CODE_WORDS = "a code of letters, digits, '-', '_' and '.' (e.g. 310)"
_UNION_PARENTS = {"steps", "routes"}


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'"


def _strip_tags(loc: Sequence[Any]) -> list[Any]:
    """Drop the union member names pydantic puts into error paths."""
    out: list[Any] = []
    loc = [KEY_OF_FIELD.get(s, s) if isinstance(s, str) else s for s in loc]
    for i, segment in enumerate(loc):
        if (
            i >= 2
            and isinstance(loc[i - 1], int)
            and loc[i - 2] in _UNION_PARENTS
            and isinstance(segment, str)
            and segment in (*STEP_KINDS, "if", "else")
        ) or (
            i >= 1 and loc[i - 1] == "item" and segment in ("code", "ref")
        ):
            continue
        out.append(segment)
    return out


def _diagnostic(model: type[Any], err: Any, positions: PositionIndex, path: str) -> Diagnostic:
    raw_loc = tuple(err["loc"])
    loc = _strip_tags(raw_loc)
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    name = next((str(s) for s in reversed(loc) if isinstance(s, str)), "value")
    code = INVALID_VALUE
    if kind == "missing":
        code = MISSING_KEY
        message = f"missing key '{name}'"
        line, col = positions.locate(loc[:-1])
        return Diagnostic(path, line, col, code, Severity.ERROR, message + _missing_hint(model, raw_loc))
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        code = UNKNOWN_KEY
        allowed = _keys_at(model, raw_loc[:-1])
        message = f"unknown key '{name}'" + did_you_mean(name, allowed)
        if allowed and not did_you_mean(name, allowed):
            message += f"; allowed here: {', '.join(allowed)}"
    elif kind == "step_kind":
        keys = list(value) if isinstance(value, dict) else []
        hint = next((did_you_mean(str(k), STEP_KINDS) for k in keys if did_you_mean(str(k), STEP_KINDS)), "")
        found = f"found {', '.join(map(str, keys))}" if keys else f"found {_kind_of(value)}"
        message = f"a step is one of {', '.join(STEP_KINDS)}; {found}{hint}"
    elif kind == "item_form":
        message = f"an item is a catalog code or {{code, quantity}}, not {_kind_of(value)}"
    elif kind == "route_kind":
        message = "a route is '- if: condition' with 'goto: node', or '- else: node'"
    elif kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        # Node ids and item codes share a pattern: the place says which it is.
        if pattern == ITEM_CODE_PATTERN and ("catalog" in loc[:1] or "item" in loc):
            words = _ITEM_CODE_WORDS
        else:
            words = _PATTERN_WORDS.get(pattern, f"text matching {pattern}")
        if loc[-1:] == ["[key]"] and len(loc) >= 3:
            message = f"{_kind_of(value)} is not valid as a key of '{loc[-3]}': use {words}"
        else:
            message = f"{_kind_of(value)} is not valid for '{name}': use {words}"
    elif kind == "string_too_long":
        most = ctx.get("max_length")
        size = len(value) if isinstance(value, str) else "too many"
        if isinstance(most, int) and most <= 64:
            message = f"'{name}' is {size} characters long; an id has at most {most}: shorten it"
        else:
            message = f"'{name}' is {size:,} characters long; one step's words have at most {most:,}: split them over several steps"
    elif kind in ("string_type", "string_too_short"):
        message = f"'{name}' is empty: give it a value" if value in (None, "") else f"'{name}' should be text, not {_kind_of(value)}"
    elif kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type", "dataclass_args_type"):
        message = f"'{name}' should be a mapping of keys and values, not {_kind_of(value)}"
    elif kind == "list_type":
        message = f"'{name}' should be a list (lines starting with '- '), not {_kind_of(value)}"
    elif kind in ("decimal_parsing", "decimal_type", "decimal_max_places", "decimal_max_digits"):
        message = f"{_kind_of(value)} is not an amount for '{name}' (write it like 35.00)"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        message = f"{_kind_of(value)} is not a whole number for '{name}'"
    elif kind in ("bool_parsing", "bool_type"):
        message = f"{_kind_of(value)} is not true or false for '{name}'"
    elif kind == "literal_error":
        expected = ctx.get("expected", "")
        options = [o.strip().strip("'") for o in str(expected).replace(" or ", ", ").split(",")]
        message = f"{_kind_of(value)} is not valid for '{name}': expected {expected}" + did_you_mean(str(value), options)
    elif kind in ("greater_than_equal", "greater_than"):
        message = f"'{name}' must be at least {ctx.get('ge', ctx.get('gt'))}"
    elif kind == "too_short":
        message = f"'{name}' needs at least {ctx.get('min_length', 1)} entr{'y' if ctx.get('min_length', 1) == 1 else 'ies'}"
    elif kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
    else:
        message = f"'{name}': {err['msg']}"
    line, col = positions.locate(loc)
    return Diagnostic(path, line, col, code, Severity.ERROR, message)


def _missing_hint(model: type[Any], raw_loc: Sequence[Any]) -> str:
    owner = _model_at(model, raw_loc[:-1])
    if owner is None:
        return ""
    found = _fields_of(owner).get(str(raw_loc[-1]))
    doc = found[1] if found else None
    return f" ({doc[0].lower()}{doc[1:].rstrip('.')})" if doc else ""


def _keys_at(model: type[Any], loc: Sequence[Any]) -> list[str]:
    owner = _model_at(model, loc)
    return list(_fields_of(owner)) if owner is not None else []


def _is_model(tp: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(tp, type) and (dataclasses.is_dataclass(tp) or issubclass(tp, BaseModel))


def _fields_of(cls: type[Any]) -> dict[str, tuple[Any, str | None]]:
    """A model's keys as written in YAML -> (annotation, description)."""
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls, include_extras=True)
        return {
            KEY_OF_FIELD.get(f.name, f.name): (hints[f.name], _doc_of(hints[f.name]))
            for f in dataclasses.fields(cls)
        }
    return {info.alias or name: (info.annotation, info.description) for name, info in cls.model_fields.items()}


def _doc_of(annotation: Any) -> str | None:
    if typing.get_origin(annotation) is typing.Annotated:
        # Nested Annotated types are flattened: the outermost Doc comes last.
        for meta in reversed(typing.get_args(annotation)[1:]):
            text = getattr(meta, "text", None)
            if isinstance(text, str) and type(meta).__name__ == "Doc":
                return text
    return None


def _model_at(model: type[Any], loc: Sequence[Any]) -> type[Any] | None:
    """The model class that validates the value at `loc` (for key suggestions)."""
    current: Any = model
    for segment in loc:
        current = _descend(current, KEY_OF_FIELD.get(segment, segment) if isinstance(segment, str) else segment)
        if current is None:
            return None
    current = _unwrap(current)
    if _is_model(current):
        return current  # type: ignore[no-any-return]
    members = [_unwrap(m) for m in _union_members(current)]
    models = [m for m in members if _is_model(m)]
    return models[0] if len(models) == 1 else None


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return [m for m in typing.get_args(tp) if m is not type(None)]
    return []


def _tag_of(tp: Any) -> str | None:
    """The tag of a tagged-union member, `Annotated[Model, "tag"]`."""
    if typing.get_origin(tp) is typing.Annotated:
        for meta in reversed(typing.get_args(tp)[1:]):
            if isinstance(meta, str):
                return meta
    return None


def _descend(tp: Any, segment: Any) -> Any:
    tp = _unwrap(tp)
    members = _union_members(tp)
    if members:
        for member in members:
            if _tag_of(member) == segment or getattr(_unwrap(member), "__name__", None) == segment:
                return member
        for member in members:
            found = _descend(member, segment)
            if found is not None:
                return found
        return None
    if _is_model(tp):
        for key, (annotation, _) in _fields_of(tp).items():
            if segment in (key, FIELD_OF_KEY.get(key)):
                return annotation
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is list and isinstance(segment, int):
        return args[0]
    if origin is dict:
        return args[0] if segment == "[key]" else args[1]
    return None
