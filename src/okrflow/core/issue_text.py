"""Reading an OKR from a GitLab issue: title, labels, description sections, metadata.

:func:`read_issue` reads three kinds of issue the same way:

1. written by okrflow: the metadata block (:mod:`okrflow.core.description`) gives
   the key, parents with their iids, the metric, weight, source, last check-in ...;
2. filed by a person from the issue templates (``issue_templates/``), full or half
   filled: the ``## Purpose / why it matters``, ``## Owner`` ... sections and the
   labels the template's quick actions applied; required information that is
   nowhere to be found is named in ``missing_sections`` for lint;
3. with a broken metadata block: read from the visible text as in 2 (keeping the
   key if it can still be found in the broken block) and reported.

What a person can see and edit wins over the metadata: labels for type, state,
quarter and team; the Owner, Purpose, Parent objective, Weight and Committed or
aspirational sections. The metadata fills in what the text does not say.
Keys of issues okrflow has not written are ``iid-<n>`` (:func:`key_for_iid`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import TypedDict

from okrflow.core.description import split
from okrflow.core.issue_meta import read_meta
from okrflow.core.issue_refs import (
    PROJECT_OF_URL,
    REF,
    iid_of_key,
    issue_of_key,
    key_for_iid,
    key_for_ref,
    reference_iid,
    refs,
)
from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames
from okrflow.core.meta import MAX_PARENTS, Meta
from okrflow.core.model import (
    CheckIn,
    KeyResult,
    Kind,
    MetricSource,
    Objective,
    Problem,
    State,
)
from okrflow.core.sections import (
    KEY_RESULT,
    KEY_RESULTS,
    KIND,
    OBJECTIVE,
    OWNER,
    PARENT,
    PURPOSE,
    QUARTER,
    TEAM,
    WEIGHT,
    clean_text,
    list_items,
    parse_sections,
    replace_section_line,
    same_words,
    section_items,
)

__all__ = [
    "DEFAULT_LABEL_NAMES",
    "LabelNames",
    "iid_of_key",
    "issue_of_key",
    "key_for_iid",
    "key_for_ref",
    "parse_sections",
    "read_issue",
    "reference_iid",
    "replace_section_line",
    "same_words",
    "section_items",
]


_USERNAME = r"[A-Za-z0-9_][A-Za-z0-9_.\-]*"
_MENTION = re.compile(rf"(?<![\w@])@\u2060?({_USERNAME})")
_CHECKED = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\[[xX]\]")
_UNCHECKED = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\[ \]")


@dataclasses.dataclass
class _Reader:
    iid: int
    project: str | None
    sections: dict[str, str]
    problems: list[Problem]
    across: bool = False  # a group scope: references into other projects are followed
    where: str = ""  # how problems name the issue (default ``#12``)

    def note(self, message: str) -> None:
        self.problems.append(Problem(self.where or f"#{self.iid}", message))

    def text(self, name: str) -> str:
        return clean_text(self.sections.get(name))

    def owner(self) -> str | None:
        content = self.text(OWNER)
        names = _MENTION.findall(content)
        if not names and re.fullmatch(_USERNAME, content):
            names = [content]
        names = [n.rstrip(".") for n in names]
        if len(names) > 1:
            self.note(f"the Owner section names {len(names)} people; @{names[0]} is taken")
        elif content and not names:
            self.note("the Owner section does not name a GitLab user: write @username")
        return names[0] if names else None

    def parents(self, name: str, known: dict[int, str]) -> list[str]:
        """The keys of the issues section ``name`` refers to (``known``: keys by iid in
        the issue's project); another project's issues only in a group scope."""
        content = self.text(name)
        if content.isdigit():
            return _keys([int(content)], known)
        keys: list[str] = []
        foreign: list[tuple[str, str, int]] = []
        for match in REF.finditer(content):  # in the order written (a KR's first is home)
            iids, others = refs(match.group(0), self.project)
            keys += _keys(iids, known)
            if self.across:
                keys += [key_for_ref(path, iid) for _, path, iid in others]
            foreign += others
        keys = list(dict.fromkeys(keys))
        if foreign and not self.across:
            more = f" and {len(foreign) - 1:,} more" if len(foreign) > 1 else ""
            self.note(
                f"the {name} section refers to another project ({foreign[0][0]}{more}); "
                "not followed"
            )
        return keys

    def kind(self) -> Kind | None:
        lines = self.text(KIND).splitlines()
        checked = [line for line in lines if _CHECKED.match(line)]
        chosen = checked or [line for line in lines if not _UNCHECKED.match(line)]
        words = " ".join(chosen).casefold()
        kinds = [k for k in Kind if k.value in words]
        if len(kinds) > 1:
            self.note("the Committed or aspirational section chooses both; committed is taken")
        return kinds[0] if kinds else None

    def weight(self) -> float | None:
        content = self.text(WEIGHT)
        if not content:
            return None
        try:
            return float(content.split()[0].replace(",", "."))
        except ValueError:
            self.note(f"the Weight section is not a number ({content[:40]!r}); ignored")
            return None


def _label_facts(
    reader: _Reader, labels: Sequence[str], names: LabelNames
) -> tuple[tuple[State, ...], list[str], list[str], bool, bool]:
    states = tuple(s for s in State if names.state_label(s) in labels)
    quarters = [q for q in (names.quarter_of(label) for label in labels) if q]
    teams = [t for t in (names.team_of(label) for label in labels) if t]
    for what, found in (("quarter", quarters), ("team", teams)):
        if len(found) > 1:
            reader.note(f"several {what} labels ({', '.join(found)}); {found[0]} is taken")
    return states, quarters, teams, names.objective in labels, names.key_result in labels


def read_issue(
    *,
    iid: int,
    title: str,
    description: str | None,
    labels: Sequence[str],
    assignees: Sequence[str] = (),
    author: str | None = None,
    web_url: str = "",
    state: str = "opened",
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
    across: bool = False,
    where: str | None = None,
) -> tuple[Objective | KeyResult, list[Problem]]:
    """Read one OKR issue. Never raises on content: whatever is odd becomes a problem.

    ``author`` is not the owner; it is accepted for callers' convenience only.
    ``across`` (a group scope): references to issues of other projects are followed.
    ``where``: how its problems name the issue (default ``#12``).
    """
    del author
    url = PROJECT_OF_URL.match(web_url)
    text = description or ""
    reader = _Reader(iid, url.group("path") if url else None, {}, [], across, where or "")
    meta, meta_problems = read_meta(text, iid, reader.note, where)
    reader.problems += meta_problems
    reader.sections = parse_sections(split(text).human)
    states, quarters, teams, is_objective, is_kr = _label_facts(reader, labels, label_names)

    if is_objective == is_kr:
        guess = meta.type if meta and meta.type else None
        if guess is None:
            guess = "kr" if KEY_RESULT in reader.sections else "objective"
        what = "both type labels" if is_objective else "no type label"
        reader.note(
            f"the issue has {what} ({label_names.objective} / {label_names.key_result}); "
            f"read as {'a key result' if guess == 'kr' else 'an objective'}"
        )
        is_kr = guess == "kr"
    if state == "closed" and State.CLOSED not in states:
        reader.note(f"the issue is closed but not labelled {label_names.closed}")
    if state != "closed" and State.CLOSED in states:
        reader.note(f"the issue is labelled {label_names.closed} but still open")

    written_quarter = label_names.quarter_in(reader.text(QUARTER))
    quarter = quarters[0] if quarters else written_quarter
    if written_quarter not in (None, quarter):
        reader.note(
            f"the Quarter section says {written_quarter} but the label {quarter}; "
            "the label is taken"
        )
    year = _year_of(reader, labels, label_names, quarter)
    team = teams[0] if teams else _team_from_text(reader.text(TEAM), label_names)
    owner = reader.owner() or (assignees[0] if assignees else None)
    if owner is None and meta is not None:
        owner = meta.owner
    common: _Common = {
        "key": meta.key if meta and meta.key else key_for_iid(iid),
        "title": title.strip(),
        "owner": owner,
        "quarter": quarter,
        "team": team,
        "iid": iid,
        "state": states[0] if len(states) == 1 else None,
        "states": states,
    }
    missing = [OWNER] if owner is None else []
    if is_kr:
        if year is not None:
            reader.note(
                f"a key result belongs to a quarter, not to the fiscal year {year}: label it "
                "with a quarter of that year, under a quarterly objective"
            )
        return _key_result(reader, meta, common, missing), reader.problems
    return _objective(reader, meta, common, missing, year), reader.problems


def _year_of(
    reader: _Reader, labels: Sequence[str], names: LabelNames, quarter: str | None
) -> str | None:
    """The fiscal year an issue is labelled with (an annual objective), None when it has
    none; a year beside a quarter is a problem, and the quarter is taken."""
    years = [y for y in (names.year_of(label) for label in labels) if y]
    if len(years) > 1:
        reader.note(f"several fiscal year labels ({', '.join(years)}); {years[0]} is taken")
    if years and quarter is not None:
        reader.note(
            f"labelled with the quarter {quarter} and the fiscal year {years[0]}: read as an "
            f"objective of {quarter} (remove one of the two labels)"
        )
        return None
    if years:
        return years[0]
    return names.year_in(reader.text(QUARTER)) if quarter is None else None


def _team_from_text(text: str, names: LabelNames) -> str | None:
    first = text.splitlines()[0].strip() if text else ""
    first = re.sub(r'^~"?|"$', "", first).strip()
    return names.team_of(first) or first or None


def _first(*values: float | None) -> float:
    return next(v for v in values if v is not None)


def _keys(iids: list[int], known: dict[int, str]) -> list[str]:
    return [known.get(i, key_for_iid(i)) for i in iids]


class _Common(TypedDict):
    key: str
    title: str
    owner: str | None
    quarter: str | None
    team: str | None
    iid: int
    state: State | None
    states: tuple[State, ...]


def _objective(
    reader: _Reader,
    meta: Meta | None,
    common: _Common,
    missing: list[str],
    year: str | None = None,
) -> Objective:
    purpose = reader.text(PURPOSE)
    if PARENT in reader.sections:
        known = {p.iid: p.key for p in (meta.parents if meta else ()) if p.iid is not None}
        parents = reader.parents(PARENT, known)
    else:
        parents = [p.key for p in meta.parents] if meta else []
    if len(parents) > MAX_PARENTS:
        reader.note(f"{len(parents):,} parent objectives: only the first {MAX_PARENTS} are read")
        parents = parents[:MAX_PARENTS]
    proposed = tuple(i for i in list_items(reader.text(KEY_RESULTS)) if not REF.fullmatch(i))
    period = common["quarter"] or year
    for name, value in ((PURPOSE, purpose), (TEAM, common["team"]), (QUARTER, period)):
        if not value:
            missing.append(name)
    if not proposed and meta is None:
        missing.append(KEY_RESULTS)
    return Objective(
        **common,
        purpose=purpose,
        level=meta.level if meta and meta.level else "team",
        parents=parents,
        kind=reader.kind() or (meta.kind if meta and meta.kind else Kind.COMMITTED),
        weight=_first(meta.weight if meta else None, 1.0),
        outcome=meta.outcome if meta else None,
        score=meta.score if meta else None,
        kpis=[k.key for k in meta.kpis] if meta else [],
        missing_sections=tuple(sorted(missing, key=_ORDER.index)),
        proposed_key_results=proposed,
        year=year,
    )


def _key_result(
    reader: _Reader, meta: Meta | None, common: _Common, missing: list[str]
) -> KeyResult:
    name = OBJECTIVE if OBJECTIVE in reader.sections else PARENT
    objective = meta.objective if meta else None
    also = [a.key for a in meta.also] if meta else []
    if name in reader.sections:
        known = {a.iid: a.key for a in (meta.also if meta else ()) if a.iid and not a.project}
        if meta and meta.objective_iid and meta.objective:
            known[meta.objective_iid] = meta.objective
        # several objectives, one per line: it counts for each, the first is its home
        keys = reader.parents(name, known)
        objective, also = (keys[0], keys[1:]) if keys else (None, [])
    if len(also) >= MAX_PARENTS:
        reader.note(f"{len(also) + 1:,} objectives: only the first {MAX_PARENTS} are read")
        also = also[: MAX_PARENTS - 1]
    if objective is None:
        missing.append(OBJECTIVE)
    weight = reader.weight()
    checkins: list[CheckIn] = []
    recorded = [*meta.checkins, *([meta.checkin] if meta.checkin else [])] if meta else []
    for c in recorded:  # the history, then the latest (once)
        entry = CheckIn(c.at, c.value, c.confidence, c.author, source=c.source)
        if entry not in checkins:
            checkins.append(entry)
    return KeyResult(
        **common,
        metric=meta.metric if meta else None,
        weight=_first(weight, meta.weight if meta else None, 1.0),
        checkins=checkins,
        source=meta.source if meta and meta.source else MetricSource(),
        initiatives=list(meta.initiatives or ()) if meta else [],
        baseline=meta.baseline if meta else None,
        objective=objective,
        also=[key for key in dict.fromkeys(also) if key != objective],
        missing_sections=tuple(sorted(missing, key=_ORDER.index)),
    )


_ORDER = [OBJECTIVE, KEY_RESULT, PURPOSE, OWNER, TEAM, QUARTER, KEY_RESULTS, PARENT, KIND, WEIGHT]
