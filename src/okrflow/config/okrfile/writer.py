"""Writing an OKR file: the data of :func:`okrflow.core.okr_export.apply_data` as YAML or JSON.

The YAML reads like the commented example (``config/okrs.example.yml``): keys in the
order a person writes them, a multi-line purpose as a block, no line folding, and the
notes given (an unreadable statement, a made key) as comments above the OKR they are
about. The JSON holds the same data, indented; JSON is YAML too, so ``okrflow apply``
takes either. The same data gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

__all__ = ["dump_json", "dump_yaml"]


_SPACE = re.compile(r"\s+")


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(value: Any) -> str:
    return yaml.dump(
        value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000, indent=2
    )


def dump_yaml(
    data: Mapping[str, Any],
    *,
    header: Sequence[str] = (),
    notes: Mapping[tuple[int, int | None], Sequence[str]] | None = None,
) -> str:
    """``data`` as an OKR file in YAML. ``header``: comment lines at the top; ``notes``:
    comment lines above objective ``i`` (``(i, None)``) or its key result ``j``
    (``(i, j)``)."""
    lines = [f"# {line}".rstrip() for line in header]
    if lines:
        lines.append("")
    lines += _dump({k: v for k, v in data.items() if k != "objectives"}).rstrip("\n").split("\n")
    objectives = data.get("objectives") or []
    lines += ["", "objectives:" if objectives else "objectives: []"]
    for i, objective in enumerate(objectives):
        if i:
            lines.append("")
        lines += _comments((notes or {}).get((i, None), ()), "  ")
        body = {k: v for k, v in objective.items() if k != "key_results"}
        lines += _item(_dump(body), "  ")
        krs = objective.get("key_results") or []
        if krs:
            lines.append("    key_results:")
        for j, kr in enumerate(krs):
            lines += _comments((notes or {}).get((i, j), ()), "      ")
            lines += _item(_dump(kr), "      ")
    return "\n".join(lines) + "\n"


def _comments(notes: Sequence[str], indent: str) -> list[str]:
    return [indent + "# " + _SPACE.sub(" ", note).strip() for note in notes]


def _item(text: str, indent: str) -> list[str]:
    """A mapping's YAML as a list item at ``indent``: ``- key: ...`` and its lines below."""
    rows = text.rstrip("\n").split("\n")
    return [f"{indent}- {rows[0]}", *(f"{indent}  {row}" if row else "" for row in rows[1:])]


def dump_json(data: Mapping[str, Any]) -> str:
    """``data`` as indented JSON (an OKR file too: JSON is YAML)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
