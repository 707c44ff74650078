"""Inline SVG charts for the HTML report, drawn in Python from the report document.

No script, no external font or image: plain shapes and escaped text, with a
``<title>`` and an ``aria-label`` so each chart says what it shows. Colours follow
the health, and every bar carries its number and health in words as well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from okrflow.core.report import progress_percent, score_tenths
from okrflow.render import display
from okrflow.render.escape.html import Markup, escape
from okrflow.render.escape.terminal import one_line

COLOURS = {"on track": "#1a7f37", "needs attention": "#9a6700", "at risk": "#cf222e"}
GRADES = {"green": "#1a7f37", "yellow": "#9a6700", "red": "#cf222e"}
_GREY = "#8c959f"
_FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\""


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(width: float, height: float, label: str, body: Sequence[str], css: str = "") -> Markup:
    head = (
        f'<svg class="chart {escape(css)}" role="img" '
        f'width="{_f(width)}" height="{_f(height)}" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'aria-label="{escape(label)}" {_FONT}><title>{escape(label)}</title>'
    )
    # Every piece of text in head and body went through escape() where it was made.
    return Markup(head + "".join(body) + "</svg>")


def progress_bars(doc: dict[str, Any]) -> Markup | None:
    """One bar per objective, its name above it: whole percent, coloured by health and
    named in words (in a closing report: by the grade its score earns). Narrow (360
    wide), so a phone shows it at its size."""
    objectives = doc["objectives"]
    if not objectives:
        return None
    closing = doc["kind"] == "closing"
    row, bar_w, width = 40, 200, 360
    height = row * len(objectives) + 4
    body = []
    for n, o in enumerate(objectives):
        y = n * row
        pct = progress_percent(o["progress"])
        if closing and o["score"] is not None:
            colour = GRADES.get(o["grade"] or "", _GREY)
            verdict = f"score {display.score(o['score'])} {display.grade_label(o['grade'])}"
        elif closing:  # not scored: no live health in a closing report
            colour, verdict = _GREY, "not scored"
        else:
            colour = COLOURS.get(o["health"], _GREY)
            verdict = f"{display.health_symbol(o['health'])} {display.health_label(o['health'])}"
        name = f"{display.ref(o['iid'], o['key'])} {o['title']}"
        body += [
            f"<g><title>{escape(one_line(name))}: {pct}%, {escape(verdict)}</title>",
            f'<text x="0" y="{y + 13}" font-size="12" fill="#1f2328">'
            f"{escape(_clip(name, 52))}</text>",
            f'<rect x="0" y="{y + 19}" width="{bar_w}" height="14" rx="3" fill="#eaeef2"/>',
            f'<rect x="0" y="{y + 19}" width="{_f(bar_w * pct / 100)}" height="14" '
            f'rx="3" fill="{colour}"/>',
            f'<text x="{bar_w + 6}" y="{y + 31}" font-size="12" fill="#1f2328">'
            f"{pct}% {escape(_clip(verdict, 20))}</text></g>",
        ]
    return _svg(width, height, "Progress by objective", body, "bars")


def score_distribution(doc: dict[str, Any]) -> Markup | None:
    """Objectives per score 0.0 to 1.0 (as displayed); None before any score."""
    buckets = doc["summary"]["score_distribution"]
    most = max((b["count"] for b in buckets), default=0)
    if not most:
        return None
    col, gap, plot_h, base = 26, 6, 120, 140
    width, height = len(buckets) * (col + gap) + gap, base + 24
    body = []
    for n, b in enumerate(buckets):
        x = gap + n * (col + gap)
        h = plot_h * b["count"] / most
        tenths = score_tenths(b["score"])
        colour = "#1a7f37" if tenths >= 7 else "#9a6700" if tenths >= 4 else "#cf222e"
        body += [
            f"<g><title>score {escape(b['label'])}: "
            f"{display.count(b['count'], 'objective')}</title>",
            f'<rect x="{x}" y="{_f(base - h)}" width="{col}" height="{_f(h)}" fill="{colour}"/>',
            f'<text x="{x + col / 2}" y="{_f(base - h - 4)}" font-size="12" '
            f'text-anchor="middle">{b["count"] or ""}</text>',
            f'<text x="{x + col / 2}" y="{base + 16}" font-size="12" '
            f'text-anchor="middle">{escape(b["label"])}</text></g>',
        ]
    body.append(f'<line x1="0" x2="{width}" y1="{base}" y2="{base}" stroke="#8c959f"/>')
    return _svg(width, height, "Score distribution: objectives per score", body, "histogram")


def sparkline(kr: dict[str, Any], *, width: int = 140, height: int = 36) -> Markup | None:
    """A key result's check-in values with its target as a dashed line; None below 2."""
    values: list[float] = [float(c["value"]) for c in kr["checkins"] if c["value"] is not None]
    values = [v for v in values if math.isfinite(v)]
    if len(values) < 2:
        return None
    target: float | None = None if kr["target"] is None else float(kr["target"])
    bounds = values + ([target] if target is not None else [])
    low, high = min(bounds), max(bounds)
    span = (high - low) or 1.0
    pad = 4

    def y(v: float) -> float:
        return height - pad - (v - low) / span * (height - 2 * pad)

    step = (width - 2 * pad) / (len(values) - 1)
    points = " ".join(f"{_f(pad + i * step)},{_f(y(v))}" for i, v in enumerate(values))
    colour = COLOURS.get(kr["health"], _GREY)
    unit, word = kr["unit"], kr.get("unit_word", "")
    trend = " → ".join(display.value(v, unit, word) for v in values)
    label = f"Check-ins: {trend}" + (
        f" (target {display.value(target, unit, word)})" if target is not None else ""
    )
    body = []
    if target is not None:
        body.append(
            f'<line x1="{pad}" x2="{width - pad}" y1="{_f(y(target))}" y2="{_f(y(target))}" '
            'stroke="#57606a" stroke-dasharray="3 3" stroke-width="1"/>'
        )
    last_x, last_y = pad + (len(values) - 1) * step, y(values[-1])
    body += [
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>',
        f'<circle cx="{_f(last_x)}" cy="{_f(last_y)}" r="3" fill="{colour}"/>',
    ]
    return _svg(width, height, label, body, "sparkline")


def kpi_sparkline(kpi: dict[str, Any]) -> Markup | None:
    """A KPI's weekly values with its (upper, else lower) healthy bound dashed."""
    weekly = {
        "checkins": [{"value": w["value"]} for w in kpi["weeks"] if w["value"] is not None],
        "target": kpi["high"] if kpi["high"] is not None else kpi["low"],
        "health": kpi["health"],
        "unit": kpi["unit"],
        "unit_word": kpi["unit_word"],
    }
    return sparkline(weekly)


def charts(doc: dict[str, Any]) -> dict[str, Any]:
    """Every chart of the HTML report, for the templates (None: nothing to draw)."""
    return {
        "progress": progress_bars(doc),
        "distribution": score_distribution(doc),
        "sparklines": {
            kr["key"]: sparkline(kr) for o in doc["objectives"] for kr in o["key_results"]
        },
        "kpi_sparklines": {k["key"]: kpi_sparkline(k) for k in doc.get("kpis", ())},
    }
