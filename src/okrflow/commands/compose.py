"""Composing a new OKR issue from the model: the one way ``new``, ``apply`` and ``carry``
open an objective or a key result.

The description is the issue template rendered with the OKR's fields (without its
quick-action line: the labels are set through the API), an optional opening line, and
okrflow's metadata block stamped with the version that writes it; the labels are the
template's (type, draft, quarter, team); the owner is the assignee; the okrflow key is
how a create whose answer was lost is found again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from okrflow import __version__
from okrflow.adapter import NewIssue
from okrflow.core.description import with_meta
from okrflow.core.labels import LabelNames
from okrflow.core.meta import Meta
from okrflow.core.model import KeyResult, Objective
from okrflow.core.okr_diff import number
from okrflow.render.templating import issue_labels, render_issue_template

__all__ = ["new_okr_issue", "okr_text", "stamped", "without_label_actions"]

_QUICK_ACTION = re.compile(r"(?m)^/(?:label|unlabel|relabel)\b.*(?:\n|\Z)")


def without_label_actions(text: str) -> str:
    """A rendered issue template without its quick-action line: labels are set through
    the API (a description okrflow writes runs no quick action)."""
    return _QUICK_ACTION.sub("", text).rstrip() + "\n"


def okr_text(
    okr: Objective | KeyResult,
    names: LabelNames,
    quarter: str | None,
    targets: Sequence[int | str],
) -> str:
    """The description text okrflow writes for ``okr`` (no metadata block); ``targets``
    are its parents (an objective) or its objective (a key result): iids in its own
    project, or full references (``acme/company#3``) into another."""
    refs = [target if isinstance(target, str) else f"#{target}" for target in targets]
    if isinstance(okr, Objective):
        text = render_issue_template(
            "objective",
            label_names=names,
            title=okr.title,
            purpose=okr.purpose or None,
            owner=okr.owner,
            team=okr.team,
            quarter=quarter,
            parents=refs,
            kind=okr.kind.value,
        )
    else:
        text = render_issue_template(
            "kr",
            label_names=names,
            statement=okr.title,
            objective=refs[0] if refs else None,
            also=refs[1:],  # the further objectives it counts for
            owner=okr.owner,
            weight=number(okr.weight) if okr.weight != 1.0 else None,
            quarter=quarter,
        )
    return without_label_actions(text)


def stamped(meta: Meta) -> Meta:
    """``meta`` as written: with the version of okrflow that writes it."""
    return meta.replace(okrflow=__version__)


def new_okr_issue(
    okr: Objective | KeyResult,
    meta: Meta,
    *,
    names: LabelNames,
    quarter: str | None,
    targets: Sequence[int | str] = (),
    opening: str = "",
    text: str | None = None,
    project: str | None = None,
) -> NewIssue:
    """The issue that opens ``okr`` in ``quarter``, with ``meta`` as its metadata.

    ``opening`` goes before the template's text ("Carried over from #12."); ``text``
    replaces the template's text when the caller rendered it already; ``project``: the
    OKR project of a group scope it opens in.
    """
    body = opening + (text if text is not None else okr_text(okr, names, quarter, targets))
    template = "objective" if isinstance(okr, Objective) else "kr"
    return NewIssue(
        title=okr.title,
        description=with_meta(body, stamped(meta).to_dict()),
        labels=tuple(issue_labels(template, quarter=quarter, team=okr.team, label_names=names)),
        assignee=okr.owner,
        key=meta.key,
        project=project,
    )
