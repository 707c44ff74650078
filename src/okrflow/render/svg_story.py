"""The story's charts in the HTML report, inline SVG: the alignment tree and the history.

Both are drawn narrow (360 units wide) so that a phone shows them at their size and a
desktop does not stretch them; text is clipped with the full wording in a ``<title>``.

- :func:`alignment_tree`: the objectives as an indented tree, each under the first
  objective it serves (the others named as "also under #3"), one box per objective
  with its progress and health, or in a closing report its score and grade;
- :func:`history_trend`: the average score of each team per quarter, oldest first,
  one coloured line per team (the legend below names them) and a dashed line for all
  teams together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from okrflow.core.report import score_tenths
from okrflow.render import display
from okrflow.render.escape.html import Markup, escape
from okrflow.render.escape.terminal import one_line
from okrflow.render.svg import COLOURS, GRADES, _clip, _f, _svg

__all__ = ["alignment_tree", "charts", "history_trend"]

_GREY = "#8c959f"
_WIDTH = 360


def _depths(objectives: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Depth of each objective under its first parent in the document (0: a root)."""
    depth: dict[str, int] = {}
    keys = {o["key"] for o in objectives}
    for o in objectives:  # document order: a parent comes before its children
        parent = next((p for p in o["parent_keys"] if p in keys and p != o["key"]), None)
        depth[o["key"]] = depth.get(parent, -1) + 1 if parent in depth else 0
    return depth


def _facts(o: dict[str, Any], closing: bool) -> tuple[str, str]:
    """(the line under the title, the box's colour)."""
    team = display.team(o["team"])
    if closing and o["score"] is not None:
        grade = o["grade"]
        facts = f"{team} · score {display.score(o['score'])} · {display.grade_label(grade)}"
        return facts, GRADES.get(grade or "", _GREY)
    if closing:  # not scored: its progress only, no live health
        return f"{team} · {display.percent(o['progress'])}", _GREY
    health = o["health"]
    facts = (
        f"{team} · {display.percent(o['progress'])} · {display.health_symbol(health)} "
        f"{display.health_label(health)}"
    )
    return facts, COLOURS.get(health, _GREY)


def alignment_tree(doc: dict[str, Any]) -> Markup | None:
    """The alignment of the quarter's objectives as an indented tree; None when empty."""
    objectives = doc["objectives"]
    if not objectives:
        return None
    closing = doc["kind"] == "closing"
    depth = _depths(objectives)
    indent, row, box_h, pad = 18, 48, 40, 2
    deepest = min(max(depth.values()), 6)
    iids = {o["key"]: o["iid"] for o in objectives}
    rows: dict[str, int] = {}
    body: list[str] = []
    for n, o in enumerate(objectives):
        level = min(depth[o["key"]], deepest)
        x, y = pad + level * indent, pad + n * row
        width = _WIDTH - x - pad
        rows[o["key"]] = n
        facts, colour = _facts(o, closing)
        others = [
            f"#{iids[p]}" if iids.get(p) is not None else p
            for p in o["parent_keys"][1:]
            if p in iids and p != o["key"]
        ]
        if others:
            facts += " · also under " + ", ".join(others)
        name = f"{display.ref(o['iid'], o['key'])} {o['title']}"
        chars = max(12, int((width - 16) / 7.4))  # 12 px bold
        parent = next((p for p in o["parent_keys"] if p in rows and p != o["key"]), None)
        if parent is not None:
            top = pad + rows[parent] * row + box_h
            px = pad + min(depth[parent], deepest) * indent + 8
            body.append(
                f'<path d="M{px} {top} V{y + box_h / 2} H{x}" fill="none" '
                f'stroke="{_GREY}" stroke-width="1.2"/>'
            )
        body += [
            f"<g><title>{escape(one_line(name))} ({escape(facts)})</title>",
            f'<rect x="{x}" y="{y}" width="{_f(width)}" height="{box_h}" rx="5" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>',
            f'<rect x="{x}" y="{y}" width="5" height="{box_h}" rx="2" fill="{colour}"/>',
            f'<text x="{x + 11}" y="{y + 16}" font-size="12" font-weight="600" '
            f'fill="#1f2328">{escape(_clip(name, chars))}</text>',
            f'<text x="{x + 11}" y="{y + 32}" font-size="11" fill="#59636e">'
            f"{escape(_clip(facts, int((width - 16) / 6.3)))}</text></g>",
        ]
    height = pad * 2 + (len(objectives) - 1) * row + box_h
    return _svg(_WIDTH, height, "Alignment of the objectives", body, "tree")


def _team_scores(history: dict[str, Any]) -> list[tuple[str, str, list[float | None]]]:
    """(name, colour, score per quarter) for each team, then all teams together."""
    quarters = history["quarters"]
    series = []
    for n, team in enumerate(history["teams"]):
        scores: list[float | None] = []
        for entry in quarters:
            found = next((t for t in entry["teams"] if t.get("team") == team), None)
            scores.append(found.get("average_score") if found else None)
        series.append((display.team(team), display.SERIES[n % len(display.SERIES)][0], scores))
    everyone = [e.get("average_score") for e in quarters]
    series.append(("All teams", display.ALL_TEAMS_SERIES[0], everyone))
    return series


def history_trend(doc: dict[str, Any]) -> Markup | None:
    """Average score by team over the quarters; None before two quarters have scores."""
    history = doc.get("history") or {}
    quarters = history.get("quarters") or []
    if sum(1 for e in quarters if e.get("average_score") is not None) < 2:
        return None
    series = _team_scores(history)
    left, top, plot_w, plot_h = 34, 10, _WIDTH - 34 - 30, 140
    step = plot_w / max(len(quarters) - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:  # the score as shown: one decimal, rounded half up
        return top + plot_h * (1 - score_tenths(v) / 10)

    body = []
    for tick in (0.0, 0.5, 1.0):
        body += [
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_f(y(tick))}" y2="{_f(y(tick))}" '
            'stroke="#d1d9e0" stroke-width="1"/>',
            f'<text x="{left - 6}" y="{_f(y(tick) + 4)}" font-size="11" text-anchor="end" '
            f'fill="#59636e">{display.score(tick)}</text>',
        ]
    for i, entry in enumerate(quarters):
        body.append(
            f'<text x="{_f(x(i))}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle" '
            f'fill="#59636e">{escape(_clip(str(entry["quarter"]), 10))}</text>'
        )
    legend_top = top + plot_h + 30
    for n, (name, colour, scores) in enumerate(series):
        dashed = ' stroke-dasharray="5 3"' if name == "All teams" else ""
        points = [(x(i), y(v)) for i, v in enumerate(scores) if v is not None]
        shown = " → ".join(display.score(v) for v in scores)
        body.append(f"<g><title>{escape(one_line(name))}: {escape(shown)}</title>")
        if len(points) > 1:
            line = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
            body.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dashed}/>'
            )
        body += [
            f'<circle cx="{_f(px)}" cy="{_f(py)}" r="3" fill="{colour}"/>' for px, py in points
        ]
        ly = legend_top + n * 18
        body += [
            f'<line x1="{left}" x2="{left + 18}" y1="{ly}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="3"{dashed}/>',
            f'<text x="{left + 24}" y="{ly + 4}" font-size="12" fill="#1f2328">'
            f"{escape(_clip(name, 44))}</text></g>",
        ]
    height = legend_top + len(series) * 18
    return _svg(_WIDTH, height, "Average score by team, quarter by quarter", body, "trend")


def charts(doc: dict[str, Any]) -> dict[str, Any]:
    """The story's charts of the HTML report (None: nothing to draw)."""
    return {"alignment": alignment_tree(doc), "history": history_trend(doc)}
