"""Everything a command needs, built once from the config and the connection options.

A :class:`Workspace` holds the config, the fiscal calendar, the label names, the
scoring policy and lint settings derived from it, a reporter for progress and
warnings, a clock, and (made on first use) the OKR repository. Library functions take
a workspace and plain arguments and return a result; :meth:`Workspace.open` is the one
call that builds a workspace, for the command line and for a pipeline script alike::

    ws = Workspace.open(config_path="config/okrflow.yml", project="acme/okrs")
    result = rollup(ws, quarter="FY24-Q1")
    print("\n".join(str(line) for line in result.lines()))
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Concatenate, ParamSpec, TypeVar

from okrflow.adapter import (
    ConnectionSettings,
    OkrRepository,
    Pacer,
    PlannedWrite,
    budget_of,
    resolve_connection,
)
from okrflow.commands.reporter import Recorder, Reporter
from okrflow.config import DEFAULT_CONFIG_PATH, Config, load_config
from okrflow.core.authority import CheckinPolicy
from okrflow.core.calendar import FIRST_DAY, LAST_DAY, FiscalCalendar, Quarter, out_of_range
from okrflow.core.counts import count
from okrflow.core.dates import QuarterDates
from okrflow.core.labels import LabelNames
from okrflow.core.rules import RuleSettings
from okrflow.core.scoring import ScoringPolicy
from okrflow.errors import UsageError

NOW_ENVVAR = "OKRFLOW_NOW"
#: what --quarter takes besides a label: the quarter today falls in, the one after, before
QUARTER_WORDS = ("current", "next", "previous")
CONFIG_ENVVAR = "OKRFLOW_CONFIG"


def _utcnow() -> dt.datetime:
    """Now, in UTC; ``OKRFLOW_NOW`` (ISO 8601) pretends it is another time (demos, tests)."""
    pretend = os.environ.get(NOW_ENVVAR)
    if pretend:
        try:
            moment = dt.datetime.fromisoformat(pretend.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"{NOW_ENVVAR}={pretend!r} is not an ISO 8601 date or time (e.g. 2024-03-01)"
            ) from None
        problem = out_of_range(moment)
        if problem is not None:
            raise UsageError(f"{NOW_ENVVAR}={pretend!r} {problem}")
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def quarter_pattern(label_format: str) -> str:
    """A regex matching quarter labels written in ``label_format`` (and the seeds' forms)."""
    parts = re.split(r"(\{yyyy\}|\{yy\}|\{q\})", label_format)
    pieces = {"{yyyy}": r"\d{4}", "{yy}": r"\d\d", "{q}": "[1-4]"}
    custom = "".join(pieces.get(p, re.escape(p)) for p in parts)
    return rf"(?:FY\d\d-?Q[1-4]|{custom})"


def label_names(config: Config) -> LabelNames:
    labels = config.labels
    return LabelNames(
        objective=labels.type.objective.name,
        key_result=labels.type.key_result.name,
        kpi=labels.type.kpi.name,
        report=labels.type.report.name,
        retrospective=labels.type.retrospective.name,
        carry=labels.type.carry.name,
        draft=labels.lifecycle.draft.name,
        review=labels.lifecycle.review.name,
        active=labels.lifecycle.active.name,
        closed=labels.lifecycle.closed.name,
        on_track=labels.health.on_track.name,
        needs_attention=labels.health.needs_attention.name,
        at_risk=labels.health.at_risk.name,
        green=labels.grade.green.name,
        yellow=labels.grade.yellow.name,
        red=labels.grade.red.name,
        teams=tuple(team.name for team in config.teams),
        quarter_pattern=quarter_pattern(config.fiscal_year.label_format),
    )


def config_location(
    config_path: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> tuple[str, bool]:
    """(path, explicit): the config file to read (``config_path``, else ``OKRFLOW_CONFIG``,
    else the default), and whether it was named (then it must exist)."""
    env = os.environ if environ is None else environ
    named = str(config_path) if config_path else env.get(CONFIG_ENVVAR) or None
    return (named, True) if named else (DEFAULT_CONFIG_PATH, False)


@dataclasses.dataclass
class Workspace:
    config: Config
    connection: ConnectionSettings | None = None
    out: Reporter = dataclasses.field(default_factory=Recorder)
    dry_run: bool = False
    now: Callable[[], dt.datetime] = _utcnow
    target_project: str | None = None  # a group scope's project a command creates in
    _repo: OkrRepository | None = dataclasses.field(default=None, repr=False)
    _policy: CheckinPolicy | None = dataclasses.field(default=None, repr=False)
    _leases: int = dataclasses.field(default=0, repr=False)  # leases held, nested
    _said: set[str] = dataclasses.field(default_factory=set, repr=False)  # quarters told
    _resolved: set[str] = dataclasses.field(default_factory=set, repr=False)  # quarters asked

    @classmethod
    def open(
        cls,
        *,
        config_path: str | os.PathLike[str] | None = None,
        gitlab_url: str | None = None,
        project: str | None = None,
        group: str | None = None,
        dry_run: bool = False,
        reporter: Reporter | None = None,
        now: Callable[[], dt.datetime] | None = None,
        environ: Mapping[str, str] | None = None,
        connect: bool = True,
        project_in_group: bool = False,
    ) -> Workspace:
        """A workspace from a config file and the connection options, as the command line
        builds it: ``config_path`` (else ``OKRFLOW_CONFIG``, else ``config/okrflow.yml``
        when it exists), ``gitlab_url`` and ``project`` (else the environment, then the
        config: see :func:`okrflow.adapter.resolve_connection`). ``connect=False``: a
        workspace that never talks to GitLab. ``project_in_group``: a command that creates
        in one project of a group scope, where ``project`` names that project
        (:attr:`target_project`) rather than the scope."""
        env = os.environ if environ is None else environ
        path, explicit = config_location(config_path, env)
        config = load_config(path, explicit=explicit)
        connection, target = None, None
        if connect and project_in_group and project:
            connection = connect_settings(
                config, gitlab_url=gitlab_url, project=None, group=group, environ=env
            )
            connection, target = (connection, project) if connection.group else (None, None)
        if connect and connection is None:
            connection = connect_settings(
                config, gitlab_url=gitlab_url, project=project, group=group, environ=env
            )
        return cls(
            config=config,
            connection=connection,
            out=reporter if reporter is not None else Recorder(),
            dry_run=dry_run,
            now=now or _utcnow,
            target_project=target,
        )

    def __post_init__(self) -> None:
        fiscal = self.config.fiscal_year
        self.calendar = FiscalCalendar(
            first_month=fiscal.first_month, naming=fiscal.naming, label_format=fiscal.label_format
        )
        self.labels = label_names(self.config)
        self.policy: ScoringPolicy = dataclasses.replace(
            self.config.health.to_policy(), max_weight=self.config.rules.max_weight
        )
        self.rule_settings: RuleSettings = self.config.rules.to_settings()

    @property
    def repo(self) -> OkrRepository:
        """The OKR repository, connected on first use."""
        if self._repo is None:
            if self.connection is None:
                raise UsageError("this command needs a GitLab connection")
            self.connection.pacer.listener = self.out
            self._repo = OkrRepository(
                self.connection,
                dry_run=self.dry_run,
                names=self.labels,
                bot_users=self.config.gitlab.bot_users,
            )
        return self._repo

    @property
    def checkin_policy(self) -> CheckinPolicy:
        """Whose check-ins count (``checkins.from``), for this run: who okrflow's user is
        and who the project's members are are asked of GitLab once, when first needed."""
        if self._policy is None:
            repo = self.repo
            self._policy = CheckinPolicy(
                authors=repo.authors,
                source=self.config.checkins.sources,
                members=repo.member_levels,
            )
        return self._policy

    @contextlib.contextmanager
    def lease(self, command: str) -> Iterator[None]:
        """Hold the project's lease while ``command`` creates things
        (:mod:`okrflow.adapter.lease`): a second run waits (``gitlab.lease_wait``), then
        refuses. Released at the end, on errors and Ctrl-C too. Nested leases (schedule
        posting its report) are the one already held; a dry run takes none."""
        if self.dry_run:
            yield
            return
        if self._leases:
            self._leases += 1
            try:
                yield
            finally:
                self._leases -= 1
            return
        settings = self.config.gitlab
        self.repo.ensure_can_write()
        held = self.repo.take_lease(
            command, wait=settings.lease_wait, ttl=settings.lease_ttl, notify=self.out.warn
        )
        self._leases = 1
        try:
            yield
        finally:
            self._leases = 0
            self.repo.release_lease(held)

    def waited(self) -> str | None:
        """How long this run waited for GitLab (retries, rate limits), when it did."""
        if self._repo is None or self.connection is None:
            return None
        return self.connection.pacer.summary()

    def planned(self) -> list[PlannedWrite] | None:
        """The writes this dry run has planned so far (the same list, growing); None
        when the workspace writes for real."""
        if not self.dry_run:
            return None
        return self.repo.planned if self.connection is not None else []

    def today(self) -> dt.date:
        return self.now().date()

    def quarter(self, label: str | None, *, option: str = "--quarter") -> Quarter:
        """The quarter named by ``label`` (a label, or ``current``, ``next``, ``previous``),
        or the one today falls in; a label that is no quarter is a :class:`UsageError`
        naming ``option``, where it came from. A quarter chosen for the user (none given,
        or a word) is said once, with why, through the reporter."""
        if not label or label.strip().lower() in QUARTER_WORDS:
            quarter = self._chosen(label.strip().lower() if label else None, option)
            self._resolved.add(self.calendar.label(quarter))
            return quarter
        try:
            quarter = self.calendar.parse(label)
        except ValueError as exc:
            words = ", ".join(QUARTER_WORDS)
            raise UsageError(f"{option} {label!r}: {exc}; or one of {words}") from None
        self._resolved.add(self.calendar.label(quarter))
        years = range(FIRST_DAY.year + 1, LAST_DAY.year)  # its days, and the next quarter's
        if quarter.fiscal_year not in years:
            raise UsageError(
                f"{option} {label!r}: okrflow works with the quarters of fiscal years "
                f"{years.start} to {years.stop - 1}"
            )
        return quarter

    def _chosen(self, word: str | None, option: str) -> Quarter:
        current = self.calendar.quarter_of(self.today())
        quarter = {None: current, "current": current, "next": current.next()}.get(
            word, current.previous()
        )
        name = self.calendar.label(quarter)
        if name not in self._said:
            self._said.add(name)
            why = (
                f"the current quarter (today is {self.today()}; {option} names another)"
                if word is None
                else f"the {word} quarter, from {option} {word} (today is {self.today()})"
            )
            self.out.note(f"{name}: {why}")
        return quarter

    def quarters_in_use(self) -> str:
        """``FY25-Q1 (4 issues), FY24-Q4 (9 issues)``: the quarter labels issues carry,
        newest first (one labels request); ``no quarter yet`` when none does."""
        found = self.repo.quarters_in_use()

        def order(name: str) -> tuple[int, int]:
            try:
                quarter = self.calendar.parse(name)
            except ValueError:
                return (0, 0)
            return (quarter.fiscal_year, quarter.number)

        names = sorted(found, key=order, reverse=True)
        if not names:
            return "no issue carries a quarter label yet"
        return "quarters in use: " + ", ".join(f"{n} ({count(found[n], 'issue')})" for n in names)

    def empty_quarters(self) -> list[str]:
        """A line for each quarter asked for (``--quarter``, or the current one) that this
        run loaded and found empty, naming the quarters in use (one labels request, made
        only then)."""
        if self._repo is None:
            return []
        loaded = self._repo.loaded
        empty = [name for name, held in loaded.items() if not held and name in self._resolved]
        if not empty:
            return []
        where = self.quarters_in_use()
        return [f"{name} holds no OKRs; {where}: name one with --quarter" for name in empty]

    def refuse_empty(self, label: str, *, doing: str, override: str | None = None) -> None:
        """Refuse (exit 2) ``doing`` for a quarter whose load found no OKRs, naming the
        quarters in use, and ``override``, the option that does it anyway."""
        if self.repo.loaded.get(label, 1) == 0:
            anyway = f", or give {override} to do it anyway" if override else ""
            raise UsageError(
                f"{label} holds no OKRs: {doing} ({self.quarters_in_use()}); "
                f"name the quarter with --quarter{anyway}"
            )

    def quarter_label(self, label: str | None, *, option: str = "--quarter") -> str:
        return self.calendar.label(self.quarter(label, option=option))

    def elapsed(self, quarter: Quarter) -> float:
        return self.calendar.elapsed(quarter, self.today())

    def quarter_dates(self, label: str | None) -> QuarterDates:
        """The quarter ``label`` names (default: today's) as evaluated today: up to
        today, or as of its end once it is over (:class:`~okrflow.core.dates.QuarterDates`)."""
        quarter = self.quarter(label)
        return QuarterDates(
            start=self.calendar.start(quarter),
            end=self.calendar.end(quarter),
            today=self.today(),
            name=self.calendar.label(quarter),
        )


def connect_settings(
    config: Config,
    *,
    gitlab_url: str | None,
    project: str | None,
    group: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ConnectionSettings:
    gitlab = config.gitlab
    return resolve_connection(
        url=gitlab_url,
        project=project,
        config_url=gitlab.url,
        config_project=config.project,
        group=group,
        config_group=config.group,
        okr_projects=tuple(p.path for p in config.projects),
        project_teams=tuple((p.path, p.team) for p in config.projects if p.team),
        token_env=gitlab.token_env,
        python_gitlab_section=gitlab.python_gitlab_config,
        python_gitlab_file=(
            str(gitlab.python_gitlab_config_file) if gitlab.python_gitlab_config_file else None
        ),
        timeout=gitlab.timeout,
        retries=gitlab.retries,
        ssl_verify=gitlab.ssl_verify,
        pacer=Pacer(
            budget_of(
                gitlab.rate_limits,
                requests=gitlab.requests_per_minute,
                notes=gitlab.notes_per_minute,
                issues=gitlab.issues_per_minute,
            ),
            unreachable_after=gitlab.unreachable_after,
        ),
        environ=os.environ if environ is None else environ,
    )


P = ParamSpec("P")
R = TypeVar("R")


def leased(
    command: str,
) -> Callable[[Callable[Concatenate[Workspace, P], R]], Callable[Concatenate[Workspace, P], R]]:
    """A command function that creates things, run holding the project's lease
    (:meth:`Workspace.lease`)."""

    def wrap(fn: Callable[Concatenate[Workspace, P], R]) -> Callable[Concatenate[Workspace, P], R]:
        @functools.wraps(fn)
        def run(ws: Workspace, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with ws.lease(command):
                return fn(ws, *args, **kwargs)

        return run

    return wrap
