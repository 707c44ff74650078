"""``okrflow export``: a quarter's OKRs, as GitLab holds them, to a file.

``--format yaml`` (default) is an OKR file: ``okrflow apply`` makes another project
match it, and ``plan`` on the project it came from finds nothing to do. ``json`` is
the same data as JSON (an OKR file too: JSON is YAML). ``csv`` is one row per key
result in the plain spreadsheet layout (:mod:`okrflow.config.okrfile.spreadsheet`),
which ``okrflow import`` reads back.

What is written (:mod:`okrflow.core.okr_export`): keys, titles, teams, owners,
levels, kinds, parents, purposes, weights, metric sources; a key result's ``start``,
``target``, ``unit`` and ``direction`` only where its statement does not say them
(found by reading the file back with the OKR file's own loader). Lifecycle states,
check-ins and scores stay in GitLab: an OKR file does not hold them. An issue filed
without okrflow (key ``iid-12``) gets a key made from its title; applying the file to
the same project then opens a new issue for it. One listing page per 100 issues of the
quarter, nothing else; the same OKRs give the same bytes. Over a group each entry
names its ``project:`` (a group OKR file, for ``apply`` and ``plan`` over the group);
the CSV layout has no place for it, so ``--format csv`` is refused there.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Literal

from okrflow.commands.report import write_file
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace
from okrflow.config.okrfile import OkrFile, load_okr_file
from okrflow.config.okrfile.spreadsheet import export_rows
from okrflow.config.okrfile.writer import dump_json, dump_yaml
from okrflow.core.model import KeyResult, Metric
from okrflow.core.okr_export import apply_data, document_order, metric_fields, numbered
from okrflow.core.statements import StatementError, read_statement
from okrflow.errors import UsageError
from okrflow.render.display import count

__all__ = ["EXPORT_FORMATS", "ExportFormat", "ExportResult", "export"]

ExportFormat = Literal["yaml", "csv", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("yaml", "csv", "json")
HEADER = (
    "OKRs of {quarter}, exported by okrflow: `okrflow plan` shows what `okrflow apply`",
    "would change to make a project match this file.",
)


@dataclasses.dataclass
class ExportResult(Result):
    quarter: str
    format: ExportFormat
    objectives: int
    key_results: int
    output: Path | None
    text: str
    warnings: list[str] = dataclasses.field(default_factory=list)

    def lines(self, style: Style = plain) -> list[str | Line]:
        out: list[str | Line] = [Line(w, "warning") for w in self.warnings]
        if self.output is None:
            return [*out, Line(self.text.rstrip("\n"), "data")]
        verb = "would write" if self.dry_run else "wrote"
        what = f"{count(self.objectives, 'objective')}, {count(self.key_results, 'key result')}"
        return [*out, f"{verb} {self.output}: {what} of {self.quarter}"]

    def to_json(self) -> Any:
        doc = super().to_json()
        doc.pop("text", None)
        return doc


def _shape(metric: Metric | None) -> tuple[Any, ...] | None:
    """What an OKR file can say of a metric (so what a round trip must keep)."""
    if metric is None:
        return None
    return (metric.kind, metric.start, metric.target, metric.unit, metric.direction)


def _load(ws: Workspace, text: str, name: str) -> OkrFile:
    return load_okr_file(name, calendar=ws.calendar, label_names=ws.labels, text=text)


def _with_metrics(
    ws: Workspace, data: dict[str, Any], krs: list[list[KeyResult]], name: str
) -> list[str]:
    """Give each key result the explicit fields its statement does not say; the
    warnings for those whose numbers are lost."""
    warnings = []
    for entry, originals in zip(data["objectives"], krs, strict=True):
        for item, kr in zip(entry.get("key_results", []), originals, strict=True):
            if isinstance(read_statement(kr.title), StatementError):
                if kr.metric is None:
                    warnings.append(
                        f"{kr.issue_id} {kr.title!r}: no numbers okrflow can read; exported as a "
                        "milestone (start 0, target 1)"
                    )
                    item.update(start=0, target=1)
                else:
                    item.update(metric_fields(kr.metric))
    loaded = _load(ws, dump_yaml(data), name)
    for entry, originals, objective in zip(data["objectives"], krs, loaded.objectives, strict=True):
        for item, kr, read in zip(
            entry.get("key_results", []), originals, objective.key_results, strict=True
        ):
            if kr.metric is not None and _shape(read.metric) != _shape(kr.metric):
                item.update(metric_fields(kr.metric))
    return warnings


def export(
    ws: Workspace,
    *,
    quarter: str | None = None,
    fmt: ExportFormat = "yaml",
    output: Path | str | None = None,
) -> ExportResult:
    """The OKRs of ``quarter`` (default: the current one) as ``fmt``, written to
    ``output`` or returned for printing."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    if fmt == "csv" and ws.connection is not None and ws.connection.group:
        raise UsageError(
            "--format csv holds no project: over a group, export yaml or json (each entry "
            "names its project)"
        )
    label = ws.quarter_label(quarter)
    snap = ws.repo.load(label)
    ws.refuse_empty(label, doing="nothing to export")
    warnings = []
    here = {o.key for o in snap.objectives}
    for o in snap.objectives:
        for parent in [p for p in o.parents if p not in here and numbered(p)]:
            warnings.append(f"{o.issue_id}: its parent {parent} has no okrflow key; left out")
            o.parents.remove(parent)
    ordered = document_order(snap.objectives)
    data = apply_data(label, ordered)
    name = str(output) if output else f"export of {label}"
    warnings += _with_metrics(ws, data, [o.key_results for o in ordered], name)
    if fmt == "yaml":
        text = dump_yaml(data, header=[line.format(quarter=label) for line in HEADER])
    elif fmt == "json":
        text = dump_json(data)
    else:
        text = export_rows(data)
    _load(ws, dump_yaml(data), name)  # what is written is an OKR file apply reads
    path = Path(output) if output else None
    if path is not None and not ws.dry_run:
        write_file(path, text, "the export")
    return ExportResult(
        label,
        fmt,
        len(data["objectives"]),
        sum(len(o.get("key_results", [])) for o in data["objectives"]),
        path,
        text,
        warnings,
        planned=ws.planned(),
    )
