"""Rendering the report document as GitLab Markdown, one self-contained HTML file, or JSON.

Templates are package data (``okrflow/render/templates/report/``); a company may
override any of them, partials included, from a directory searched first
(``report.templates_dir``). They run in okrflow's one environment
(:mod:`okrflow.render.environment`): issue text only ever reaches them as data, HTML
is autoescaped whatever a template is called, and in Markdown every printed value is
made inert, so even an override template that forgets the ``md``/``cell`` filters
cannot make ``@all`` ping anyone, nor a title run ``/close`` as a quick action when
the report is posted. Charts are Mermaid in Markdown (:mod:`okrflow.render.mermaid`)
and inline SVG in HTML (:mod:`okrflow.render.svg`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from okrflow import __version__
from okrflow.core.ceremony import tell
from okrflow.errors import ConfigError
from okrflow.render import display, mermaid, svg, svg_story
from okrflow.render.environment import environment as _environment

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
TEMPLATES = {"md": "report.md.j2", "html": "report.html.j2"}


def _trusted(charts: dict[str, Any]) -> dict[str, Any]:
    """Mermaid blocks made here from cleaned labels: printed as they are."""
    return {
        name: _trusted(chart) if isinstance(chart, dict) else chart and Markup(chart)
        for name, chart in charts.items()
    }


def environment(fmt: Format, templates_dir: Path | None = None) -> ImmutableSandboxedEnvironment:
    """The environment the report is rendered in, as ``"md"`` or ``"html"``."""
    return _environment(templates_dir, html=fmt == "html")


def _person(people: dict[str, str]) -> Any:
    """How a report names a person: their GitLab display name, else the username."""

    def who(username: str | None) -> str:
        if not username:
            return display.MISSING
        name = str(username).lstrip("@")
        return people.get(name) or str(username)

    return who


def _context(doc: dict[str, Any], fmt: Format) -> dict[str, Any]:
    if "stage" not in doc:  # a document built without its story: tell what it holds
        doc = tell(doc)
    by_key = {o["key"]: o for o in doc["objectives"]}
    teams = [
        {
            "name": team["name"],
            "projects": team.get("projects") or [],  # a group scope's
            "stats": stats,
            "objectives": [by_key[k] for k in team["objective_keys"]],
        }
        for team, stats in zip(doc["teams"], doc["summary"]["by_team"], strict=True)
    ]
    if fmt == "md":
        charts = _trusted(mermaid.charts(doc))
    else:
        charts = {**svg.charts(doc), **svg_story.charts(doc)}
    return {
        "doc": doc,
        "teams": teams,
        "charts": charts,
        "who": _person(doc.get("people") or {}),
        "initiatives": [
            (o, kr) for o in doc["objectives"] for kr in o["key_results"] if kr["initiatives"]
        ],
        "generator": f"okrflow {__version__}",
    }


def _run(env: ImmutableSandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as e:
        raise ConfigError(
            f"report template syntax error: {e.message}", path=e.filename or e.name, line=e.lineno
        ) from None
    except jinja2.TemplateNotFound as e:
        raise ConfigError(f"report template not found: {e.name}") from None
    except jinja2.TemplateError as e:
        raise ConfigError(f"report template {name} failed: {e.message or e}") from None


def render_index(
    quarters: list[dict[str, Any]],
    latest: dict[str, Any],
    *,
    project: str | None = None,
    templates_dir: Path | None = None,
) -> str:
    """The dashboard's home page: the latest report's summary and history, and every
    quarter (``quarter``, ``href``, ``stage``, ``dates``, the averages), newest first."""
    if "stage" not in latest:
        latest = tell(latest)
    context = {
        "quarters": quarters,
        "latest": latest,
        "project": project,
        "charts": svg_story.charts(latest),
        "generator": f"okrflow {__version__}",
    }
    return _run(environment("html", templates_dir), "index.html.j2", context)


def render(doc: dict[str, Any], fmt: Format, *, templates_dir: Path | None = None) -> str:
    """The report document ``doc`` as ``"md"``, ``"html"`` or ``"json"`` text.

    Raises ValueError for an unknown format, and ConfigError (one line, naming the
    template and line) when a template is missing, malformed or fails.
    """
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False)
    if fmt not in TEMPLATES:
        raise ValueError(f"report format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return _run(environment(fmt, templates_dir), TEMPLATES[fmt], _context(doc, fmt))
