"""okrflow's Jinja2 environment and its issue templates.

Templates are files okrflow ships (``okrflow/templates/``, the issue templates in
``issue_templates/``) or a company's override directory, searched first. They run
in Jinja's immutable sandbox with ``StrictUndefined``; HTML templates (``*.html``,
``*.html.j2``) are autoescaped. Text from issues or from the command line is only
ever passed as values, never joined into template source, and every ``{{ ... }}``
output is made inert by Jinja's ``finalize``: in Markdown :func:`escape_blocks`
(``@all`` pings no one, a ``/close`` line is no quick action, a ``## Owner`` line no
section, ``<!--`` no comment), in HTML mentions are neutralised before escaping.
Values okrflow marks safe (the ``mention`` filter's real ``@owner``, quick-action
labels) are left alone.

One source serves each issue template: rendered with no values it is the text of
the GitLab UI template (:func:`ui_template_text`, committed by ``okrflow init``),
with values it is the description ``okrflow new`` writes (:func:`render_issue_template`).
"""

from __future__ import annotations

import contextlib
import enum
import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.nodes import EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from okrflow.core.description import escape_blocks, neutralize_mentions
from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames
from okrflow.errors import ConfigError

__all__ = [
    "ISSUE_TEMPLATES",
    "issue_labels",
    "issue_templates_dir",
    "label_ref",
    "make_environment",
    "md_cell",
    "md_escape",
    "mention",
    "neutralize_mentions",
    "package_templates_dir",
    "render",
    "render_issue_template",
    "ui_template_text",
]

# Short names okrflow uses -> the file names GitLab shows in its template picker.
ISSUE_TEMPLATES = {
    "objective": "OKR Objective.md",
    "kr": "OKR Key Result.md",
    "retrospective": "OKR Retrospective.md",
}

_HERE = Path(__file__).resolve().parent
_USERNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_GROUP_PINGS = {"all", "here", "channel", "everyone"}
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def package_templates_dir() -> Path:
    return _HERE / "templates"


def issue_templates_dir() -> Path:
    """The issue templates: ``okrflow/issue_templates`` in a wheel, else the repository's."""
    for candidate in (_HERE.parent / "issue_templates", _HERE.parents[2] / "issue_templates"):
        if (candidate / ISSUE_TEMPLATES["objective"]).is_file():
            return candidate
    raise ConfigError("okrflow's issue templates are missing from the installation: reinstall it")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def md_escape(value: Any) -> str:
    """Text for one Markdown table cell, shown literally: one line, and no ``|``,
    ``\\``, ``<``, ``>`` or ``&`` that could end the cell or become HTML."""
    text = _LINE_BREAKS.sub(" ", _text(value))
    for char, ref in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "&#124;")):
        text = text.replace(char, ref)
    return text.replace("\\", "&#92;")


def md_cell(value: Any) -> str:
    """:func:`md_escape` with mentions neutralised."""
    return neutralize_mentions(md_escape(value))


def mention(username: Any) -> str:
    """``@username`` as a real mention when it is a plain GitLab username; anything
    else (``all``, ``here``, ``group/sub``, text) is written inert."""
    name = _text(username).strip().removeprefix("@")
    if _USERNAME.fullmatch(name) and name.casefold() not in _GROUP_PINGS:
        return Markup(f"@{name}")  # the username pattern admits no HTML
    return neutralize_mentions("@" + name)


def label_ref(name: Any) -> str:
    """A label in a quick action: ``~"okr::key result"``."""
    text = _text(name)
    if '"' in text or "\n" in text or "\r" in text or not text.strip():
        raise ValueError(f"label {text!r} cannot be used in a quick action")
    return Markup(f'~"{text}"')  # trusted: label names come from okrflow's config


def _score(value: Any) -> str:
    return "" if value is None else f"{float(value):.1f}"


@jinja2.pass_eval_context
def _finalize(eval_ctx: EvalContext, value: Any) -> Any:
    """Every printed value: inert Markdown (:func:`escape_blocks`) or, in HTML,
    mentions neutralised before autoescaping."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return neutralize_mentions(value) if eval_ctx.autoescape else escape_blocks(value)
    return value


def _autoescape(name: str | None) -> bool:
    if name is None:
        return False
    for suffix in (".j2", ".jinja2", ".jinja"):
        name = name.removesuffix(suffix)
    return name.endswith((".html", ".htm"))


def make_environment(override_dir: Path | str | None = None) -> ImmutableSandboxedEnvironment:
    """A fresh environment; ``override_dir`` templates win over okrflow's own."""
    dirs = [str(package_templates_dir())]
    with contextlib.suppress(ConfigError):
        dirs.append(str(issue_templates_dir()))
    if override_dir is not None:
        if not Path(override_dir).is_dir():
            raise ConfigError(f"template directory {override_dir} does not exist")
        dirs.insert(0, str(override_dir))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(dirs),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        neutralize_mentions=neutralize_mentions,
        md_escape=md_escape,
        md_cell=md_cell,
        mention=mention,
        label_ref=label_ref,
        score=_score,
    )
    return env


@functools.lru_cache(maxsize=1)
def _default_environment() -> ImmutableSandboxedEnvironment:
    return make_environment()


def _file_name(name: str) -> str:
    return ISSUE_TEMPLATES.get(name, name)


def issue_labels(
    name: str,
    *,
    quarter: str | None = None,
    team: str | None = None,
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
) -> list[str]:
    """The labels an issue filed from template ``name`` gets: type, draft, quarter, team.

    With team names configured, a team that is not one of them gets no label.
    """
    file_name = _file_name(name)
    if file_name == ISSUE_TEMPLATES["retrospective"]:
        labels = [label_names.retrospective]
    elif file_name == ISSUE_TEMPLATES["kr"]:
        labels = [label_names.key_result, label_names.draft]
    else:
        labels = [label_names.objective, label_names.draft]
    if quarter:
        labels.append(_text(quarter))
    if team and label_names.teams:
        team = label_names.team_of(_text(team))  # only a configured team is a label
    if team:
        labels.append(_text(team))
    return labels


def render(template: str, env: ImmutableSandboxedEnvironment | None = None, **values: Any) -> str:
    """Render one template by name; a broken or missing template is a ConfigError."""
    env = env or _default_environment()
    try:
        return env.get_template(template).render(**values)
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"template {exc.name!r} not found") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or template
        raise ConfigError(f"{exc.message}", path=where, line=exc.lineno) from None
    except (jinja2.TemplateError, ValueError) as exc:
        raise ConfigError(f"template {template!r} failed: {exc}") from None


def render_issue_template(
    name: str,
    *,
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
    env: ImmutableSandboxedEnvironment | None = None,
    **fields: Any,
) -> str:
    """The description of a new OKR issue, from template ``name`` ("objective", "kr",
    "retrospective" or a file name) with ``fields`` filled in.

    Objective: title, purpose, owner, team, quarter, key_results (statements),
    parents (references such as ``#12``), kind. Key result: statement, objective
    (a reference), owner, weight. Retrospective: quarter, team, objectives (each
    with title, ref, kind, score, outcome). ``labels`` defaults to
    :func:`issue_labels` for the template, quarter and team. The caller adds the
    metadata block (:func:`okrflow.core.description.with_meta`).
    """
    if "labels" not in fields:
        fields["labels"] = issue_labels(
            name, quarter=fields.get("quarter"), team=fields.get("team"), label_names=label_names
        )
    return render(_file_name(name), env, **fields)


def ui_template_text(
    name: str,
    *,
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
    env: ImmutableSandboxedEnvironment | None = None,
) -> str:
    """The GitLab issue template (``.gitlab/issue_templates/<name>``): blank sections
    with hints, and quick actions that label a filed issue with its type (and draft)."""
    labels: Sequence[str] = issue_labels(name, label_names=label_names)
    return render(_file_name(name), env, labels=list(labels))
