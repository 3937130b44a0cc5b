"""Constraints on model fields that pydantic understands, without importing pydantic.

The models are plain dataclasses so that a call can start (and a cached flow
be read back) without paying for pydantic's import. These markers go inside
`Annotated[...]`; pydantic calls their `__get_pydantic_core_schema__` hooks
only when the loader validates a file, and imports pydantic_core there.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any


class Doc:
    """A description for the JSON Schema (editor completion)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        result = handler(schema)
        if isinstance(result, dict):
            result["description"] = self.text
        return result


class TextRule:
    """A string with a minimum and a maximum length and/or a regular expression to match."""

    def __init__(self, *, pattern: str | None = None, min_length: int | None = None, max_length: int | None = None) -> None:
        self.pattern = pattern
        self.min_length = min_length
        self.max_length = max_length

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(pattern=self.pattern, min_length=self.min_length, max_length=self.max_length)


class AtLeast:
    """A number (int or Decimal) no smaller than `minimum`."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["ge"] = self.minimum
        return schema


class MinItems:
    """A list or mapping with at least `count` entries."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["min_length"] = self.count
        return schema


class Check:
    """Run `function` on the validated value; a ValueError becomes a diagnostic
    at the value's position. The function may return a normalized value."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.function, handler(source))


class OneOf:
    """A union told apart by `tag_of(value)` (the key a step starts with, say).

    Members are `Annotated[Model, "tag"]`; a value whose tag is unknown gets
    one error of `error_type` with `message` instead of one per member.
    """

    def __init__(self, tag_of: Callable[[Any], str | None], error_type: str, message: str) -> None:
        self.tag_of = tag_of
        self.error_type = error_type
        self.message = message

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        choices = {}
        for member in typing.get_args(source):
            # Annotated[Model, ..., "tag"]: nested Annotated types are flattened,
            # so the tag is the last plain string and the rest stays on the type.
            base, *metadata = typing.get_args(member)
            tag = next(m for m in reversed(metadata) if isinstance(m, str))
            rest = [m for m in metadata if m is not tag]
            choices[tag] = handler.generate_schema(typing.Annotated[(base, *rest)] if rest else base)
        return core_schema.tagged_union_schema(
            choices,
            discriminator=self.tag_of,
            custom_error_type=self.error_type,
            custom_error_message=self.message,
        )
