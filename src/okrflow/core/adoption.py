"""Adoption of OKR issues people filed from the issue templates in GitLab's UI: the rules.

An objective or key result filed from a template carries its type label (the template's
quick action) but none of what okrflow gives the issues it opens itself. Adoption works
out, from what the person wrote, what okrflow would have given it:

- the quarter label: the issue's own quarter label, else its Quarter section, else (a
  key result) its objective's quarter, else the quarter being drafted during the
  drafting weeks and the current quarter otherwise; the comment says which;
- the team label: the Team section (an objective) or the objective's team (a key
  result), checked against the configured teams;
- the assignee: the one ``@username`` of the Owner section, when GitLab knows that user
  (a name it does not know, or a group, is a problem: never a guess);
- a key result's objective (its Objective section): the issue link to it;
- okrflow's metadata block (type, iid, objective, metric, owner, kind, lifecycle).

What cannot be worked out is a problem on the issue. An objective's Key results lines
(:func:`line_changes`) become key-result issues once: the objective's metadata records
each line with the issue it made (``key_result_lines``), so a second run creates
nothing, an edited line updates its key result, a removed one is reported and its
issue left alone, and a line that is not a measurable key result is named, not opened.

Pure: the caller reads GitLab and writes what :func:`plan_adoption` says.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from okrflow.core.description import split
from okrflow.core.issue_text import iid_of_key
from okrflow.core.labels import LabelNames
from okrflow.core.meta import Meta
from okrflow.core.model import KeyResult, Objective, Problem, State
from okrflow.core.sections import (
    OWNER,
    QUARTER,
    TEAM,
    parse_sections,
    same_words,
    section_items,
)
from okrflow.core.statements import StatementError, parse_statement

__all__ = [
    "ADOPTED_MARKER",
    "EDIT_LIKENESS",
    "LINES_KEY",
    "Adoption",
    "Context",
    "LineChanges",
    "Parent",
    "adoption_comment",
    "line_changes",
    "needs_adoption",
    "plan_adoption",
    "recorded_lines",
    "with_lines",
]

ADOPTED_MARKER = "<!-- okrflow:adopted -->"
LINES_KEY = "key_result_lines"  # objective metadata: [{"line": ..., "iid": ...}, ...]
EDIT_LIKENESS = 0.6  # how alike (difflib's ratio) a changed line is to the one it edits


@dataclasses.dataclass(frozen=True)
class Context:
    """What adoption needs to know beyond the issue."""

    names: LabelNames
    current: str  # the current quarter's label
    drafting: str | None  # the quarter being drafted, during its drafting weeks
    is_user: Callable[[str], bool]  # whether GitLab knows a user of that name
    quarter_label: Callable[[str], str | None]  # a quarter as the configured label


@dataclasses.dataclass(frozen=True)
class Parent:
    """A key result's objective as adoption sees it."""

    iid: int
    key: str
    quarter: str | None
    team: str | None
    owner: str | None
    project: str | None = None  # in a group scope: another project than the key result's


@dataclasses.dataclass
class Adoption:
    """What adopting one issue writes, and what it could not work out."""

    iid: int
    add_labels: list[str]
    assignee: str | None
    meta: Meta
    done: list[str]  # what was set, one phrase each, for the comment
    problems: list[Problem]
    quarter: str | None
    team: str | None
    owner: str | None  # a user GitLab knows
    objective_iid: int | None = None  # a key result: the objective to link to
    objective_project: str | None = None  # ... in another project of a group scope


def needs_adoption(description: str | None, labels: Sequence[str], names: LabelNames) -> bool:
    """An OKR issue (a type label) without okrflow's metadata block: filed by a person."""
    typed = names.objective in labels or names.key_result in labels
    return typed and names.kpi not in labels and not split(description).has_meta_block


def _quarter(
    okr: Objective | KeyResult,
    labels: Sequence[str],
    description: str | None,
    parent: Parent | None,
    ctx: Context,
    problems: list[Problem],
) -> tuple[str, str]:
    """(the quarter label, where it came from)."""
    names = ctx.names
    for label in labels:
        if names.quarter_of(label):
            return label, "its quarter label"
    where = f"{okr.project}#{okr.iid}"
    text = _section(description, QUARTER)
    if okr.quarter:
        written = ctx.quarter_label(okr.quarter)
        if written is not None:
            return written, "its Quarter section"
        problems.append(Problem(where, f"the Quarter section names {okr.quarter}, not a quarter"))
    elif text:
        problems.append(
            Problem(where, f"the Quarter section names no quarter ({text[:60]!r}), e.g. FY24-Q1")
        )
    if parent is not None and parent.quarter:
        return parent.quarter, "its objective's quarter"
    if ctx.drafting:
        return ctx.drafting, "the quarter being drafted (no Quarter section says otherwise)"
    return ctx.current, "the current quarter (no Quarter section says otherwise)"


def _section(description: str | None, name: str) -> str:
    """A section's text as a person wrote it, without template hints, on one line."""
    return " ".join(section_items(parse_sections(split(description).human).get(name)))


def _team(
    okr: Objective | KeyResult,
    labels: Sequence[str],
    description: str | None,
    parent: Parent | None,
    ctx: Context,
    problems: list[Problem],
) -> str | None:
    names = ctx.names
    where = f"{okr.project}#{okr.iid}"
    if names.teams:
        found = next((t for t in (names.team_of(label) for label in labels) if t), None)
        if found:
            return found
    if isinstance(okr, KeyResult):
        return parent.team if parent is not None else None
    written = _section(description, TEAM).strip('~"')
    if not written:
        problems.append(Problem(where, "the Team section is empty: write the team, e.g. CSM"))
        return None
    if not names.teams:
        if "," in written or len(written) > 255:
            problems.append(Problem(where, f"the Team section {written[:60]!r} is no label"))
            return None
        return written
    team = names.team_of(written)
    if team is None:
        problems.append(
            Problem(
                where,
                f"the Team section says {written[:60]!r}, not a configured team "
                f"({', '.join(names.teams)})",
            )
        )
    return team


def _owner(
    okr: Objective | KeyResult,
    description: str | None,
    parent: Parent | None,
    ctx: Context,
    problems: list[Problem],
) -> tuple[str | None, str]:
    """(the owner GitLab knows, where it came from)."""
    where = f"{okr.project}#{okr.iid}"
    if not _section(description, OWNER):
        if isinstance(okr, KeyResult) and parent is not None and parent.owner:
            return parent.owner, "its objective's owner"
        problems.append(Problem(where, "the Owner section is empty: write the owner's @username"))
        return None, ""
    name = okr.owner
    if name is None:
        return None, ""  # the reader named the problem already
    if not ctx.is_user(name):
        problems.append(
            Problem(
                where,
                f"the Owner section names @{name}, whom GitLab does not know as a user "
                "(a group, or a misspelt name?): write one person's @username",
            )
        )
        return None, ""
    return name, "the Owner section"


def plan_adoption(
    okr: Objective | KeyResult,
    *,
    description: str | None,
    labels: Sequence[str],
    assignees: Sequence[str],
    ctx: Context,
    parent: Parent | None = None,
) -> Adoption:
    """What adopting ``okr`` (read from its issue) writes; ``parent``: a key result's
    objective, when its Objective section names one found open."""
    assert okr.iid is not None
    names, where = ctx.names, f"{okr.project}#{okr.iid}"
    problems: list[Problem] = []
    done: list[str] = []
    add: list[str] = []
    quarter, origin = _quarter(okr, labels, description, parent, ctx, problems)
    if quarter not in labels:
        add.append(quarter)
        done.append(f"the quarter label {quarter}, from {origin}")
    team = _team(okr, labels, description, parent, ctx, problems)
    if team and team not in labels:
        add.append(team)
        done.append(f"the team label {team}")
    owner, whence = _owner(okr, description, parent, ctx, problems)
    assignee = owner if owner and owner not in assignees else None
    if assignee:
        done.append(f"the assignee @{assignee}, from {whence}")
    state = okr.state
    if not okr.states:
        state = State.DRAFT
        add.append(names.draft)
        done.append(f"the lifecycle label {names.draft}")
    meta = Meta(
        type="objective" if isinstance(okr, Objective) else "kr",
        iid=okr.iid,
        owner=owner,
        lifecycle=state,
    )
    objective_iid = None
    if isinstance(okr, Objective):
        meta = meta.replace(kind=okr.kind)
    else:
        objective_iid = parent.iid if parent is not None else None
        if parent is not None:
            # an iid names an issue of the key result's own project: none across
            own = None if parent.project else parent.iid
            meta = meta.replace(objective=parent.key, objective_iid=own)
            done.append(f"the link to its objective {parent.project or ''}#{parent.iid}")
        elif okr.objective is not None:
            named = iid_of_key(okr.objective)
            shown = f"#{named}" if named is not None else okr.objective  # a group's: in full
            problems.append(
                Problem(
                    where,
                    f"the Objective section names {shown}, which is not an open objective",
                )
            )
        try:
            meta = meta.replace(metric=parse_statement(okr.title))
        except StatementError as exc:
            problems.append(Problem(where, f"the statement is not a measurable key result: {exc}"))
    done.append("okrflow's record")
    return Adoption(
        iid=okr.iid,
        add_labels=add,
        assignee=assignee,
        meta=meta,
        done=done,
        problems=problems,
        quarter=quarter,
        team=team,
        owner=owner,
        objective_iid=objective_iid,
        objective_project=parent.project if parent is not None else None,
    )


def adoption_comment(adoption: Adoption, created: Sequence[int] = ()) -> str:
    """The one short comment saying what adoption set."""
    done = list(adoption.done)
    if created:
        done.append(
            "a key-result issue for each Key results line: " + ", ".join(f"#{i}" for i in created)
        )
    lines = ["okrflow adopted this issue filed from the template and set:", ""]
    lines += [f"- {what}" for what in done]
    if adoption.problems:
        lines += ["", "What it could not work out is in okrflow's lint comment."]
    return "\n".join([*lines, "", ADOPTED_MARKER])


# -- the Key results lines ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LineChanges:
    """How an objective's Key results lines differ from what okrflow made of them."""

    new: list[str]  # measurable lines without a key result yet
    edited: list[tuple[int, str]]  # (the key result's iid, its line now)
    removed: list[tuple[int, str]]  # (the key result's iid, the line that is gone)
    unmeasurable: list[tuple[str, str]]  # (line, why)

    @property
    def any(self) -> bool:
        return bool(self.new or self.edited or self.removed)


def recorded_lines(meta: Meta) -> list[tuple[str, int]]:
    """The (line, key result iid) pairs an objective's metadata records."""
    out: list[tuple[str, int]] = []
    raw = meta.extra.get(LINES_KEY)
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, Mapping):
            line, iid = entry.get("line"), entry.get("iid")
            if isinstance(line, str) and isinstance(iid, int) and not isinstance(iid, bool):
                out.append((line, iid))
    return out


def with_lines(meta: Meta, lines: Sequence[tuple[str, int]]) -> Meta:
    """``meta`` recording ``lines`` as (line, key result iid) pairs."""
    extra: dict[str, Any] = dict(meta.extra)
    extra[LINES_KEY] = [{"line": line, "iid": iid} for line, iid in lines]
    return meta.replace(extra=extra)


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def line_changes(recorded: Sequence[tuple[str, int]], lines: Sequence[str]) -> LineChanges:
    """Compare the Key results ``lines`` with the ``recorded`` ones: a line found again
    is kept; of the others, a current line much like a recorded one (the most alike,
    at least :data:`EDIT_LIKENESS`) is its edit; the rest are new or removed."""
    unmeasurable: list[tuple[str, str]] = []
    current: list[str] = []
    for line in dict.fromkeys(lines):
        try:
            parse_statement(line)
        except StatementError as exc:
            unmeasurable.append((line, exc.reason))
            continue
        current.append(line)
    kept = [r for r in recorded if any(same_words(r[0], line) for line in current)]
    gone = [r for r in recorded if r not in kept]
    fresh = [line for line in current if not any(same_words(r[0], line) for r in recorded)]
    edited: list[tuple[int, str]] = []
    new: list[str] = []
    for line in fresh:
        best = max(gone, key=lambda r: _likeness(r[0], line), default=None)
        if best is not None and _likeness(best[0], line) >= EDIT_LIKENESS:
            gone.remove(best)
            edited.append((best[1], line))
        else:
            new.append(line)
    return LineChanges(
        new=new,
        edited=edited,
        removed=[(iid, line) for line, iid in gone],
        unmeasurable=unmeasurable,
    )
