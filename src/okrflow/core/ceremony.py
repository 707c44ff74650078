"""The closing ceremony's story around the numbers of a report document.

The report document (:mod:`okrflow.core.report`) holds every number of a quarter. A
report also tells the quarter's story, and :func:`tell` adds it to the document:

- ``stage``: ``progress`` (a mid-quarter report), ``draft`` (the closing report shown
  at the ceremony one week out, while objectives are still open: outcomes come on
  day 0) or ``final`` (every objective closed, with its outcome);
- ``dates``: the quarter's start and end, the ceremony and day 0 (the next quarter's
  start);
- ``people``: the display name of every username the report shows;
- ``story``: outcomes and grades counted (the cards of a closing report), and what
  carries over: objectives closed as carried over or marked for it, with their
  unfinished key results;
- ``retrospective``: each team's Good / Bad / Try answers;
- ``history``: the scores of the past quarters by team, oldest first, this one last
  (:func:`history_entry` is one quarter's line; each closing keeps its own so the next
  report finds them).

Pure: plain JSON values in and out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

__all__ = [
    "DATE_KEYS",
    "GRADES",
    "OUTCOMES",
    "STAGES",
    "carry_over",
    "grade_counts",
    "history_entry",
    "merge_history",
    "outcome_counts",
    "stage_of",
    "tell",
]

Stage = Literal["progress", "draft", "final"]
STAGES: tuple[Stage, ...] = ("progress", "draft", "final")
OUTCOMES = ("achieved", "carried over", "missed", "not a priority")
GRADES = ("green", "yellow", "red")
_DONE = ("achieved", "not a priority")
DATE_KEYS = ("start", "end", "ceremony", "day0", "next_quarter")


def _mean(xs: Sequence[float]) -> float | None:
    return math.fsum(xs) / len(xs) if xs else None


def stage_of(doc: Mapping[str, Any]) -> Stage:
    """``final`` once every objective of a closing report is closed, else ``draft``;
    ``progress`` for a progress report."""
    if doc["kind"] != "closing":
        return "progress"
    open_ = [o for o in doc["objectives"] if o["state"] != "closed"]
    return "draft" if open_ or not doc["objectives"] else "final"


def outcome_counts(objectives: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Objectives per recorded outcome; ``none``: not recorded yet."""
    counts = dict.fromkeys((*OUTCOMES, "none"), 0)
    for o in objectives:
        outcome = o.get("outcome")
        counts[outcome if outcome in counts else "none"] += 1
    return counts


def grade_counts(objectives: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Scored objectives per grade (green, yellow, red)."""
    counts = dict.fromkeys(GRADES, 0)
    for o in objectives:
        if o.get("grade") in counts:
            counts[o["grade"]] += 1
    return counts


def carry_over(
    objectives: Sequence[Mapping[str, Any]], marked: Iterable[str], to: str | None
) -> list[dict[str, Any]]:
    """Objectives that carry over into ``to``: closed as carried over, or marked for it
    (keys in ``marked``), with the key results that go with them (not finished, and
    not closed as achieved or not a priority)."""
    wanted = set(marked)
    found = []
    for o in objectives:
        if o.get("outcome") != "carried over" and o["key"] not in wanted:
            continue
        krs = [
            {"iid": kr["iid"], "key": kr["key"], "title": kr["title"], "progress": kr["progress"]}
            for kr in o["key_results"]
            if kr["progress"] < 1 and kr.get("outcome") not in _DONE
        ]
        found.append(
            {
                "iid": o["iid"],
                "key": o["key"],
                "title": o["title"],
                "team": o["team"],
                "owner": o["owner"],
                "score": o["score"],
                "progress": o["progress"],
                "carried": o.get("outcome") == "carried over",
                "to": to,
                "key_results": krs,
            }
        )
    return found


def history_entry(doc: Mapping[str, Any]) -> dict[str, Any]:
    """One quarter's line of the history: its scores (and progress) overall and by team."""
    objectives = doc["objectives"]
    dates = doc.get("dates") or {}
    scores = [o["score"] for o in objectives if o["score"] is not None]
    teams: dict[str | None, list[Mapping[str, Any]]] = {}
    for o in objectives:
        teams.setdefault(o["team"], []).append(o)
    return {
        "quarter": doc["quarter"],
        "start": dates.get("start"),
        "end": dates.get("end"),
        "stage": doc.get("stage") or stage_of(doc),
        "objectives": len(objectives),
        "scored": len(scores),
        "average_score": _mean(scores),
        "average_progress": _mean([o["progress"] for o in objectives]),
        "teams": [
            {
                "team": team,
                "objectives": len(members),
                "average_score": _mean([o["score"] for o in members if o["score"] is not None]),
                "average_progress": _mean([o["progress"] for o in members]),
            }
            for team, members in teams.items()
        ],
    }


def _entry_ok(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("quarter"), str)
        and isinstance(entry.get("teams"), list)
    )


def merge_history(
    before: Iterable[Any], current: Mapping[str, Any] | None, *, order: Sequence[str] = ()
) -> dict[str, Any]:
    """The history: the kept entries of earlier quarters (malformed ones dropped; a
    quarter kept twice: the later one), then ``current`` (which replaces a kept entry
    of its own quarter). ``order`` lists quarter labels oldest first, for sorting;
    quarters it does not name keep the order they came in. ``teams``: every team
    named, in order of first appearance."""
    entries: dict[str, dict[str, Any]] = {}
    for entry in before:
        if _entry_ok(entry):
            entries[entry["quarter"]] = dict(entry)
    if current is not None:
        entries.pop(current["quarter"], None)
        entries[current["quarter"]] = dict(current)
    rank = {q: n for n, q in enumerate(order)}
    position = {q: n for n, q in enumerate(entries)}
    quarters = sorted(
        entries.values(), key=lambda e: (rank.get(e["quarter"], -1), position[e["quarter"]])
    )
    teams: list[str | None] = []
    for entry in quarters:
        for team in entry["teams"]:
            name = team.get("team") if isinstance(team, dict) else None
            if name not in teams:
                teams.append(name)
    return {"quarters": quarters, "teams": teams}


def tell(
    doc: Mapping[str, Any],
    *,
    dates: Mapping[str, str] | None = None,
    people: Mapping[str, str] | None = None,
    marked: Iterable[str] = (),
    next_quarter: str | None = None,
    retrospectives: Sequence[Mapping[str, Any]] | None = None,
    history: Iterable[Any] = (),
    history_order: Sequence[str] = (),
) -> dict[str, Any]:
    """``doc`` with its story (see the module): a new dict, ``doc`` is left as it was.

    ``retrospectives`` None: not read (a progress report). ``history``: the kept
    entries of earlier quarters; this quarter's own entry is added last.
    """
    told = dict(doc)
    told["stage"] = stage_of(doc)
    told["dates"] = {**dict.fromkeys(DATE_KEYS), **(dates or {})}
    told["people"] = dict(people or {})
    objectives = doc["objectives"]
    told["story"] = {
        "outcomes": outcome_counts(objectives),
        "grades": grade_counts(objectives),
        "carry_over": carry_over(objectives, marked, next_quarter),
    }
    told["retrospective"] = None if retrospectives is None else [dict(r) for r in retrospectives]
    told["history"] = merge_history(history, history_entry(told), order=history_order)
    return told
