"""Mermaid charts for the Markdown report, built from the report document.

Every chart is a complete fenced ```` ```mermaid ```` block of a type GitLab renders
(``xychart-beta``, ``flowchart TD``). Issue text enters only as quoted labels cleaned
by :func:`okrflow.render.escape.mermaid.mermaid_text`; node ids are generated, and numbers
are written without exponents (which xychart cannot read).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from okrflow.core.report import progress_percent
from okrflow.render import display
from okrflow.render.escape.mermaid import mermaid_text

_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*mermaid[ \t]*\n(.*?)^\1[ \t]*$", re.M | re.S)
_HEALTH_STYLE = {
    "on track": ("ontrack", "fill:#dafbe1,stroke:#1a7f37,color:#0f3d1f"),
    "needs attention": ("attention", "fill:#fff8c5,stroke:#9a6700,color:#4d3800"),
    "at risk": ("atrisk", "fill:#ffebe9,stroke:#cf222e,color:#5c0a0f"),
}
_GRADE_HEALTH = {"green": "on track", "yellow": "needs attention", "red": "at risk"}  # colours


def markdown_mermaid_blocks(md: str) -> list[str]:
    """The source of every fenced ``mermaid`` block in ``md``, in order."""
    return [m.group(2) for m in _FENCE.finditer(md)]


# Our own fixed directive (issue text can never form one: braces and "%%" are cleaned):
# the default xychart palette is too pale to read. Values blue, targets grey.
XY_THEME = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #6e7781"}}}}%%'
_THEME = '%%{{init: {{"themeVariables": {{"xyChart": {{"plotColorPalette": "{palette}"}}}}}}}}%%'


def _fence(lines: Sequence[str]) -> str:
    if lines[0].startswith("xychart"):
        lines = [XY_THEME, *lines]
    return "```mermaid\n" + "\n".join(lines) + "\n```"


def _num(x: float) -> str:
    """A number as xychart reads it: plain decimal, no exponent."""
    if not math.isfinite(x):
        return "0"
    if float(x).is_integer():
        return str(int(x))
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _q(text: str) -> str:
    return f'"{text}"'


_REFERENCE = re.compile(r"[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+#[1-9][0-9]*")


def _name(item: dict[str, Any], limit: int) -> str:
    """``#12 Title…`` (in a group scope ``acme/sales#12 Title…``): the reference is
    ours (an int, a project path GitLab names), the title is cleaned."""
    title = mermaid_text(item["title"], limit=limit)
    reference = str(item.get("reference") or "")
    if _REFERENCE.fullmatch(reference):
        return f"{reference} {title}"
    return f"#{int(item['iid'])} {title}" if item["iid"] is not None else title


def progress_chart(doc: dict[str, Any]) -> str | None:
    """A horizontal bar per objective: progress as displayed (whole percent)."""
    objectives = doc["objectives"]
    if not objectives:
        return None
    labels = ", ".join(_q(_name(o, 28)) for o in objectives)
    values = ", ".join(str(progress_percent(o["progress"])) for o in objectives)
    return _fence(
        [
            "xychart-beta horizontal",
            '  title "Progress by objective"',
            f"  x-axis [{labels}]",
            '  y-axis "Progress (%)" 0 --> 100',
            f"  bar [{values}]",
        ]
    )


def distribution_chart(doc: dict[str, Any]) -> str | None:
    """Objectives per score (0.0 to 1.0, as displayed); None before any score."""
    buckets = doc["summary"]["score_distribution"]
    if not any(b["count"] for b in buckets):
        return None
    labels = ", ".join(_q(b["label"]) for b in buckets)
    counts = [b["count"] for b in buckets]
    return _fence(
        [
            "xychart-beta",
            '  title "Score distribution"',
            f"  x-axis [{labels}]",
            f'  y-axis "Objectives" 0 --> {max(counts)}',
            f"  bar [{', '.join(str(c) for c in counts)}]",
        ]
    )


def trend_chart(kr: dict[str, Any]) -> str | None:
    """A key result's checked-in values over time, with its target; None below 2 check-ins."""
    points = [(c["at"], c["value"]) for c in kr["checkins"] if c["value"] is not None]
    if len(points) < 2:
        return None
    values = [v for _, v in points]
    bounds = values + [x for x in (kr["start"], kr["target"]) if x is not None]
    low, high = min(bounds), max(bounds)
    if low == high:
        low, high = low - 1, high + 1
    labels = ", ".join(_q(f"{i + 1}. {at[5:10]}") for i, (at, _) in enumerate(points))
    unit = mermaid_text(kr["unit"], limit=12, fallback="")
    axis = f"Value ({unit})" if unit else "Value"
    lines = [
        "xychart-beta",
        f"  title {_q(mermaid_text(kr['title'], limit=48))}",
        f"  x-axis [{labels}]",
        f"  y-axis {_q(axis)} {_num(low)} --> {_num(high)}",
        f"  line [{', '.join(_num(v) for v in values)}]",
    ]
    if kr["target"] is not None:
        lines.append(f"  line [{', '.join(_num(kr['target']) for _ in values)}]")
    return _fence(lines)


def kpi_trend_chart(kpi: dict[str, Any]) -> str | None:
    """A KPI's weekly values with its healthy bounds; None below 2 weeks with a value."""
    bound = kpi["high"] if kpi["high"] is not None else kpi["low"]
    weekly = {
        "title": kpi["title"],
        "unit": kpi["unit"],
        "start": kpi["low"] if kpi["high"] is not None else None,
        "target": bound,
        "checkins": [
            {"at": f"{w['start']}T00:00:00Z", "value": w["value"]}
            for w in kpi["weeks"]
            if w["value"] is not None
        ],
    }
    return trend_chart(weekly)


def alignment_chart(doc: dict[str, Any]) -> str | None:
    """The alignment tree: one node per objective, coloured and labelled by health."""
    objectives = doc["objectives"]
    if not objectives:
        return None
    ids = {o["key"]: f"o{n}" for n, o in enumerate(objectives)}
    lines = ["flowchart TD"]
    classes: dict[str, list[str]] = {}
    closing = doc["kind"] == "closing"
    for o in objectives:
        node = ids[o["key"]]
        # a closing report shows what an objective scored, not its live health
        health = _GRADE_HEALTH.get(o["grade"] or "", "") if closing else o["health"]
        if closing and o["score"] is not None:
            facts = [f"score {display.score(o['score'])}", display.grade_label(o["grade"])]
        elif closing:  # not scored: its progress only
            facts = [display.percent(o["progress"])]
        else:
            facts = [display.percent(o["progress"]), display.health_label(o["health"])]
        team = mermaid_text(display.team(o["team"]), limit=24)
        label = f"{_name(o, 40)}<br/>{team} · {' · '.join(facts)}"
        lines.append(f"  {node}[{_q(label)}]")
        if health in _HEALTH_STYLE:
            classes.setdefault(_HEALTH_STYLE[health][0], []).append(node)
    lines = _by_project(lines, objectives)
    for o in objectives:
        for parent in o["parent_keys"]:
            if parent in ids and parent != o["key"]:
                lines.append(f"  {ids[parent]} --> {ids[o['key']]}")
    for name, style in _HEALTH_STYLE.values():
        if name in classes:
            lines.append(f"  classDef {name} {style}")
            lines.append(f"  class {','.join(classes[name])} {name}")
    return _fence(lines)


def _by_project(lines: list[str], objectives: Sequence[dict[str, Any]]) -> list[str]:
    """In a group scope, the nodes of each project in a subgraph named by the project's
    path: the edges between them cross projects. ``lines`` are the chart's head and its
    nodes, in the order of ``objectives``."""
    projects: dict[str, list[int]] = {}
    for n, o in enumerate(objectives):
        path = str(o.get("project") or "")
        if path and _REFERENCE.fullmatch(f"{path}#1"):
            projects.setdefault(path, []).append(n)
    if not projects:
        return lines
    head, nodes = lines[:1], lines[1:]
    inside = {n for members in projects.values() for n in members}
    out = head + [node for n, node in enumerate(nodes) if n not in inside]
    for p, (path, members) in enumerate(projects.items()):
        out.append(f"  subgraph p{p}[{_q(path)}]")
        out += ["  " + nodes[n] for n in members]
        out.append("  end")
    return out


def _shown(score: float) -> str:
    """A score as the report shows it (one decimal, rounded half up)."""
    return display.score(score)


def history_chart(doc: dict[str, Any]) -> str | None:
    """Average score per quarter: one line per team scored in every quarter shown (its
    colour the team's square in the report's table), and all teams together; None
    before two quarters have scores."""
    history = doc.get("history") or {}
    quarters = history.get("quarters") or []
    overall = [e.get("average_score") for e in quarters]
    if sum(1 for v in overall if v is not None) < 2:
        return None
    labels = ", ".join(_q(mermaid_text(str(e["quarter"]), limit=12)) for e in quarters)
    lines, palette = [], []
    for n, team in enumerate(history.get("teams") or []):
        scores = []
        for entry in quarters:
            found = next((t for t in entry["teams"] if t.get("team") == team), None)
            scores.append(found.get("average_score") if found else None)
        if all(v is not None for v in scores):
            lines.append(f"  line [{', '.join(_shown(v) for v in scores if v is not None)}]")
            palette.append(display.SERIES[n % len(display.SERIES)][0])
    if all(v is not None for v in overall):
        lines.append(f"  line [{', '.join(_shown(v) for v in overall if v is not None)}]")
        palette.append(display.ALL_TEAMS_SERIES[0])
    theme = _THEME.format(palette=", ".join(palette))
    body = [
        theme,
        "xychart-beta",
        '  title "Average score by team"',
        f"  x-axis [{labels}]",
        '  y-axis "Score" 0 --> 1',
        *lines,
    ]
    return "```mermaid\n" + "\n".join(body) + "\n```"


def charts(doc: dict[str, Any]) -> dict[str, Any]:
    """Every chart of the Markdown report, for the templates (None: nothing to draw)."""
    return {
        "progress": progress_chart(doc),
        "distribution": distribution_chart(doc),
        "alignment": alignment_chart(doc),
        "history": history_chart(doc),
        "trends": {
            kr["key"]: trend_chart(kr) for o in doc["objectives"] for kr in o["key_results"]
        },
        "kpi_trends": {k["key"]: kpi_trend_chart(k) for k in doc.get("kpis", ())},
    }
