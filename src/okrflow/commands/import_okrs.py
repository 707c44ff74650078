"""``okrflow import FILE``: OKRs from a spreadsheet or a handbook page, as an OKR file.

- ``.csv``: read through a column mapping (``--mapping``: ``plain`` by default, the
  ready ``viva-goals`` and ``perdoo``, or a mapping file of your own; see
  :mod:`okrflow.config.okrfile.spreadsheet`);
- ``.md`` / ``.markdown`` / ``.txt``: a handbook page with ``OBJECTIVE:`` and ``KR:``
  lines under department headings (:mod:`okrflow.config.okrfile.handbook`).

A dry run by default: the OKR file is printed, or written to ``--output``, and nothing
is sent to GitLab. ``--apply`` makes GitLab match it through the same code as
``okrflow apply``. Either way the file is first read back by the OKR file's own
loader, so what is printed is what apply reads.

All or nothing: a bad row or line (no title, a key result before any objective, a
number that is not one ...) is named with its row or line number and the reason, every
one of them, and then nothing is written: no file, no issue (exit 2). A statement
okrflow cannot read is no error: it is imported as a milestone (done or not) and named,
with a comment in the file above it, for someone to give its start and target.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from okrflow.commands.apply import ApplyResult, run
from okrflow.commands.report import write_file
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace
from okrflow.config.okrfile import load_okr_file
from okrflow.config.okrfile.draft import Draft
from okrflow.config.okrfile.handbook import read_handbook
from okrflow.config.okrfile.spreadsheet import load_mapping, read_rows
from okrflow.config.okrfile.writer import dump_yaml
from okrflow.config.yamlfile import read_text
from okrflow.core.calendar import Quarter
from okrflow.errors import ConfigError, OkrflowError, UsageError
from okrflow.render.display import count

__all__ = ["ImportResult", "import_okrs", "read_import"]

_HANDBOOK = (".md", ".markdown", ".txt")
_PERIOD = (
    re.compile(r"Q\s*(?P<q>[1-4])\s*[-_ /]?\s*(?P<year>\d{4})", re.I),
    re.compile(r"(?P<year>\d{4})\s*[-_ /]?\s*Q\s*(?P<q>[1-4])", re.I),
)


@dataclasses.dataclass
class ImportResult(Result):
    source: str
    quarter: str
    objectives: int
    key_results: int
    unreadable: list[str]
    warnings: list[str]
    errors: list[str]
    output: Path | None = None
    text: str = ""
    applied: ApplyResult | None = None

    def lines(self, style: Style = plain) -> list[str | Line]:
        out: list[str | Line] = [Line(w, "warning") for w in self.warnings]
        out += [
            Line(f"{u}: imported as a milestone (done or not)", "warning") for u in self.unreadable
        ]
        out += [Line(e, "warning") for e in self.errors]
        if self.errors:
            return out
        what = f"{count(self.objectives, 'objective')}, {count(self.key_results, 'key result')}"
        if self.applied is not None:
            return [
                *out,
                f"imported {what} of {self.quarter} from {self.source}:",
                *self.applied.lines(style),
            ]
        if self.output is None:
            return [*out, Line(self.text.rstrip("\n"), "data")]
        return [*out, f"wrote {self.output}: {what} of {self.quarter} from {self.source}"]

    def to_json(self) -> Any:
        doc = super().to_json()
        doc.pop("text", None)
        if self.applied is not None:
            doc["applied"] = self.applied.json()
        return doc

    def error(self) -> OkrflowError | None:
        if self.errors:
            return UsageError(
                f"{self.source}: {count(len(self.errors), 'bad row or line', 'bad rows or lines')}"
                " (named above); nothing was imported"
            )
        return self.applied.error() if self.applied is not None else None


def _quarter_parser(ws: Workspace) -> Any:
    def parse(period: str) -> str:
        try:
            return ws.calendar.label(ws.calendar.parse(period))
        except ValueError:
            for pattern in _PERIOD:
                found = pattern.fullmatch(period.strip())
                if found:
                    return ws.calendar.label(Quarter(int(found["year"]), int(found["q"])))
            raise

    return parse


def read_import(
    ws: Workspace, path: str | Path, *, mapping: str | None = None, quarter: str | None = None
) -> Draft:
    """The OKRs of ``path`` as a draft OKR file (see the module)."""
    source = str(path)
    text = read_text(path, "import file")
    label = ws.quarter_label(quarter) if quarter else None
    if Path(path).suffix.lower() in _HANDBOOK:
        if mapping:
            raise UsageError("--mapping is for a CSV file; a handbook page needs none")
        return read_handbook(text, source, quarter=label, names=ws.labels)
    if Path(path).suffix.lower() != ".csv":
        raise UsageError(f"{source}: import reads .csv (with --mapping) or .md handbook pages")
    spec, _ = load_mapping(mapping or "plain")
    return read_rows(text, source, spec, quarter=label, parse_quarter=_quarter_parser(ws))


def import_okrs(
    ws: Workspace,
    path: str | Path,
    *,
    mapping: str | None = None,
    quarter: str | None = None,
    output: Path | str | None = None,
    apply: bool = False,
) -> ImportResult:
    """Read ``path`` into an OKR file; print it or write ``output``; with ``apply``
    make GitLab match it (see the module)."""
    draft = read_import(ws, path, mapping=mapping, quarter=quarter)
    data = draft.data()
    header = [f"OKRs of {draft.quarter}, imported by okrflow from {Path(path).name}."]
    if draft.unreadable:
        header.append(
            f"{count(len(draft.unreadable), 'statement')} okrflow cannot read: milestones for "
            "now, see the comments."
        )
    text = dump_yaml(data, header=header, notes=draft.notes)
    errors = [str(e) for e in draft.errors]
    okr_file = None
    if not errors:
        name = str(output) if output else f"{path} as an OKR file"
        try:
            okr_file = load_okr_file(name, calendar=ws.calendar, label_names=ws.labels, text=text)
        except ConfigError as exc:  # something the rows did not catch: name its row or line
            reason = exc.message.split(": ", 2)[-1] if exc.line else exc.message
            errors.append(f"{draft.where(exc.key)}: {reason}")
    result = ImportResult(
        source=str(path),
        quarter=draft.quarter or "",
        objectives=len(data["objectives"]),
        key_results=sum(len(o.get("key_results", [])) for o in data["objectives"]),
        unreadable=[str(u) for u in draft.unreadable],
        warnings=[str(w) for w in draft.warnings],
        errors=errors,
        text=text,
        planned=ws.planned() if apply else None,
    )
    if errors:
        return result
    if output:
        result.output = Path(output)
        write_file(result.output, text, "the OKR file")
    if apply and okr_file is not None:
        result.applied = run(ws, okr_file, execute=True)
    return result
