"""Loading an OKR file: validation, the checks pydantic cannot make, the core model."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path

from okrflow.config.okrfile.kpis import load_kpis
from okrflow.config.okrfile.schema import KeyResultSpec, OkrFileSpec, SourceSpec
from okrflow.config.okrfile.sources import SourceProblem, metric_source
from okrflow.config.yamlfile import KeyPath, Locations, format_key_path, load_validated
from okrflow.core.annual import alignment_problem
from okrflow.core.calendar import FiscalCalendar
from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames
from okrflow.core.model import (
    Direction,
    KeyResult,
    Kind,
    Metric,
    MetricKind,
    MetricSource,
    Objective,
    SourceKind,
)
from okrflow.core.relative import with_baseline
from okrflow.core.standing import Kpi
from okrflow.core.statements import StatementError, read_statement
from okrflow.core.values import canonical_unit, format_value, parse_value
from okrflow.errors import ConfigError

__all__ = ["OkrFile", "Place", "kr_key", "load_okr_file"]


def kr_key(objective_key: str, key: str) -> str:
    """The key a key result has in GitLab: ``<objective key>/<key>``."""
    return f"{objective_key}/{key}"


# -- result ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Place:
    """Where something is in the file: its line and key path."""

    line: int | None
    key_path: str


@dataclasses.dataclass(frozen=True)
class OkrFile:
    """A loaded OKR file: objectives in file order, key results attached, keys qualified."""

    path: str
    quarter: str  # as the calendar writes it
    objectives: tuple[Objective, ...]
    places: Mapping[str, Place]  # OKR key -> its entry in the file
    external_parents: Mapping[str, Place]  # parent key not in the file -> where first named
    notes: tuple[str, ...] = ()  # warnings: the file is usable, but a person should know
    kpis: tuple[Kpi, ...] = ()
    kpi_places: Mapping[str, Place] = dataclasses.field(default_factory=dict)  # KPI key -> entry
    # KPI keys objectives protect that are not in the file -> where first named
    external_kpis: Mapping[str, Place] = dataclasses.field(default_factory=dict)

    def where(self, key: str) -> str:
        """``file:line`` of an OKR (or of the first mention of an outside parent)."""
        place = self.places.get(key) or self.external_parents.get(key)
        return f"{self.path}:{place.line}" if place and place.line else self.path

    def error(self, place: Place, message: str) -> ConfigError:
        """A mistake found later (when the file meets GitLab), still with file and line."""
        return ConfigError(
            f"{place.key_path}: {message}", path=self.path, line=place.line, key=place.key_path
        )

    def by_key(self, key: str) -> Objective | None:
        return next((o for o in self.objectives if o.key == key), None)

    def in_order(self) -> list[Objective]:
        """Parents before the objectives aligned under them; otherwise in file order."""
        done: dict[str, Objective] = {}
        in_file = {o.key: o for o in self.objectives}

        def visit(objective: Objective) -> None:
            if objective.key in done:
                return
            for parent in objective.parents:
                if parent in in_file:
                    visit(in_file[parent])
            done[objective.key] = objective

        for objective in self.objectives:
            visit(objective)
        return list(done.values())

    def key_results(self) -> list[KeyResult]:
        return [kr for o in self.objectives for kr in o.key_results]


# -- loading --------------------------------------------------------------------------------


class _Checker:
    def __init__(self, locations: Locations) -> None:
        self.locations = locations

    def line(self, path: KeyPath) -> int | None:
        return self.locations.nearest_line(path)

    def where(self, path: KeyPath) -> str:
        line = self.line(path)
        return f"{self.locations.filename}:{line}" if line else self.locations.filename

    def place(self, path: KeyPath) -> Place:
        return Place(self.line(path), format_key_path(path))

    def error(self, path: KeyPath, message: str) -> ConfigError:
        key = format_key_path(path)
        return ConfigError(
            f"{key}: {message}" if key else message,
            path=self.locations.filename,
            line=self.line(path),
            key=key or None,
        )


def load_okr_file(
    path: str | Path,
    *,
    calendar: FiscalCalendar | None = None,
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
    text: str | None = None,
) -> OkrFile:
    """Read, validate and check an OKR file; every mistake is a ConfigError (exit 2).

    ``calendar`` checks the quarter (default: the built-in calendar); ``label_names``
    supplies the configured teams (a team not among them is noted: no team label).
    ``text``: the file's content when it is not (yet) on disk; ``path`` names it.
    """
    spec, locations = load_validated(path, OkrFileSpec, what="OKR file", text=text)
    check = _Checker(locations)
    if not spec.objectives and not spec.kpis:
        raise check.error(("objectives",), "the file has no objectives and no kpis: give one")
    calendar = calendar or FiscalCalendar()
    try:
        quarter = calendar.label(calendar.parse(spec.quarter))
    except ValueError as exc:
        raise check.error(("quarter",), str(exc)) from None

    notes: list[str] = []
    places: dict[str, Place] = {}
    objectives: list[Objective] = []
    first_line: dict[str, int | None] = {}
    for i, o_spec in enumerate(spec.objectives):
        o_path: KeyPath = ("objectives", i)
        if o_spec.key in first_line:
            raise check.error(
                (*o_path, "key"),
                f"duplicate objective key {o_spec.key!r} (first on line {first_line[o_spec.key]})",
            )
        first_line[o_spec.key] = check.line((*o_path, "key"))
        places[o_spec.key] = check.place(o_path)
        team = _team(o_spec.team, label_names, check.where((*o_path, "team")), notes)
        annual = o_spec.period == "year"
        if annual and o_spec.key_results:
            raise check.error(
                (*o_path, "key_results"),
                f"{o_spec.key!r} is an annual objective (period: year) and key results "
                "belong to quarters: put them under a quarterly objective of the file "
                f"with parent: {o_spec.key}",
            )
        objective = Objective(
            key=o_spec.key,
            title=o_spec.title.strip(),
            purpose=o_spec.purpose.strip(),
            owner=o_spec.owner,
            team=team,
            quarter=None if annual else quarter,
            year=calendar.year_label(calendar.parse(quarter).fiscal_year) if annual else None,
            level=o_spec.level,
            parents=list(dict.fromkeys(o_spec.parent or ())),
            kind=Kind(o_spec.kind),
            weight=o_spec.weight,
            kpis=list(dict.fromkeys(o_spec.kpis or ())),
            project=o_spec.project or "",
        )
        kr_lines: dict[str, int | None] = {}
        for j, k_spec in enumerate(o_spec.key_results):
            k_path: KeyPath = (*o_path, "key_results", j)
            if k_spec.key in kr_lines:
                raise check.error(
                    (*k_path, "key"),
                    f"duplicate key-result key {k_spec.key!r} in objective {o_spec.key!r} "
                    f"(first on line {kr_lines[k_spec.key]})",
                )
            kr_lines[k_spec.key] = check.line((*k_path, "key"))
            key = kr_key(o_spec.key, k_spec.key)
            places[key] = check.place(k_path)
            objective.key_results.append(
                KeyResult(
                    key=key,
                    title=k_spec.title.strip(),
                    metric=_metric(k_spec, k_path, check),
                    owner=k_spec.owner or o_spec.owner,
                    weight=k_spec.weight if k_spec.weight is not None else 1.0,
                    source=_kr_source(k_spec, (*k_path, "source"), check),
                    objective=o_spec.key,
                    also=[k for k in dict.fromkeys(k_spec.also or ()) if k != o_spec.key],
                    quarter=quarter,
                    team=team,
                    project=k_spec.project or o_spec.project or "",
                )
            )
        objectives.append(objective)

    external = _check_parents(spec, check)
    _check_annual(objectives, spec, check, calendar)
    kpis = load_kpis(
        spec.kpis,
        error=check.error,
        value=lambda raw, unit, at: _value(raw, unit, at, check),
        source=lambda source, at: _source(source, at, check),
        line=check.line,
        team=lambda team, at: _team(team, label_names, check.where(at), notes),
    )
    kpi_keys = {k.key for k in kpis}
    external_kpis: dict[str, Place] = {}
    for i, o_spec in enumerate(spec.objectives):
        for key in o_spec.kpis or ():
            if key not in kpi_keys:
                external_kpis.setdefault(key, check.place(("objectives", i, "kpis")))
    return OkrFile(
        path=str(path),
        quarter=quarter,
        objectives=tuple(objectives),
        places=places,
        external_parents=external,
        notes=tuple(notes),
        kpis=tuple(kpis),
        kpi_places={k.key: check.place(("kpis", i)) for i, k in enumerate(kpis)},
        external_kpis=external_kpis,
    )


def _team(team: str | None, names: LabelNames, where: str, notes: list[str]) -> str | None:
    if team is None:
        return None
    team = team.strip()
    if not names.teams:
        return team
    configured = names.team_of(team)
    if configured:
        return configured
    close = difflib.get_close_matches(team, names.teams, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    notes.append(
        f"{where}: team {team!r} is not one of the config's teams{hint}: "
        f"its issues get no team label (teams: {', '.join(names.teams)})"
    )
    return team


def _check_annual(
    objectives: Sequence[Objective],
    spec: OkrFileSpec,
    check: _Checker,
    calendar: FiscalCalendar,
) -> None:
    """Refuses an annual objective aligned under a quarterly one of the file."""
    by_key = {o.key: o for o in objectives}
    for i, (objective, o_spec) in enumerate(zip(objectives, spec.objectives, strict=True)):
        for j, key in enumerate(o_spec.parent or ()):
            parent = by_key.get(key)
            trouble = None if parent is None else alignment_problem(objective, parent, calendar)
            if trouble is not None:
                path: KeyPath = ("objectives", i, "parent", j)
                if check.locations.line_of(path) is None:  # parent: key (not a list)
                    path = ("objectives", i, "parent")
                raise check.error(path, trouble)


def _check_parents(spec: OkrFileSpec, check: _Checker) -> dict[str, Place]:
    """Parents outside the file (key -> where first named); refuses cycles."""
    index = {o.key: i for i, o in enumerate(spec.objectives)}
    external: dict[str, Place] = {}
    for i, o_spec in enumerate(spec.objectives):
        for j, parent in enumerate(o_spec.parent or ()):
            path: KeyPath = ("objectives", i, "parent", j)
            if check.locations.line_of(path) is None:  # parent: key (not a list)
                path = ("objectives", i, "parent")
            if parent == o_spec.key:
                raise check.error(path, f"objective {parent!r} cannot be its own parent")
            if parent not in index:
                external.setdefault(parent, check.place(path))
        for j, k_spec in enumerate(o_spec.key_results):
            for n, other in enumerate(k_spec.also or ()):
                path = ("objectives", i, "key_results", j, "also", n)
                if check.locations.line_of(path) is None:  # also: key (not a list)
                    path = ("objectives", i, "key_results", j, "also")
                if other not in index:  # an objective already in GitLab
                    external.setdefault(other, check.place(path))
    # cycles among the file's objectives: depth-first, reporting the first one met
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(key: str, trail: list[str]) -> None:
        state[key] = 1
        o_spec = spec.objectives[index[key]]
        for parent in o_spec.parent or ():
            if parent not in index:
                continue
            if state.get(parent) == 1:  # on the current path: trail holds it
                shown = " -> ".join([*trail[trail.index(parent) :], key, parent])
                raise check.error(
                    ("objectives", index[key], "parent"),
                    f"parents form a cycle: {shown}; an objective cannot serve itself",
                )
            if state.get(parent) is None:
                visit(parent, [*trail, key])
        state[key] = 2

    for o_spec in spec.objectives:
        if o_spec.key not in state:
            visit(o_spec.key, [])
    return external


def _value(raw: float | str, unit: str, path: KeyPath, check: _Checker) -> float:
    if isinstance(raw, (int, float)):
        return float(raw)
    try:
        return parse_value(raw, unit)
    except ValueError as exc:
        raise check.error(path, str(exc)) from None


def _metric(spec: KeyResultSpec, path: KeyPath, check: _Checker) -> Metric:
    read = read_statement(spec.title)
    unit = canonical_unit(spec.unit) if spec.unit is not None else ""
    if isinstance(read, Metric) and read.baseline_pending and spec.target is None:
        # A relative target ("by 20%", "to 80%"): the start is the first value measured,
        # or the explicit start:, from which the target follows.
        if spec.start is None:
            return read
        base = _value(spec.start, read.unit, (*path, "start"), check)
        try:
            return with_baseline(read, base)
        except ValueError as exc:
            raise check.error((*path, "start"), str(exc)) from None
    if isinstance(read, Metric) and read.baseline_pending:
        target = _value(spec.target or 0, read.unit, (*path, "target"), check)
        if spec.start is None:  # still waiting for its baseline, toward the target given
            return dataclasses.replace(read, start=target, target=target, change=None)
        read = dataclasses.replace(read, baseline_pending=False, change=None)
    if isinstance(read, StatementError):
        if spec.start is None or spec.target is None:
            missing = " and ".join(n for n in ("start", "target") if getattr(spec, n) is None)
            raise check.error(
                (*path, "title"),
                f"cannot read this statement: {read.reason}; rewrite it (e.g. 'Improve "
                f"developer NPS from 25 to 35') or give {missing}: explicitly",
            )
        start = _value(spec.start, unit, (*path, "start"), check)
        target = _value(spec.target, unit, (*path, "target"), check)
        kind = MetricKind.THRESHOLD if start == target else MetricKind.LINEAR
        default_direction = Direction.INCREASE
    else:
        unit = unit if spec.unit is not None else read.unit
        start = (
            read.start if spec.start is None else _value(spec.start, unit, (*path, "start"), check)
        )
        target = (
            read.target
            if spec.target is None
            else _value(spec.target, unit, (*path, "target"), check)
        )
        kind = read.kind
        if kind is MetricKind.THRESHOLD and spec.start is None:
            start = target  # a threshold holds one level
        default_direction = read.direction
        if kind is MetricKind.MILESTONE and (start, target) != (0.0, 1.0):
            kind = MetricKind.LINEAR
        if kind is MetricKind.COUNT and start != 0.0:
            kind = MetricKind.LINEAR
        if kind is MetricKind.THRESHOLD and start != target:
            kind = MetricKind.LINEAR
    if kind is not MetricKind.THRESHOLD:
        if start == target:
            shown = format_value(start, unit)
            raise check.error(
                (*path, "target" if spec.target is not None else "start"),
                f"start and target are both {shown}: nothing to move (a level to hold? "
                "write e.g. 'Keep ... at or above N')",
            )
        default_direction = Direction.INCREASE if target > start else Direction.DECREASE
    direction = Direction(spec.direction) if spec.direction else default_direction
    if kind is not MetricKind.THRESHOLD and direction is not default_direction:
        raise check.error(
            (*path, "direction"),
            f"{direction.value} contradicts start {format_value(start, unit)} and target "
            f"{format_value(target, unit)}",
        )
    if isinstance(read, Metric):  # keep what the statement says: unit word, due date ...
        return dataclasses.replace(
            read, kind=kind, start=start, target=target, unit=unit, direction=direction
        )
    return Metric(kind=kind, start=start, target=target, unit=unit, direction=direction)


def _kr_source(spec: KeyResultSpec, path: KeyPath, check: _Checker) -> MetricSource:
    if isinstance(spec.source, str):
        return MetricSource(SourceKind(spec.source))
    return _source(spec.source, path, check)


def _source(source: SourceSpec, path: KeyPath, check: _Checker) -> MetricSource:
    try:
        return metric_source(source)
    except SourceProblem as exc:
        raise check.error((*path, *exc.under), exc.message) from None


def source_from_text(text: str, option: str = "--source") -> MetricSource:
    """A metric source written as the OKR file writes one: ``manual``, ``initiatives``
    or a mapping such as ``{query: {labels: [bug], state: closed, project: acme/web}}``;
    a mistake is one :class:`ConfigError` (exit 2) naming ``option``."""
    if text.strip() in ("manual", "initiatives"):
        return MetricSource(SourceKind(text.strip()))
    spec, locations = load_validated(option, SourceSpec, what=option, text=text)
    try:
        return metric_source(spec)
    except SourceProblem as exc:
        raise _Checker(locations).error(exc.under, exc.message) from None
