"""``okrflow status``: the quarter's OKR tree with progress and health, and the KPIs.

Everything shown comes from the JSON report document
(:func:`okrflow.commands.analysis.report_document`, a progress report), the same document
``status --json`` prints, so the text and the JSON always agree. Objectives aligned
under others are indented under their parent; one with several parents appears
under each, marked "also under #n"; a key result that counts for several objectives
likewise, marked "also counts for #n". Key results show their current value and where
they go, in their unit word ("7 customers · 4 → 10 customers"; "baseline pending" for a
relative target before its first value), a progress bar and confidence, and under them
their initiatives (reference, title, state, assignee). The KPIs follow, each with its
latest value against its healthy range, its weekly trend and the days it spent out of
range this quarter. Problems come last.

Annual objectives the quarter aligns under come first, above the quarter's tree: each
with its progress, health (paced by the year) and the quarterly objectives under it
across the year, each named with its quarter; in the tree, an objective under one says
so ("under FY24 #1").
"""

from __future__ import annotations

import dataclasses
from typing import Any

from okrflow.commands.analysis import evaluate_snapshot, report_document
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace
from okrflow.core.model import KeyResult
from okrflow.core.report import progress_percent
from okrflow.render import display
from okrflow.render.escape.terminal import visible

__all__ = ["BAR_WIDTH", "StatusResult", "bar", "format_status", "kpi_line", "kr_numbers", "status"]

BAR_WIDTH = 10
_HEALTH_COLOUR = {"on track": "green", "needs attention": "yellow", "at risk": "red"}
_GRADE_COLOUR = {"green": "green", "yellow": "yellow", "red": "red"}


@dataclasses.dataclass
class StatusResult(Result):
    quarter: str
    elapsed: float  # share of the quarter gone, 0..1
    document: dict[str, Any]  # the JSON report document
    orphans: list[KeyResult]  # key results whose objective is not in the quarter

    def lines(self, style: Style = plain) -> list[str | Line]:
        return list(format_status(self, style))

    def to_json(self) -> dict[str, Any]:
        """The JSON report document, as ``report --format json`` writes it."""
        return self.document


def status(ws: Workspace, *, quarter: str | None = None) -> StatusResult:
    """Load the quarter (default: the current one, with unscheduled open OKRs) and
    build its report document."""
    label = ws.quarter_label(quarter)
    snap = ws.repo.load(label, unscheduled=True)
    evaluation = evaluate_snapshot(ws, snap)
    document = report_document(ws, snap, kind="progress", evaluation=evaluation)
    return StatusResult(
        quarter=label,
        elapsed=ws.elapsed(ws.quarter(label)),
        document=document,
        orphans=list(snap.orphans),
    )


def bar(progress: float, width: int = BAR_WIDTH) -> str:
    """``███████░░░ 70%``: whole cells only once reached (99% shows 9 cells)."""
    pct = progress_percent(progress)
    filled = pct * width // 100
    return f"{'█' * filled}{'░' * (width - filled)} {pct:>3}%"


def _health(health: str | None, style: Style) -> str:
    text = f"{display.health_symbol(health)} {display.health_label(health).lower()}"
    return style(text, _HEALTH_COLOUR.get(health or "", ""))


def _closed(o: dict[str, Any], style: Style) -> str:
    """What a closed objective shows instead of its health: grade, score, outcome."""
    grade = o["grade"]
    outcome = o.get("outcome") or "not recorded"
    text = f"grade {grade}  score {display.score(o['score'])}  outcome {outcome}"
    return style(text, _GRADE_COLOUR.get(grade, ""))


def _objective_line(
    o: dict[str, Any],
    indent: str,
    style: Style,
    also: list[int | str],
    *,
    under: bool = False,
    annual: dict[str, str] | None = None,
) -> str:
    closed = o["state"] == "closed" and o.get("grade") and o.get("score") is not None
    details = [
        bar(o["progress"]),
        _closed(o, style) if closed else _health(o["health"], style),
        display.state_label(o["state"]),
    ]
    if o.get("owner"):
        details.append(f"@{visible(o['owner'])}")
    if not closed and o.get("score") is not None:
        details.append(f"score {display.score(o['score'])}")
    if o.get("kpi_iids"):
        details.append("protects KPI " + ", ".join(f"#{i}" for i in o["kpi_iids"]))
    if also:
        named = ", ".join(visible(i) if isinstance(i, str) else f"#{i}" for i in also)
        details.append(style(f"({'under' if under else 'also under'} {named})", "dim"))
    rocks = [annual[k] for k in o.get("parent_keys", ()) if annual and k in annual]
    if rocks:
        details.append(style(f"(under {', '.join(rocks)})", "dim"))
    head = f"{style(_named(o), 'bold')} {visible(o['title'])}"
    return indent + "  ".join([head, *details])


def _annual_lines(annual: dict[str, Any], style: Style) -> list[str]:
    """The year's annual objectives, each with the quarterly objectives under it."""
    rocks = annual["objectives"]
    lines = [
        style(
            f"{visible(annual['year'])}: {display.count(len(rocks), 'annual objective')}, "
            f"{progress_percent(annual['elapsed'])}% of the year gone",
            "bold",
        ),
        "",
    ]
    for o in rocks:
        lines.append(_objective_line(o, "", style, []))
        for q in o["quarters"]:
            details = [bar(q["progress"]), _health(q["health"], style)]
            details.append(display.state_label(q["state"]))
            head = f"{visible(q['quarter'] or '')} {_named(q)} {visible(q['title'])}"
            lines.append("    " + "  ".join([head, *details]))
        for kr in o["key_results"]:
            lines.append(_kr_line(kr, "    ", style, _ident(o)))
    return [*lines, ""]


def _named(okr: dict[str, Any]) -> str:
    """``#12``, or in a group scope the full reference ``acme/sales#12``."""
    return visible(okr.get("reference") or f"#{okr['iid']}")


def _ident(o: dict[str, Any]) -> int | str:
    """Which objective an entry of the document is: its reference in a group scope
    (two projects both have a #1), else its iid."""
    return str(o["reference"]) if o.get("reference") else int(o["iid"])


def _parents(o: dict[str, Any]) -> list[int | str]:
    return list(o.get("parent_references") or o["parent_iids"])


def kr_numbers(kr: dict[str, Any]) -> str:
    """``"7 customers · 4 → 10 customers"``: the current value and where the key result
    goes, from its entry in the report document."""
    if kr.get("metric") is None:
        return "not measurable"
    unit, word = kr.get("unit") or "", kr.get("unit_word") or ""
    if kr.get("baseline_pending"):
        where = visible(kr.get("reading") or "baseline pending")
    else:
        where = display.goal(
            kr["metric"],
            kr.get("direction"),
            kr.get("start"),
            kr.get("target"),
            unit,
            word,
            strict=bool(kr.get("strict")),
        )
    if kr["metric"] == "milestone":
        current = "not yet" if kr["progress"] < 1 else "done"
    else:
        current = display.value(kr.get("current"), unit, word)
    return f"{current} · {where}"


def _kr_line(kr: dict[str, Any], indent: str, style: Style, under: int | str) -> str:
    shown = "closed" if kr.get("state") == "closed" else _health(kr["health"], style)
    details = [kr_numbers(kr), bar(kr["progress"]), shown]
    if kr.get("confidence") is not None:
        details.append(f"confidence {display.confidence(kr['confidence'])}")
    if kr.get("owner"):
        details.append(f"@{visible(kr['owner'])}")
    others = [o for o in kr.get("objectives") or () if (o.get("reference") or o["iid"]) != under]
    if others:  # one issue counted for several objectives: shown under each
        named = ", ".join(_named(o) if o.get("iid") else visible(o["key"]) for o in others)
        details.append(style(f"(also counts for {named})", "dim"))
    head = f"KR {_named(kr)} {visible(kr['title'])}"
    return indent + "  ".join([head, *details])


def _initiative_line(i: dict[str, Any], indent: str, style: Style) -> str:
    parts = [f"initiative {visible(i['ref'])} {visible(i['title'])}", i["state"]]
    if i.get("assignee"):
        parts.append(f"@{visible(i['assignee'])}")
    return indent + style("  ".join(parts), "dim" if i["closed"] else "")


def kpi_line(k: dict[str, Any], style: Style = plain) -> str:
    """One KPI from the report document: value, range, state, trend, time out of range."""
    unit, word = k.get("unit") or "", k.get("unit_word") or ""
    healthy = k.get("healthy")
    state = {True: "in range", False: "out of range", None: "no value yet"}[healthy]
    details = [
        display.value(k.get("current"), unit, word),
        visible(k.get("reading") or k.get("problem") or "no healthy range"),
        style(f"{display.health_symbol(k['health'])} {state}", _HEALTH_COLOUR[k["health"]]),
        "trend " + display.sparkline([w["value"] for w in k["weeks"]]),
    ]
    if k["days_measured"]:
        share = progress_percent(k["out_of_range_share"] or 0.0)
        details.append(
            f"out of range {k['days_out_of_range']} of {display.count(k['days_measured'], 'day')}"
            f" ({share}%)"
        )
    if k.get("owner"):
        details.append(f"@{visible(k['owner'])}")
    return "  ".join([f"KPI #{k['iid']} {visible(k['title'])}", *details])


def _team_groups(objectives: list[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    """The objectives by team, in the document's order: those of no team first."""
    groups: dict[str | None, list[dict[str, Any]]] = {None: []}
    for o in objectives:
        groups.setdefault(o.get("team"), []).append(o)
    if not groups[None]:
        del groups[None]
    return groups


def _team_heading(team: str | None, members: list[dict[str, Any]]) -> str:
    """``Team Sales (acme/sales):``: a team and the projects holding its objectives."""
    projects = sorted({str(o["project"]) for o in members if o.get("project")})
    where = f" ({', '.join(visible(p) for p in projects)})" if projects else ""
    return (f"Team {visible(team)}" if team else "No team") + where + ":"


def _tree(
    objectives: list[dict[str, Any]],
    by_iid: dict[int | str, dict[str, Any]],
    style: Style,
    rocks: dict[str, str],
) -> list[str]:
    """``objectives`` as a tree: each under its parents among them, marked "also under"
    its other parents (and "under" a parent not among them: one of another team, or an
    annual objective of ``rocks``, key -> how it is named)."""
    among = {_ident(o) for o in objectives if o.get("iid") is not None}
    children: dict[int | str, list[dict[str, Any]]] = {}
    roots: list[dict[str, Any]] = []
    for o in objectives:
        parents = [p for p in _parents(o) if p in among and p != _ident(o)]
        for parent in parents:
            children.setdefault(parent, []).append(o)
        if not parents:
            roots.append(o)
    lines: list[str] = []
    shown: set[int | str] = set()

    def visit(
        o: dict[str, Any], depth: int, via: int | str | None, path: tuple[int | str, ...]
    ) -> None:
        iid = _ident(o)
        shown.add(iid)
        indent = "    " * depth
        also = [p for p in _parents(o) if p in by_iid and p not in (via, iid)]
        lines.append(_objective_line(o, indent, style, also, under=via is None, annual=rocks))
        for kr in o["key_results"]:
            lines.append(_kr_line(kr, indent + "    ", style, iid))
            for initiative in kr.get("initiatives", ()):
                lines.append(_initiative_line(initiative, indent + "        ", style))
        for child in children.get(iid, ()):
            if _ident(child) not in path:  # a parent cycle is shown once, not forever
                visit(child, depth + 1, iid, (*path, _ident(child)))

    for o in roots:
        visit(o, 0, None, (_ident(o),))
    for o in objectives:  # objectives only reachable through a parent cycle
        if _ident(o) not in shown:
            visit(o, 0, None, (_ident(o),))
    return lines


def format_status(result: StatusResult, style: Style = plain) -> list[str]:
    """The tree as text lines; ``style(text, colour)`` colours (the terminal's). In a
    group scope the tree is grouped by team: the objectives of no team first, then a
    heading per team naming its projects; an objective aligned under one of another
    team says which ("under acme/company#1")."""
    doc = result.document
    objectives: list[dict[str, Any]] = doc["objectives"]
    count = len(objectives)
    annual = doc.get("annual")
    rocks = (
        {o["key"]: f"{visible(annual['year'])} {_named(o)}" for o in annual["objectives"]}
        if annual
        else {}
    )
    lines = _annual_lines(annual, style) if annual else []
    head = len(lines) + 2
    lines += [
        style(
            f"{result.quarter}: {display.count(count, 'objective')}, "
            f"{progress_percent(result.elapsed)}% of the quarter gone",
            "bold",
        ),
        "",
    ]
    by_iid = {_ident(o): o for o in objectives if o.get("iid") is not None}
    groups = _team_groups(objectives) if any(o.get("reference") for o in objectives) else None
    if groups is None:
        lines += _tree(objectives, by_iid, style, rocks)
    for team, members in (groups or {}).items():
        if len(lines) > head:
            lines.append("")
        lines.append(style(_team_heading(team, members), "bold"))
        lines += _tree(members, by_iid, style, rocks)
    if not objectives:
        lines.append("no objectives in this quarter")

    kpis = doc.get("kpis") or []
    if kpis:
        lines += ["", style(f"KPIs ({len(kpis)}):", "bold")]
        lines += ["    " + kpi_line(k, style) for k in kpis]
    if result.orphans:
        lines += ["", "key results without an objective:"]
        for kr in result.orphans:
            lines.append(f"    KR {visible(str(kr.issue_id))} {visible(kr.title)}")
    problems = doc.get("problems") or []
    if problems:
        lines += ["", style(f"problems ({len(problems)}):", "yellow")]
        lines += [f"    {p['where']}: {visible(p['message'])}" for p in problems]
    return lines
