"""Rendering the report document as GitLab Markdown, one self-contained HTML file, or JSON.

Templates are package data (``okrflow/templates/report/``); a company may override
any of them, partials included, from a directory searched first. They run in Jinja's
immutable sandbox with ``StrictUndefined``. Issue text only ever reaches them as data:

- HTML is autoescaped, whatever a template is called;
- in Markdown every ``{{ ... }}`` output passes
  :func:`okrflow.core.description.escape_blocks` (Jinja's ``finalize``), so even an
  override template that forgets the ``md``/``cell`` filters cannot make ``@all``
  ping anyone, nor a title run ``/close`` as a quick action when the report is posted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from okrflow import __version__
from okrflow.core.description import escape_blocks
from okrflow.errors import ConfigError
from okrflow.render import display, mermaid, svg
from okrflow.render.text import md_cell, md_inline, neutralize_mentions

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2"}


def _finalize_markdown(value: Any) -> Any:
    """Every printed value made inert: no mention, quick action, heading, fence or comment.

    Charts okrflow built and cleaned itself come as Markup and are left alone.
    """
    if isinstance(value, str) and not isinstance(value, Markup):
        return escape_blocks(value)
    return value


def _trusted(charts: dict[str, Any]) -> dict[str, Any]:
    """Mermaid blocks made here from cleaned labels: printed as they are."""
    return {
        name: _trusted(chart) if isinstance(chart, dict) else chart and Markup(chart)
        for name, chart in charts.items()
    }


def _spark(checkins: list[dict[str, Any]]) -> str:
    return display.sparkline([c["value"] for c in checkins])


_FILTERS: dict[str, Any] = {
    "pct": display.percent,
    "score": display.score,
    "conf": display.confidence,
    "value": display.value,
    "day": display.day,
    "moment": display.moment,
    "health": display.health_label,
    "health_symbol": display.health_symbol,
    "health_emoji": display.health_emoji,
    "health_class": display.health_class,
    "state": display.state_label,
    "label": display.label,
    "team": display.team,
    "ref": display.ref,
    "spark": _spark,
    "neutralize_mentions": neutralize_mentions,
}


def environment(fmt: Format, templates_dir: Path | None = None) -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja environment for ``fmt`` (``"md"`` or ``"html"``)."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        if not Path(templates_dir).is_dir():
            raise ConfigError(
                "report templates directory not found; create it or leave the option out",
                path=str(templates_dir),
            )
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.PackageLoader("okrflow.render", "templates/report"))
    html = fmt == "html"
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        finalize=None if html else _finalize_markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_FILTERS)
    if not html:
        env.filters.update(md=md_inline, cell=md_cell)
    return env


def _context(doc: dict[str, Any], fmt: Format) -> dict[str, Any]:
    by_key = {o["key"]: o for o in doc["objectives"]}
    teams = [
        {
            "name": team["name"],
            "stats": stats,
            "objectives": [by_key[k] for k in team["objective_keys"]],
        }
        for team, stats in zip(doc["teams"], doc["summary"]["by_team"], strict=True)
    ]
    charts = _trusted(mermaid.charts(doc)) if fmt == "md" else svg.charts(doc)
    return {"doc": doc, "teams": teams, "charts": charts, "generator": f"okrflow {__version__}"}


def render(doc: dict[str, Any], fmt: Format, *, templates_dir: Path | None = None) -> str:
    """The report document ``doc`` as ``"md"``, ``"html"`` or ``"json"`` text.

    Raises ValueError for an unknown format, and ConfigError (one line, naming the
    template and line) when a template is missing, malformed or fails.
    """
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False)
    if fmt not in TEMPLATES:
        raise ValueError(f"report format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    env = environment(fmt, templates_dir)
    name = TEMPLATES[fmt]
    try:
        return env.get_template(name).render(_context(doc, fmt))
    except jinja2.TemplateSyntaxError as e:
        raise ConfigError(
            f"report template syntax error: {e.message}", path=e.filename or e.name, line=e.lineno
        ) from None
    except jinja2.TemplateNotFound as e:
        raise ConfigError(f"report template not found: {e.name}") from None
    except jinja2.TemplateError as e:
        raise ConfigError(f"report template {name} failed: {e.message or e}") from None
