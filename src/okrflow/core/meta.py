"""A typed view of okrflow's metadata block (see :mod:`okrflow.core.description`).

The block holds a JSON object. :meth:`Meta.from_dict` reads the keys okrflow
knows, with a problem for every value of the wrong shape (that value is left
out, the rest is kept); unknown keys land in ``extra`` and :meth:`Meta.to_dict`
writes them back, so data from a newer okrflow survives. Version 1 keys::

    schema           int, 1
    okrflow          version of okrflow that wrote the block
    type             "objective" | "kr" | "kpi"
    key              the stable key (``okrflow apply`` matches on it)
    iid              the issue the block was written for (a copied block is detected)
    objective        KR: key of its objective;  objective_iid: its iid
    also             KR: the further objectives it counts for, [{"key", "iid", "project"}, ...]
                     (``project`` when the objective is in another project of a group scope)
    parents          objective: [{"key": ..., "iid": ...}, ...]
    metric           KR: {"kind", "start", "target", "unit", "direction"}, and when set
                     "unit_word", "due", "change" {"kind", "amount"}, "baseline_pending",
                     "strict"
    baseline         KR: a relative target's baseline, recorded when first measured
    range            KPI: its healthy range {"low", "high", "unit"}, and when set "unit_word",
                     "strict"
    kpis             objective: the KPIs it protects, [{"key": ..., "iid": ...}, ...]
    initiatives      KR: its linked issues when okrflow last read them
                     [{"ref", "title", "closed", "assignee"}, ...] ([] once read and none)
    bad_checkins     KR or KPI: comments that read as check-ins but could not be read,
                     [{"note_id", "message"}, ...]: listed as problems until fixed
    weight, owner, kind ("committed" | "aspirational"), level
    source           KR: {"kind": "manual" | "initiatives" | "query" | "command", "options": {}}
    checkin          KR: the last recorded check-in
                     {"at": ISO 8601, "value", "confidence", "note_id", "author", "source"}
    checkins         KR: a short history of recorded check-ins, oldest first (same shape,
                     without note_id), for the trend in reports
    notes_count      KR: the issue's user_notes_count when okrflow last read (or wrote) its
                     comments; rollup reads comments again only when the count differs
    outcome, score   set when closed
    lifecycle        the lifecycle state okrflow last recorded (a board move is checked
                     against it)
    last_comment_id  the newest comment already read;  lint_comment_id  okrflow's lint comment
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, cast

from okrflow.core.calendar import FIRST_DAY, LAST_DAY, out_of_range
from okrflow.core.kpis import KpiRange
from okrflow.core.model import (
    Change,
    ChangeKind,
    Direction,
    Initiative,
    Kind,
    Metric,
    MetricKind,
    MetricSource,
    Outcome,
    SourceKind,
    State,
)

SCHEMA_VERSION = 1
#: the most parents an objective is aligned under; a longer list keeps the first ones
MAX_PARENTS = 20
#: the check-in history kept (a quarter of weekly check-ins); a longer one keeps the newest
MAX_HISTORY = 16
OkrType = Literal["objective", "kr", "kpi"]

_E = TypeVar("_E", bound=enum.Enum)


@dataclasses.dataclass(frozen=True)
class ParentRef:
    """An OKR named by key and iid; ``project`` when it is in another project of a group
    scope (its path: the iid alone would name an issue of the OKR's own project)."""

    key: str
    iid: int | None = None
    project: str | None = None


@dataclasses.dataclass(frozen=True)
class RecordedCheckIn:
    """The last check-in okrflow recorded on a key result."""

    at: dt.datetime
    value: float
    confidence: float | None = None  # 0..1
    note_id: int | None = None  # the comment it came from or was written as
    author: str | None = None
    source: str = "manual"


class _Invalid(Exception):
    pass


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid("an integer")
    return value


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid("a number")
    return float(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("a string")
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Invalid("an object")
    return value


def _enum(cls: type[_E]) -> Callable[[Any], _E]:
    def convert(value: Any) -> _E:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in cls)
            raise _Invalid(f"one of {allowed}") from None

    return convert


def _type(value: Any) -> OkrType:
    if value not in ("objective", "kr", "kpi"):
        raise _Invalid("'objective', 'kr' or 'kpi'")
    return cast(OkrType, value)


def _time(value: Any) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(_str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _Invalid("an ISO 8601 time") from None
    if out_of_range(parsed):
        raise _Invalid(f"a time from {FIRST_DAY} to {LAST_DAY}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _metric(value: Any) -> Metric:
    data = _mapping(value)
    change = data.get("change")
    if change is not None:
        change = _mapping(change)
        change = Change(_enum(ChangeKind)(change.get("kind")), _float(change.get("amount")))
    pending, strict = data.get("baseline_pending", False), data.get("strict", False)
    if not isinstance(pending, bool) or not isinstance(strict, bool):
        raise _Invalid("an object with true/false baseline_pending and strict")
    return Metric(
        kind=_enum(MetricKind)(data.get("kind", "linear")),
        start=_float(data.get("start")),
        target=_float(data.get("target")),
        unit=_str(data.get("unit", "")),
        direction=_enum(Direction)(data.get("direction", "increase")),
        unit_word=_str(data.get("unit_word", "")),
        due=_str(data.get("due", "")),
        change=change,
        baseline_pending=pending,
        strict=strict,
    )


def _metric_dict(metric: Metric) -> dict[str, Any]:
    """A metric's keys: the five of schema 1, then only the newer ones that are set."""
    out = {name: _plain(getattr(metric, name)) for name in ("kind", "start", "target", "unit")}
    out["direction"] = metric.direction.value
    for name in ("unit_word", "due", "change", "baseline_pending", "strict"):
        if getattr(metric, name):
            out[name] = _plain(getattr(metric, name))
    return out


@dataclasses.dataclass(frozen=True)
class BadCheckin:
    """A comment that reads as a check-in but cannot be read: a problem until fixed."""

    note_id: int
    message: str


def _optional_float(value: Any) -> float | None:
    return None if value is None else _float(value)


def _range(value: Any) -> KpiRange:
    data = _mapping(value)
    strict = data.get("strict", False)
    if not isinstance(strict, bool):
        raise _Invalid("an object with a true/false strict")
    healthy = KpiRange(
        low=_optional_float(data.get("low")),
        high=_optional_float(data.get("high")),
        unit=_str(data.get("unit", "")),
        unit_word=_str(data.get("unit_word", "")),
        strict=strict,
    )
    if healthy.low is None and healthy.high is None:
        raise _Invalid("an object with low, high or both")
    return healthy


def _initiatives(value: Any) -> tuple[Initiative, ...]:
    if not isinstance(value, list):
        raise _Invalid("a list")
    out = []
    for item in value:
        data = _mapping(item)
        closed, assignee = data.get("closed", False), data.get("assignee")
        if not isinstance(closed, bool):
            raise _Invalid("a list of objects with a true/false closed")
        out.append(
            Initiative(
                ref=_str(data.get("ref")),
                title=_str(data.get("title", "")),
                closed=closed,
                assignee=None if assignee is None else _str(assignee),
            )
        )
    return tuple(out)


def _bad_checkins(value: Any) -> tuple[BadCheckin, ...]:
    if not isinstance(value, list):
        raise _Invalid("a list")
    return tuple(
        BadCheckin(_int(_mapping(item).get("note_id")), _str(_mapping(item).get("message")))
        for item in value
    )


def _range_dict(healthy: KpiRange) -> dict[str, Any]:
    out: dict[str, Any] = {"low": healthy.low, "high": healthy.high, "unit": healthy.unit}
    if healthy.unit_word:
        out["unit_word"] = healthy.unit_word
    if healthy.strict:
        out["strict"] = True
    return {k: v for k, v in out.items() if v is not None}


def _source(value: Any) -> MetricSource:
    data = _mapping(value)
    options = data.get("options", {})
    return MetricSource(_enum(SourceKind)(data.get("kind", "manual")), dict(_mapping(options)))


def _checkin(value: Any) -> RecordedCheckIn:
    data = _mapping(value)
    optional = {k: data.get(k) for k in ("confidence", "note_id", "author")}
    return RecordedCheckIn(
        at=_time(data.get("at")),
        value=_float(data.get("value")),
        confidence=None if optional["confidence"] is None else _float(optional["confidence"]),
        note_id=None if optional["note_id"] is None else _int(optional["note_id"]),
        author=None if optional["author"] is None else _str(optional["author"]),
        source=_str(data.get("source", "manual")),
    )


def _checkins(value: Any) -> tuple[RecordedCheckIn, ...]:
    if not isinstance(value, list):
        raise _Invalid("a list")
    return tuple(_checkin(item) for item in value)


def _parents(value: Any) -> tuple[ParentRef, ...]:
    if not isinstance(value, list):
        raise _Invalid("a list")
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(ParentRef(item))
            continue
        data = _mapping(item)
        iid, project = data.get("iid"), data.get("project")
        out.append(
            ParentRef(
                _str(data.get("key")),
                None if iid is None else _int(iid),
                None if project is None else _str(project),
            )
        )
    return tuple(out)


_FIELDS: dict[str, Callable[[Any], Any]] = {
    "schema": _int,
    "okrflow": _str,
    "type": _type,
    "key": _str,
    "iid": _int,
    "objective": _str,
    "objective_iid": _int,
    "parents": _parents,
    "also": _parents,
    "kpis": _parents,
    "metric": _metric,
    "baseline": _float,
    "range": _range,
    "initiatives": _initiatives,
    "bad_checkins": _bad_checkins,
    "weight": _float,
    "owner": _str,
    "kind": _enum(Kind),
    "level": _str,
    "source": _source,
    "checkin": _checkin,
    "checkins": _checkins,
    "notes_count": _int,
    "outcome": _enum(Outcome),
    "score": _float,
    "lifecycle": _enum(State),
    "last_comment_id": _int,
    "lint_comment_id": _int,
}


@dataclasses.dataclass(frozen=True)
class Meta:
    """okrflow's metadata about one OKR issue. Every field is optional."""

    schema: int = SCHEMA_VERSION
    okrflow: str | None = None
    type: OkrType | None = None
    key: str | None = None
    iid: int | None = None
    objective: str | None = None
    objective_iid: int | None = None
    parents: tuple[ParentRef, ...] = ()
    also: tuple[ParentRef, ...] = ()  # KR: the further objectives it counts for
    kpis: tuple[ParentRef, ...] = ()  # objective: the KPIs it protects
    metric: Metric | None = None
    baseline: float | None = None  # KR: a relative target's recorded baseline
    range: KpiRange | None = None  # KPI: its healthy range
    initiatives: tuple[Initiative, ...] | None = None  # KR: None until its links are read
    bad_checkins: tuple[BadCheckin, ...] = ()
    weight: float | None = None
    owner: str | None = None
    kind: Kind | None = None
    level: str | None = None
    source: MetricSource | None = None
    checkin: RecordedCheckIn | None = None
    checkins: tuple[RecordedCheckIn, ...] = ()  # short history, oldest first
    notes_count: int | None = None
    outcome: Outcome | None = None
    score: float | None = None
    lifecycle: State | None = None  # the lifecycle state okrflow last recorded
    last_comment_id: int | None = None
    lint_comment_id: int | None = None
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # unknown keys

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> tuple[Meta, list[str]]:
        """Read what can be read; a problem names each key that could not be."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, convert in _FIELDS.items():
            if data.get(name) is None:
                continue
            raw = _capped(name, data[name], problems)
            try:
                values[name] = convert(raw)
            except (_Invalid, TypeError, ValueError) as exc:
                expected = exc.args[0] if isinstance(exc, _Invalid) else "valid"
                problems.append(f"metadata key {name!r} should be {expected}; ignored")
        schema = values.get("schema", SCHEMA_VERSION)
        if schema > SCHEMA_VERSION:
            problems.append(
                f"metadata schema {schema} is newer than this okrflow's ({SCHEMA_VERSION}); "
                "upgrade okrflow"
            )
        extra = {k: v for k, v in data.items() if k not in _FIELDS}
        return cls(**values, extra=extra), problems

    def to_dict(self) -> dict[str, Any]:
        """The JSON object to store: unknown keys kept, empty fields left out."""
        out: dict[str, Any] = dict(self.extra)
        for field in dataclasses.fields(self):
            if field.name == "extra":
                continue
            value = _plain(getattr(self, field.name))
            if value is None or (value == [] and field.name != "initiatives"):
                out.pop(field.name, None)
            else:
                out[field.name] = value
        return out

    def replace(self, **changes: Any) -> Meta:
        return dataclasses.replace(self, **changes)


def _capped(name: str, value: Any, problems: list[str]) -> Any:
    """A list longer than okrflow keeps, cut to its cap (parents: the first ones;
    check-ins: the newest), with a problem saying so."""
    cap = {"parents": MAX_PARENTS, "also": MAX_PARENTS, "checkins": MAX_HISTORY}.get(name)
    if cap is None or not isinstance(value, list) or len(value) <= cap:
        return value
    first = name != "checkins"
    which = "first" if first else "newest"
    problems.append(
        f"metadata key {name!r} holds {len(value):,} entries, more than the {cap} okrflow "
        f"keeps; the {which} {cap} are read"
    )
    return value[:cap] if first else value[-cap:]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Metric):
        return _metric_dict(value)
    if isinstance(value, KpiRange):
        return _range_dict(value)
    if isinstance(value, ParentRef):
        named = {"key": value.key, "iid": value.iid, "project": value.project}
        return {k: v for k, v in named.items() if v is not None}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
