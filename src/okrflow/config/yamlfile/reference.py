"""A model's keys for the docs: key path, type, default and description."""

from __future__ import annotations

import collections.abc
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

__all__ = ["REQUIRED", "ReferenceEntry", "TypeName", "is_model", "iter_model_reference", "unwrap"]


def unwrap(annotation: Any) -> list[Any]:
    """The types an annotation may hold, with Annotated, Optional and unions opened."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [t for arg in typing.get_args(annotation) for t in unwrap(arg)]
    return [annotation]


def is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


class TypeName:
    """Annotated metadata naming a type for people: ``Annotated[str, TypeName("colour")]``."""

    def __init__(self, name: str) -> None:
        self.name = name


class _Required:
    def __repr__(self) -> str:
        return "(required)"


REQUIRED: Any = _Required()


class ReferenceEntry(typing.NamedTuple):
    """One key of a model: ``key`` path (``teams[].color``), ``type``, ``default``, text."""

    key: str
    type: str
    default: Any  # plain data (as YAML would hold it), or REQUIRED
    description: str


_TYPE_NAMES: Mapping[Any, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "text",
    Path: "path",
}


def _type_name(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    for item in metadata:
        if isinstance(item, TypeName):
            return item.name
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], annotation.__metadata__)
    if origin is typing.Union or origin is types.UnionType:
        names = [_type_name(arg) for arg in args if arg is not type(None)]
        nullable = " or null" if type(None) in args else ""
        return " or ".join(names) + nullable
    if origin is typing.Literal:
        return " | ".join(str(arg) for arg in args)
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence) and args:
        return f"list of {_type_name(args[0])}"
    if origin in (dict, collections.abc.Mapping) and len(args) == 2:
        return f"mapping of {_type_name(args[0])} to {_type_name(args[1])}"
    if annotation in _TYPE_NAMES:
        return _TYPE_NAMES[annotation]
    if is_model(annotation):
        return "mapping"
    return str(getattr(annotation, "__name__", annotation))


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


def iter_model_reference(
    model: type[BaseModel], prefix: str = "", instance: BaseModel | None = None
) -> Iterator[ReferenceEntry]:
    """Every key of ``model`` and of the models inside it, in declaration order.

    A nested model is one entry (type ``mapping``) followed by its keys, whose defaults
    are those of the nested default; a list of models is followed by its item keys as
    ``name[].key``. ``instance`` supplies the defaults instead of the fields.
    """
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        value: Any
        if instance is not None:
            value = getattr(instance, name)
        elif field.is_required():
            value = REQUIRED
        else:
            value = field.get_default(call_default_factory=True, validated_data={})
        yield ReferenceEntry(
            key,
            _type_name(field.annotation, field.metadata),
            value if value is REQUIRED else _plain(value),
            field.description or "",
        )
        for candidate in unwrap(field.annotation):
            if is_model(candidate):
                nested = value if isinstance(value, BaseModel) else None
                yield from iter_model_reference(candidate, f"{key}.", nested)
                break
            args = typing.get_args(candidate)
            if typing.get_origin(candidate) in (list, tuple) and args and is_model(args[0]):
                yield from iter_model_reference(args[0], f"{key}[].")
                break
