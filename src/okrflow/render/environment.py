"""okrflow's one Jinja environment: where templates come from and what a printed value is.

Templates are package data (the report templates in ``okrflow/render/templates/report/``,
the issue templates of ``issue_templates/``) or a company's override directory, searched
first. They run in Jinja's immutable sandbox with ``StrictUndefined``, so a template
can neither reach Python internals nor print a name it misspelt. Text from issues or
from the command line only ever reaches a template as a value, never as template
source, and every ``{{ ... }}`` output is made inert by ``finalize``:

- in Markdown, :func:`~okrflow.render.escape.markdown.escape_blocks`: ``@all`` pings no
  one, a ``/close`` line is no quick action, a ``## Owner`` line no section, ``<!--``
  no comment, even in an override template that forgets the ``md``/``cell`` filters;
- in HTML, autoescaping (every template of an HTML render, whatever it is called;
  otherwise files named ``*.html``/``*.html.j2``), after mentions are neutralised.

Values okrflow marks safe (a real ``@owner`` from the ``mention`` filter, quick-action
labels, charts it built and cleaned) are left alone. The filters are the formatting
of :mod:`okrflow.render.display` and the escaping of :mod:`okrflow.render.escape`.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Any

import jinja2
from jinja2.nodes import EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from okrflow.errors import ConfigError
from okrflow.render import display
from okrflow.render.escape import html, markdown

__all__ = ["ISSUE_TEMPLATES", "environment", "issue_templates_dir", "report_templates_dir"]

_HERE = Path(__file__).resolve().parent

# Short names okrflow uses -> the file names GitLab shows in its template picker.
ISSUE_TEMPLATES = {
    "objective": "OKR Objective.md",
    "kr": "OKR Key Result.md",
    "retrospective": "OKR Retrospective.md",
}


def report_templates_dir() -> Path:
    return _HERE / "templates" / "report"


def issue_templates_dir() -> Path:
    """The issue templates: ``okrflow/issue_templates`` in a wheel, else the repository's."""
    for candidate in (_HERE.parent / "issue_templates", _HERE.parents[2] / "issue_templates"):
        if (candidate / ISSUE_TEMPLATES["objective"]).is_file():
            return candidate
    raise ConfigError("okrflow's issue templates are missing from the installation: reinstall it")


@jinja2.pass_eval_context
def _finalize(eval_ctx: EvalContext, value: Any) -> Any:
    if eval_ctx.autoescape:
        return html.finalize(value)
    if isinstance(value, str) and not isinstance(value, Markup):
        return markdown.escape_blocks(value)
    return value


def _by_name(name: str | None) -> bool:
    if name is None:
        return False
    for suffix in (".j2", ".jinja2", ".jinja"):
        name = name.removesuffix(suffix)
    return name.endswith((".html", ".htm"))


def _spark(checkins: list[dict[str, Any]]) -> str:
    return display.sparkline([c["value"] for c in checkins])


FILTERS: dict[str, Any] = {
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
    "grade": display.grade_label,
    "outcome": display.outcome_label,
    "span": display.span,
    "series_mark": display.series_mark,
    "label": display.label,
    "team": display.team,
    "ref": display.ref,
    "okr": display.okr_ref,
    "parent_refs": display.parent_refs,
    "spark": _spark,
    "sparkline": display.sparkline,
    "kpi_state": display.kpi_state,
    "count": display.count,
    "plural": display.plural,
    "md": markdown.md_inline,
    "cell": markdown.md_cell,
    "md_cell": markdown.md_cell,
    "md_escape": markdown.md_cell,
    "mention": markdown.mention,
    "label_ref": markdown.label_ref,
    "neutralize_mentions": markdown.neutralize_mentions,
}


def environment(
    override_dir: Path | str | None = None, *, html: bool = False
) -> ImmutableSandboxedEnvironment:
    """The environment: ``override_dir`` templates win over okrflow's own; ``html``
    autoescapes every template (an HTML report), else only HTML-named ones."""
    return _environment(str(override_dir) if override_dir is not None else None, html)


@functools.lru_cache(maxsize=8)
def _environment(override_dir: str | None, html: bool) -> ImmutableSandboxedEnvironment:
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is not None:
        if not Path(override_dir).is_dir():
            raise ConfigError(
                "report templates directory not found; create it or leave the option out",
                path=override_dir,
            )
        loaders.append(jinja2.FileSystemLoader(override_dir))
    loaders.append(jinja2.FileSystemLoader(str(report_templates_dir())))
    with contextlib.suppress(ConfigError):  # only new and init need them, and they say so
        loaders.append(jinja2.FileSystemLoader(str(issue_templates_dir())))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=True if html else _by_name,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env
