"""Read a YAML file people wrote: safe, with line numbers, and with one-line errors.

Shared by the okrflow config and the OKRs-as-code file. :func:`load_yaml` returns the
plain data (dicts, lists, scalars) and a :class:`Locations` that knows the line of every
mapping key and list item, so a later mistake can be reported as ``file:line``.
:func:`load_validated` adds a pydantic model on top: the first problem becomes one
:class:`~okrflow.errors.ConfigError` line naming file, line, key path and what is expected
(with a did-you-mean for unknown keys).

Only plain YAML is read: ``yaml.SafeLoader`` (no Python tags), duplicate keys are an
error instead of "last one wins", and anchors may not expand into a huge or recursive
document.

Modules: ``loader`` (reading, YAML errors), ``locations`` (line numbers, how paths and
values are written), ``validation`` (pydantic errors as one line), ``reference`` (a
model's keys for the docs).
"""

from __future__ import annotations

from okrflow.config.yamlfile.loader import MAX_DEPTH, MAX_NODES, load_yaml, parse_yaml, read_text
from okrflow.config.yamlfile.locations import KeyPath, Locations, format_key_path, show_value
from okrflow.config.yamlfile.reference import (
    REQUIRED,
    ReferenceEntry,
    TypeName,
    iter_model_reference,
)
from okrflow.config.yamlfile.validation import format_validation_error, invalid, load_validated

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "REQUIRED",
    "KeyPath",
    "Locations",
    "ReferenceEntry",
    "TypeName",
    "format_key_path",
    "format_validation_error",
    "invalid",
    "iter_model_reference",
    "load_validated",
    "load_yaml",
    "parse_yaml",
    "read_text",
    "show_value",
]
