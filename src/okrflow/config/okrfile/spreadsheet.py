"""Spreadsheets (CSV) of OKRs: read through a column mapping, written in okrflow's layout.

A **mapping file** (YAML; ready ones ship in ``okrflow/config/okrfile/mappings/``: ``plain``,
``viva-goals``, ``perdoo``) says which column holds what. Two layouts:

- ``rows``: one row per key result, its objective's columns repeated (rows of the same
  objective key, or else title and team, belong together); a row with no key result is
  an objective without one. okrflow's own ``export --format csv`` writes this layout
  with the ``plain`` mapping's columns, so its file reads back as it was;
- ``tree``: one row per objective or key result, a type column telling which, an id
  column and a parent column linking a key result to its objective and an objective to
  the one it is aligned to (by id, or else by title; an ``aligned_to`` column, where the
  tool has one, names an objective's parent instead). Rows of other types (projects,
  initiatives, KPIs) are skipped and counted.

A field may name several columns; the first the file has is read. ``owners`` maps
names as the file writes them to GitLab usernames, ``quarters`` time periods to
quarters. Rows are numbered as a spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from okrflow.config.okrfile.draft import Draft
from okrflow.config.yamlfile import load_validated
from okrflow.errors import UsageError

__all__ = ["COLUMNS", "READY", "ColumnMapping", "export_rows", "load_mapping", "read_rows"]

READY = ("plain", "viva-goals", "perdoo")

# The plain layout: okrflow's export columns (and the plain mapping's).
COLUMNS = {
    "quarter": "Quarter",
    "objective_key": "Objective key",
    "objective": "Objective",
    "team": "Team",
    "objective_owner": "Objective owner",
    "level": "Level",
    "kind": "Kind",
    "parent": "Parent",
    "objective_weight": "Objective weight",
    "purpose": "Purpose",
    "key": "Key result key",
    "key_result": "Key result",
    "owner": "Owner",
    "weight": "Weight",
    "start": "Start",
    "target": "Target",
    "unit": "Unit",
    "direction": "Direction",
    "source": "Source",
}


def _names(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Columns = Annotated[list[str], BeforeValidator(_names)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TypeSpec(_Spec):
    column: Columns = Field(description="the column saying what a row is")
    objective: list[str] = Field(description="values meaning an objective")
    key_result: list[str] = Field(description="values meaning a key result")


TREE_FIELDS = (
    "id",
    "parent",
    "aligned_to",
    "title",
    "owner",
    "team",
    "quarter",
    "description",
    "start",
    "target",
    "unit",
    "weight",
)


class ColumnMapping(_Spec):
    """A mapping file: the layout and, for each field, the column(s) holding it."""

    layout: Literal["rows", "tree"]
    type: TypeSpec | None = None
    columns: dict[str, Columns]
    owners: dict[str, str] = Field(default_factory=dict)
    quarters: dict[str, str] = Field(default_factory=dict)


def load_mapping(name_or_path: str) -> tuple[ColumnMapping, str]:
    """A ready mapping by name, or a mapping file: (mapping, where it came from)."""
    if name_or_path in READY:
        where = f"mappings/{name_or_path}.yml"
        text = resources.files("okrflow.config.okrfile").joinpath(where).read_text("utf-8")
        spec, _ = load_validated(where, ColumnMapping, what="mapping file", text=text)
    else:
        where = name_or_path
        spec, _ = load_validated(Path(name_or_path), ColumnMapping, what="mapping file")
    if spec.layout == "tree" and spec.type is None:
        raise UsageError(f"{where}: a tree layout needs type: (which column says what a row is)")
    known = TREE_FIELDS if spec.layout == "tree" else tuple(COLUMNS)
    for field in spec.columns:
        if field not in known:
            close = difflib.get_close_matches(field, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(
                f"{where}: columns.{field}: not a field of the {spec.layout} layout{hint}; "
                f"fields: {', '.join(known)}"
            )
    return spec, where


# -- reading ------------------------------------------------------------------------------------


def _table(text: str, source: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ";" where "," is a decimal point
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise UsageError(f"{source}: the file is empty")
    header = [h.strip() for h in rows[0]]
    table = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        table.append(
            (
                number,
                {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)},
            )
        )
    return header, table


class _Fields:
    """A row's fields by okrflow name, through the mapping."""

    def __init__(self, mapping: ColumnMapping, header: Sequence[str]) -> None:
        folded = {h.casefold(): h for h in header}
        self.column: dict[str, str] = {}
        for field, names in mapping.columns.items():
            for name in names:
                if name.casefold() in folded:
                    self.column[field] = folded[name.casefold()]
                    break
        self.mapping = mapping

    def get(self, row: Mapping[str, str], field: str) -> str:
        column = self.column.get(field)
        return row.get(column, "") if column else ""

    def owner(self, row: dict[str, str], field: str) -> str:
        raw = self.get(row, field)
        return self.mapping.owners.get(raw, raw)


def read_rows(
    text: str,
    source: str,
    mapping: ColumnMapping,
    *,
    quarter: str | None,
    parse_quarter: Callable[[str], str],
) -> Draft:
    """The OKRs of a CSV ``text`` through ``mapping``; ``parse_quarter`` turns a time
    period into a quarter label (ValueError when it names none)."""
    draft = Draft(source)
    draft.quarter = quarter
    header, table = _table(text, source)
    fields = _Fields(mapping, header)
    title = "objective" if mapping.layout == "rows" else "title"
    if title not in fields.column:
        wanted = " or ".join(repr(c) for c in mapping.columns.get(title, [title]))
        raise UsageError(
            f"{source}: no column {wanted} (the mapping's {title}); the file's columns: "
            + ", ".join(header)
        )
    periods: dict[str, str] = {}
    for number, row in table:
        period = fields.get(row, "quarter")
        if not period or quarter:
            continue
        try:
            periods[period] = mapping.quarters.get(period) or parse_quarter(period)
        except ValueError as exc:
            draft.error(f"row {number}", f"time period {period!r}: {exc}")
    wanted_quarter = quarter or next(iter(dict.fromkeys(periods.values())), None)
    if wanted_quarter is None and not draft.errors:
        draft.error(source, "no quarter: give --quarter, or a column the mapping's quarter names")
    draft.quarter = wanted_quarter
    kept = [
        (n, r)
        for n, r in table
        if quarter or periods.get(fields.get(r, "quarter")) in (None, wanted_quarter)
    ]
    others = len(table) - len(kept)
    if others:
        draft.warn(source, f"{others} row(s) of other quarters than {wanted_quarter} left out")
    if mapping.layout == "rows":
        _flat(draft, fields, kept)
    else:
        _tree(draft, fields, kept, header)
    return draft


def _measure(fields: _Fields, row: dict[str, str]) -> dict[str, Any]:
    """A key result row's owner, weight and measure, read the same in both layouts."""
    return {
        "owner": fields.owner(row, "owner") or None,
        "weight": fields.get(row, "weight"),
        "start": fields.get(row, "start"),
        "target": fields.get(row, "target"),
        "unit": fields.get(row, "unit"),
    }


def _parents(raw: str) -> list[str]:
    return [p for p in re.split(r"[;,\s]+", raw) if p]


def _flat(draft: Draft, fields: _Fields, table: Sequence[tuple[int, dict[str, str]]]) -> None:
    index: dict[tuple[str, str], int | None] = {}
    for number, row in table:
        where = f"row {number}"
        key = fields.get(row, "objective_key")
        ident = (
            (key, "") if key else (fields.get(row, "objective").casefold(), fields.get(row, "team"))
        )
        if ident not in index:
            index[ident] = draft.objective(
                where,
                title=fields.get(row, "objective"),
                team=fields.get(row, "team"),
                owner=fields.owner(row, "objective_owner"),
                purpose=fields.get(row, "purpose"),
                kind=fields.get(row, "kind"),
                level=fields.get(row, "level") or None,
                parents=_parents(fields.get(row, "parent")),
                weight=fields.get(row, "objective_weight"),
                key=key or None,
            )
        objective = index[ident]
        if objective is None or not fields.get(row, "key_result"):
            continue
        draft.key_result(
            where,
            objective,
            title=fields.get(row, "key_result"),
            **_measure(fields, row),
            key=fields.get(row, "key") or None,
            direction=fields.get(row, "direction"),
            source=fields.get(row, "source"),
        )


def _tree(
    draft: Draft,
    fields: _Fields,
    table: Sequence[tuple[int, dict[str, str]]],
    header: Sequence[str],
) -> None:
    spec = fields.mapping.type
    assert spec is not None
    folded = {h.casefold(): h for h in header}
    type_column = next((folded[c.casefold()] for c in spec.column if c.casefold() in folded), None)
    if type_column is None:
        wanted = " or ".join(repr(c) for c in spec.column)
        raise UsageError(f"{draft.source}: no column {wanted} (the mapping's type column)")
    objective_types = {v.casefold() for v in spec.objective}
    kr_types = {v.casefold() for v in spec.key_result}
    kind_of = {n: row.get(type_column, "").strip().casefold() for n, row in table}
    by_id: dict[str, int | None] = {}
    by_title: dict[str, int | None] = {}
    skipped = 0
    for number, row in table:  # objectives first, so key results find theirs anywhere
        if kind_of[number] not in objective_types:
            continue
        index = draft.objective(
            f"row {number}",
            title=fields.get(row, "title"),
            team=fields.get(row, "team"),
            owner=fields.owner(row, "owner"),
            purpose=fields.get(row, "description"),
            weight=fields.get(row, "weight"),
        )
        if fields.get(row, "id"):
            by_id[fields.get(row, "id")] = index
        by_title.setdefault(fields.get(row, "title").casefold(), index)
    for number, row in table:
        where, kind = f"row {number}", kind_of[number]
        parent = fields.get(row, "parent")
        found = by_id.get(parent, by_title.get(parent.casefold())) if parent else None
        if kind in objective_types:
            if "aligned_to" in fields.column:  # the tool names an objective's parent apart
                parent = fields.get(row, "aligned_to")
                found = by_id.get(parent, by_title.get(parent.casefold())) if parent else None
            mine = by_id.get(
                fields.get(row, "id"), by_title.get(fields.get(row, "title").casefold())
            )
            if parent and found is None and parent not in by_id:
                draft.warn(where, f"aligned to {parent!r}, which is not in the file: not aligned")
            elif found is not None and mine is not None and found != mine:
                draft.objectives[mine]["parent"] = draft.objectives[found]["key"]
            continue
        if kind not in kr_types:
            skipped += 1
            continue
        if found is None:
            draft.error(where, f"key result with no objective in the file (parent {parent!r})")
            continue
        draft.key_result(
            where,
            found,
            title=fields.get(row, "title"),
            **_measure(fields, row),
        )
    if skipped:
        draft.warn(draft.source, f"{skipped} row(s) neither an objective nor a key result skipped")


# -- writing -----------------------------------------------------------------------------------


def export_rows(data: Mapping[str, Any]) -> str:
    """An OKR file's data as a CSV in the plain layout (one row per key result)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS.values()), lineterminator="\n")
    writer.writeheader()
    for o in data["objectives"]:
        parent = o.get("parent") or []
        base = {
            COLUMNS["quarter"]: data["quarter"],
            COLUMNS["objective_key"]: o["key"],
            COLUMNS["objective"]: o["title"],
            COLUMNS["team"]: o.get("team", ""),
            COLUMNS["objective_owner"]: o.get("owner", ""),
            COLUMNS["level"]: o.get("level", ""),
            COLUMNS["kind"]: o.get("kind", ""),
            COLUMNS["parent"]: " ".join([parent] if isinstance(parent, str) else parent),
            COLUMNS["objective_weight"]: o.get("weight", ""),
            COLUMNS["purpose"]: o.get("purpose", ""),
        }
        krs = o.get("key_results") or [{}]
        for kr in krs:
            source = kr.get("source", "")
            writer.writerow(
                {
                    **base,
                    COLUMNS["key"]: kr.get("key", ""),
                    COLUMNS["key_result"]: kr.get("title", ""),
                    COLUMNS["owner"]: kr.get("owner", ""),
                    COLUMNS["weight"]: kr.get("weight", ""),
                    COLUMNS["start"]: kr.get("start", ""),
                    COLUMNS["target"]: kr.get("target", ""),
                    COLUMNS["unit"]: kr.get("unit", ""),
                    COLUMNS["direction"]: kr.get("direction", ""),
                    COLUMNS["source"]: source if isinstance(source, str) else json.dumps(source),
                }
            )
    return out.getvalue()
