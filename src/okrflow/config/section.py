"""The base of every config section: strict, frozen, unknown keys refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["_Section"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    #: keys refused with their own message (never echoing the value)
    forbidden_keys: ClassVar[Mapping[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _fill_in_defaults(cls, data: Any) -> Any:
        """A partly written sub-section keeps the defaults of the keys it leaves out; an
        empty one (``gitlab:`` with nothing below) is all defaults."""
        if not isinstance(data, dict):
            return data
        merged = dict(data)
        for name, field in cls.model_fields.items():
            default, value = field.default, data.get(name)
            if isinstance(default, BaseModel) and isinstance(value, dict):
                merged[name] = {**default.model_dump(), **value}
            elif value is None and name in data and isinstance(default, (BaseModel, tuple)):
                del merged[name]  # "teams:" with everything below commented out
        return merged
