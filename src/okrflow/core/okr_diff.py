"""How ``okrflow apply`` tells an OKR in GitLab from the one in the file (pure).

- :func:`fingerprint`: a short hash of the description text okrflow wrote, kept in the
  metadata (:data:`TEXT_KEY`) so a later run knows whether a person has edited it since.
- :func:`meta_details`: the differences between two metadata blocks, as plan lines say them
  (``target 15,000 -> 16,000``).
- :func:`text_conflicts`: where an issue's text, read as every okrflow command reads it
  (:func:`okrflow.core.issue_text.read_issue`: the visible sections win over the
  metadata), still says something other than the file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from okrflow.core.issue_text import issue_of_key
from okrflow.core.meta import Meta, ParentRef
from okrflow.core.model import IssueId, KeyResult, Metric, MetricSource, Objective
from okrflow.core.values import format_value

__all__ = [
    "TEXT_KEY",
    "comparable",
    "fingerprint",
    "meta_details",
    "number",
    "quote",
    "text_conflicts",
    "unlinked",
]

TEXT_KEY = "text_sha256"  # metadata: fingerprint of the description text okrflow wrote


def fingerprint(text: str) -> str:
    """A short hash of description text, blind to line endings, trailing spaces and
    blank lines (what GitLab or a progress section may change around it)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    normal = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def unlinked(meta: Meta) -> Meta:
    """The metadata before the links exist: no iid of a parent or of the objective yet."""
    return meta.replace(
        parents=tuple(ParentRef(p.key) for p in meta.parents),
        also=tuple(ParentRef(a.key) for a in meta.also),
        objective_iid=None,
    )


def comparable(meta: Meta) -> dict[str, Any]:
    """The metadata without what changes nothing for people (version, text fingerprint)."""
    data = meta.to_dict()
    for key in ("okrflow", TEXT_KEY):
        data.pop(key, None)
    return data


def meta_details(have: Meta, want: Meta, links: Sequence[int | str]) -> list[str]:
    """What differs between the metadata in GitLab and the file's, for a plan line;
    ``links``: the links to make, by iid (or, to another project, full reference)."""
    details: list[str] = []
    if have.metric != want.metric:
        details.extend(_metric_details(have.metric, want.metric))
    for name in ("weight", "kind", "level", "owner"):
        old, new = getattr(have, name), getattr(want, name)
        if old != new:
            details.append(f"{name} {_shown(old)} -> {_shown(new)}")
    if want.source is not None and (have.source or MetricSource()) != want.source:
        old_kind = have.source.kind.value if have.source else "manual"
        details.append(f"source {old_kind} -> {want.source.kind.value}")
    old_parents = [p.key for p in have.parents]
    new_parents = [p.key for p in want.parents]
    if old_parents != new_parents:
        details.append(f"parents {old_parents} -> {new_parents}")
    old_also, new_also = [a.key for a in have.also], [a.key for a in want.also]
    if old_also != new_also:
        details.append(f"also counts for {old_also} -> {new_also}")
    old_kpis, new_kpis = [k.key for k in have.kpis], [k.key for k in want.kpis]
    if old_kpis != new_kpis:
        details.append(f"kpis {old_kpis} -> {new_kpis}")
    if have.range != want.range:
        details.append("healthy range")
    if have.extra.get("purpose") != want.extra.get("purpose"):
        details.append("purpose")
    details.extend(f"link to {t if isinstance(t, str) else f'#{t}'}" for t in links)
    if not details and comparable(have) != comparable(want):
        details.append("okrflow metadata")
    return details


def _metric_details(old: Metric | None, new: Metric | None) -> list[str]:
    if old is None or new is None:
        return ["metric set" if new is not None else "metric removed"]
    out = []
    for name in ("kind", "start", "target", "unit", "direction"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            if name in ("start", "target"):
                a, b = format_value(a, old.unit), format_value(b, new.unit)
            out.append(f"{name} {_shown(a)} -> {_shown(b)}")
    return out


def text_conflicts(
    read: Objective | KeyResult,
    want: Objective | KeyResult,
    owner: str | None,
    keys: Mapping[IssueId, str],
) -> list[str]:
    """Where the issue, read back (``read``), differs from the file (``want``) because
    a person's text in a section wins; ``keys`` names the issues by project and iid."""

    def key_of(key: str | None) -> str | None:
        which = issue_of_key(key, read.project) if key else None
        return keys.get(which, key) if which is not None else key

    found: list[tuple[str, str, str, str]] = []  # (what, issue says, file says, section)
    if owner and read.owner != owner:
        found.append(("owner", f"@{read.owner}", f"@{owner}", "Owner"))
    if isinstance(read, Objective) and isinstance(want, Objective):
        if want.purpose and " ".join(read.purpose.split()) != " ".join(want.purpose.split()):
            found.append(("purpose", quote(read.purpose), quote(want.purpose), "Purpose"))
        have = sorted(filter(None, (key_of(k) for k in read.parents)))
        if have != sorted(want.parents):
            found.append(("parents", str(have), str(sorted(want.parents)), "Parent objective"))
        if read.kind != want.kind:
            kinds = (read.kind.value, want.kind.value)
            found.append(("kind", *kinds, "Committed or aspirational"))
    if isinstance(read, KeyResult) and isinstance(want, KeyResult):
        if read.weight != want.weight:
            found.append(("weight", number(read.weight), number(want.weight), "Weight"))
        if key_of(read.objective) != want.objective:
            found.append(("objective", str(read.objective), str(want.objective), "Objective"))
    return [
        f"its description says {what} {says}, the file {wants}; a person edited that text, "
        f"so apply leaves it: change the issue's {section} section (or the file)"
        for what, says, wants, section in found
    ]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    if isinstance(value, float):
        return number(value)
    return str(value)


def number(value: float) -> str:
    """``2`` for 2.0, ``1.5`` for 1.5."""
    return str(int(value)) if float(value).is_integer() else str(value)


def quote(text: str, limit: int = 60) -> str:
    """Text for a plan line: one line, in double quotes, cut at ``limit``."""
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 3] + "..."}"'
