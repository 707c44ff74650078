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
from collections.abc import Callable, Iterator, Mapping
from typing import Concatenate, ParamSpec, TypeVar

from okrflow.adapter import ConnectionSettings, OkrRepository, PlannedWrite
from okrflow.commands.reporter import Recorder, Reporter
from okrflow.commands.workspace_setup import connect_settings, label_names, quarter_pattern
from okrflow.config import DEFAULT_CONFIG_PATH, Config, load_config
from okrflow.core.authority import CheckinPolicy
from okrflow.core.calendar import QUARTER_WORDS, FiscalCalendar, Quarter, out_of_range
from okrflow.core.counts import count
from okrflow.core.dates import QuarterDates
from okrflow.core.rules import RuleSettings
from okrflow.core.scoring import ScoringPolicy
from okrflow.errors import UsageError

__all__ = [
    "CONFIG_ENVVAR",
    "NOW_ENVVAR",
    "QUARTER_ENVVAR",
    "QUARTER_WORDS",
    "Workspace",
    "config_location",
    "connect_settings",
    "label_names",
    "leased",
    "quarter_pattern",
]

NOW_ENVVAR = "OKRFLOW_NOW"
CONFIG_ENVVAR = "OKRFLOW_CONFIG"
#: the quarter a command acts on when --quarter is not given (then the config's quarter)
QUARTER_ENVVAR = "OKRFLOW_QUARTER"


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


def _spelled(where: str, value: str) -> str:
    """How a quarter asked for reads where it came from: ``--quarter next``,
    ``OKRFLOW_QUARTER=next``, ``quarter: next in the config``."""
    if where == QUARTER_ENVVAR:
        return f"{where}={value}"
    if where.startswith("-"):
        return f"{where} {value}"
    return f"quarter: {value} in {where}"


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
    #: the quarter asked for when a command is given none, and where that comes from:
    #: ("FY25-Q2", "OKRFLOW_QUARTER"); None: the config's ``quarter``, else today's
    quarter_from: tuple[str, str] | None = None
    _repo: OkrRepository | None = dataclasses.field(default=None, repr=False)
    _policies: dict[str | None, CheckinPolicy] = dataclasses.field(default_factory=dict, repr=False)
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
        asked = env.get(QUARTER_ENVVAR, "").strip()
        return cls(
            config=config,
            connection=connection,
            quarter_from=(asked, QUARTER_ENVVAR) if asked else None,
            out=reporter if reporter is not None else Recorder(),
            dry_run=dry_run,
            now=now or _utcnow,
            target_project=target,
        )

    def __post_init__(self) -> None:
        fiscal = self.config.fiscal_year
        self.calendar = FiscalCalendar(
            first_month=fiscal.first_month,
            naming=fiscal.naming,
            label_format=fiscal.label_format,
            annual_label_format=fiscal.annual_label_format,
        )
        self.labels = label_names(self.config)
        self.policy: ScoringPolicy = dataclasses.replace(
            self.config.health.to_policy(), max_weight=self.config.rules.max_weight
        )
        self.rule_settings: RuleSettings = self.config.rules.to_settings()
        if self.quarter_from is None and self.config.quarter:
            self.quarter_from = (self.config.quarter, "the config")

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
            self._repo.calendar = self.calendar
        return self._repo

    @property
    def checkin_policy(self) -> CheckinPolicy:
        """Whose check-ins count (``checkins.from``), for this run: who okrflow's user is
        and who the project's members are are asked of GitLab once, when first needed."""
        return self.checkin_policy_in(None)

    def checkin_policy_in(self, project: str | None) -> CheckinPolicy:
        """:attr:`checkin_policy` for an issue of ``project`` (another project of a group
        scope: its own members count; None: the OKR project)."""
        if project not in self._policies:
            repo = self.repo
            self._policies[project] = CheckinPolicy(
                authors=repo.authors,
                source=self.config.checkins.sources,
                member_levels=lambda: repo.member_levels(project),
                project=project or "the project",
            )
        return self._policies[project]

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
        """The quarter named by ``label`` (a label, or ``current``, ``next``, ``previous``);
        with none, the one :attr:`quarter_from` names (``OKRFLOW_QUARTER``, the config's
        ``quarter``), else the one today falls in. A label that is no quarter is a
        :class:`UsageError` naming ``option`` (or the variable) it came from. A quarter
        not named on the command line (none given, a word, or from the environment or the
        config) is said once, with why, through the reporter."""
        given = label.strip() if label else ""
        where = option
        if not given and self.quarter_from is not None:
            given, where = self.quarter_from
        try:
            named = self.calendar.parse_asked(given) if given else None
        except ValueError as exc:
            raise UsageError(f"{_spelled(where, repr(given))}: {exc}") from None
        quarter = named or self._chosen(given.lower() or None, where)
        name = self.calendar.label(quarter)
        self._resolved.add(name)
        if named is not None and where != option:
            self._say(name, f"from {where} ({option} names another)")
        return quarter

    def _chosen(self, word: str | None, where: str) -> Quarter:
        current = self.calendar.quarter_of(self.today())
        quarter = {None: current, "current": current, "next": current.next()}.get(
            word, current.previous()
        )
        if word is None:
            why = f"the current quarter (today is {self.today()}; {where} names another)"
        else:
            why = f"the {word} quarter, from {_spelled(where, word)} (today is {self.today()})"
        self._say(self.calendar.label(quarter), why)
        return quarter

    def _say(self, name: str, why: str) -> None:
        """Say once which quarter this run acts on, and why."""
        if name not in self._said:
            self._said.add(name)
            self.out.note(f"{name}: {why}")

    def quarters_in_use(self, found: dict[str, int] | None = None) -> str:
        """``FY25-Q1 (4 issues), FY24-Q4 (9 issues)``: the quarter labels issues carry,
        newest first (one labels request, unless ``found`` holds its answer already);
        ``no quarter yet`` when none does."""
        if found is None:
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
