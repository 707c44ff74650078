"""``okrflow pages``: the OKR dashboard, a static site for GitLab Pages.

Writes into ``--output`` (default ``public``, the directory GitLab Pages publishes):

- ``index.html``: the latest report's summary, the average score by team quarter by
  quarter, and an index of every quarter, newest first;
- ``<quarter>/index.html``, ``report.md``, ``report.json``: each quarter's report;
- ``history.json``: the quarters' scores by team (the latest report's history).

The latest report is made now, as ``okrflow report`` makes it (the current quarter:
a progress report, or the closing report from the ceremony on). Every other quarter
comes from the document its closing report issue keeps (:mod:`okrflow.core.archive`):
as it was when it closed, not recomputed. Cost: one listing page per 100 of okrflow's
own issues (labelled ``okr::report``), plus what the latest report reads.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

from okrflow.commands.report import build_quarter_report, write_file
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace
from okrflow.core.archive import read_document
from okrflow.core.ceremony import history_entry
from okrflow.render import render, render_index
from okrflow.render.display import count

__all__ = ["PagesResult", "pages"]

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclasses.dataclass
class PagesResult(Result):
    output: Path
    quarters: list[str]
    latest: str
    files: list[Path] = dataclasses.field(default_factory=list)

    def lines(self, style: Style = plain) -> list[str | Line]:
        verb = "would write" if self.dry_run else "wrote"
        shown = ", ".join(self.quarters)
        return [
            f"{verb} {count(len(self.files), 'file')} to {self.output}: "
            f"{count(len(self.quarters), 'quarter')} ({shown}), latest {self.latest}"
        ]


def _folder(quarter: str) -> str:
    return _SAFE.sub("-", quarter).strip("-") or "quarter"


def kept_documents(ws: Workspace) -> dict[str, dict[str, Any]]:
    """quarter -> the document its closing report issue keeps (the newest kept)."""
    kept: dict[str, dict[str, Any]] = {}
    for record in ws.repo.list_issues(labels=[ws.labels.report]):
        doc = read_document(record.description)
        if doc is not None and doc.get("kind") == "closing":
            kept[doc["quarter"]] = doc
    return kept


def pages(ws: Workspace, *, output: Path | str = "public") -> PagesResult:
    """Write the dashboard to ``output`` (see the module)."""
    root = Path(output)
    kept = kept_documents(ws)
    latest, _ = build_quarter_report(ws)
    docs = {**kept, latest["quarter"]: latest}

    def order(quarter: str) -> Any:
        try:
            return ws.calendar.parse(quarter)
        except ValueError:
            return ws.calendar.parse(latest["quarter"])

    quarters = sorted(docs, key=order, reverse=True)
    files: dict[Path, str] = {}
    entries = []
    for quarter in quarters:
        doc = docs[quarter]
        folder = _folder(quarter)
        entry = history_entry(doc)
        entries.append(
            {
                **entry,
                "href": f"{folder}/",
                "markdown": f"{folder}/report.md",
                "json": f"{folder}/report.json",
            }
        )
        templates = ws.config.report.templates_dir
        files[root / folder / "index.html"] = render(doc, "html", templates_dir=templates)
        files[root / folder / "report.md"] = render(doc, "md", templates_dir=templates)
        files[root / folder / "report.json"] = render(doc, "json")
    project = ws.connection.project if ws.connection else None
    files[root / "index.html"] = render_index(
        entries, latest, project=project, templates_dir=ws.config.report.templates_dir
    )
    history = latest.get("history") or {"quarters": [], "teams": []}
    files[root / "history.json"] = json.dumps(history, indent=2, ensure_ascii=False) + "\n"
    if not ws.dry_run:
        for path, text in files.items():
            write_file(path, text, "the dashboard")
    return PagesResult(root, quarters, latest["quarter"], list(files), planned=ws.planned())
