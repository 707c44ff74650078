"""okrflow.config.okrfile: the OKRs-as-code file loads into the model, and every mistake is one
exit-2 line naming file, line and key path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from okrflow.config.okrfile import OkrFile, load_okr_file
from okrflow.core.calendar import FiscalCalendar
from okrflow.core.labels import LabelNames
from okrflow.core.model import Direction, Kind, MetricKind, SourceKind
from okrflow.errors import EXIT_USAGE, ConfigError, UsageError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "okrs.example.yml"
QUARTER_FILE = ROOT / "config" / "okrs-FY22-Q2.yml"

GOOD = """\
quarter: FY22-Q2
objectives:
  - key: company
    title: Make the product valuable to every developer
    team: Company
    owner: alice
    purpose: Why it matters.
    key_results:
      - key: wau
        title: Grow weekly active users from 10,000 to 15,000
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "okrs.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, **kwargs: object) -> OkrFile:
    return load_okr_file(write(tmp_path, text), **kwargs)  # type: ignore[arg-type]


def error(tmp_path: Path, text: str) -> tuple[int | None, str, str]:
    """(line, key path, message after 'file:line: ') of the ConfigError the file raises."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_okr_file(path)
    exc = caught.value
    assert exc.exit_code == EXIT_USAGE
    message = str(exc)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"{path}:{exc.line}: ")
    return exc.line, exc.key or "", message.removeprefix(f"{path}:{exc.line}: ")


# --- valid files ---------------------------------------------------------------------------


def test_the_example_file_loads_with_every_form_of_key_result() -> None:
    okrs = load_okr_file(EXAMPLE)
    assert okrs.quarter == "FY22-Q2"
    assert len(okrs.objectives) >= 3
    assert all(3 <= len(o.key_results) <= 5 for o in okrs.objectives)
    assert len({o.team for o in okrs.objectives}) >= 2
    assert any(o.parents for o in okrs.objectives)
    kinds = {kr.metric.kind for kr in okrs.key_results() if kr.metric}
    assert kinds == set(MetricKind)
    assert any(kr.weight != 1.0 for kr in okrs.key_results())
    assert any(kr.source.kind is SourceKind.QUERY for kr in okrs.key_results())


def test_the_example_file_explicit_numbers_win_over_an_unreadable_statement() -> None:
    renewals = next(
        kr for kr in load_okr_file(EXAMPLE).key_results() if kr.key.endswith("renewals")
    )
    assert renewals.metric is not None
    assert (renewals.metric.start, renewals.metric.target, renewals.metric.unit) == (0, 100, "%")


def test_the_fy22_q2_file_from_the_seed_loads() -> None:
    okrs = load_okr_file(QUARTER_FILE, calendar=FiscalCalendar(first_month=2))
    assert okrs.quarter == "FY22-Q2"
    assert not okrs.external_parents
    assert all(kr.metric is not None for kr in okrs.key_results())


def test_key_results_get_qualified_keys_their_objective_team_and_owner(tmp_path: Path) -> None:
    okrs = load(tmp_path, GOOD)
    (objective,) = okrs.objectives
    (kr,) = objective.key_results
    assert kr.key == "company/wau"
    assert (kr.objective, kr.team, kr.owner, kr.quarter) == (
        "company",
        "Company",
        "alice",
        "FY22-Q2",
    )
    assert kr.metric is not None and (kr.metric.start, kr.metric.target) == (10_000, 15_000)
    assert objective.kind is Kind.COMMITTED and objective.level == "team"
    assert okrs.where("company/wau") == f"{tmp_path / 'okrs.yml'}:9"


def test_quarter_is_written_the_calendars_way(tmp_path: Path) -> None:
    okrs = load(tmp_path, GOOD.replace("FY22-Q2", "fy22 q2"))
    assert okrs.quarter == "FY22-Q2"


def test_parent_may_be_one_key_or_a_list_and_parents_come_first(tmp_path: Path) -> None:
    okrs = load(
        tmp_path,
        """\
        quarter: FY24-Q1
        objectives:
          - key: team
            title: Team objective
            parent: [dept, company]
          - key: dept
            title: Department objective
            parent: company
          - key: company
            title: Company objective
        """,
    )
    assert [o.key for o in okrs.in_order()] == ["company", "dept", "team"]
    assert okrs.objectives[0].parents == ["dept", "company"]


def test_a_parent_outside_the_file_is_left_for_gitlab_with_its_place(tmp_path: Path) -> None:
    okrs = load(
        tmp_path,
        """\
        quarter: FY24-Q1
        objectives:
          - key: dept
            title: Department objective
            parent: company-2024
        """,
    )
    place = okrs.external_parents["company-2024"]
    assert (place.line, place.key_path) == (5, "objectives[0].parent")


def test_explicit_threshold_target_moves_its_start_too(tmp_path: Path) -> None:
    okrs = load(
        tmp_path,
        """\
        quarter: FY24-Q1
        objectives:
          - key: o
            title: Objective
            key_results:
              - key: p1
                title: Keep P1 incidents from exceeding 3
                target: 2
              - key: nps
                title: Improve developer NPS from 25 to 35
                start: "30"
              - key: cost
                title: Hosting cost per customer
                start: $120
                target: $90
        """,
    )
    p1, nps, cost = okrs.objectives[0].key_results
    assert p1.metric is not None and (p1.metric.kind, p1.metric.start, p1.metric.target) == (
        MetricKind.THRESHOLD,
        2,
        2,
    )
    assert nps.metric is not None and (nps.metric.start, nps.metric.target) == (30, 35)
    assert cost.metric is not None
    assert (cost.metric.kind, cost.metric.direction) == (MetricKind.LINEAR, Direction.DECREASE)


def test_sources_query_and_command_become_metric_sources(tmp_path: Path) -> None:
    okrs = load(
        tmp_path,
        """\
        quarter: FY24-Q1
        objectives:
          - key: o
            title: Objective
            key_results:
              - key: bugs
                title: Keep open P1 bugs at or below 5
                source: {query: {labels: [bug, P1], state: opened}}
              - key: wau
                title: Grow weekly active users from 10,000 to 15,000
                source: {command: wau}
              - key: done
                title: Launch the new onboarding flow
                source: initiatives
        """,
    )
    bugs, wau, done = okrs.objectives[0].key_results
    assert bugs.source.kind is SourceKind.QUERY
    assert bugs.source.options == {
        "labels": ["bug", "P1"],
        "state": "opened",
        "window_days": 30,
        "measure": "count",
    }
    assert (wau.source.kind, wau.source.options) == (SourceKind.COMMAND, {"command": "wau"})
    assert done.source.kind is SourceKind.INITIATIVES


def test_a_team_not_among_the_configured_ones_is_noted_with_a_suggestion(tmp_path: Path) -> None:
    okrs = load(
        tmp_path, GOOD.replace("Company", "Compnay"), label_names=LabelNames(teams=("Company",))
    )
    (note,) = okrs.notes
    assert ":5: team 'Compnay'" in note and "did you mean 'Company'?" in note
    okrs = load(
        tmp_path, GOOD.replace("Company", "company"), label_names=LabelNames(teams=("Company",))
    )
    assert okrs.objectives[0].team == "Company" and not okrs.notes


# --- broken files: one line, file:line, key path --------------------------------------------

BROKEN = [
    pytest.param(
        GOOD.replace("    owner: alice\n", "    owner: alice\n    owner: bob\n"),
        7,
        "objectives[0].owner",
        "duplicate key (first on line 6)",
        id="duplicate-yaml-key",
    ),
    pytest.param(
        GOOD.replace("owner: alice", "ownr: alice"),
        6,
        "objectives[0].ownr",
        "unknown key, did you mean 'owner'?",
        id="unknown-key-did-you-mean",
    ),
    pytest.param(
        GOOD + "        weight: heavy\n",
        11,
        "objectives[0].key_results[0].weight",
        "expected a number, got 'heavy'",
        id="wrong-type",
    ),
    pytest.param(
        GOOD.replace("Grow weekly active users from 10,000 to 15,000", "Weekly CEO email updates"),
        10,
        "objectives[0].key_results[0].title",
        "cannot read this statement: no number to measure",
        id="unreadable-statement",
    ),
    pytest.param(
        GOOD.replace("quarter: FY22-Q2\n", ""),
        1,
        "quarter",
        "required key is missing",
        id="missing-quarter",
    ),
    pytest.param(
        GOOD.replace("FY22-Q2", "FY22-Q5"),
        1,
        "quarter",
        "not a quarter: 'FY22-Q5'",
        id="quarter-not-in-calendar",
    ),
    pytest.param(
        """\
        quarter: FY24-Q1
        objectives:
          - key: a
            title: A
            parent: c
          - key: b
            title: B
            parent: a
          - key: c
            title: C
            parent: b
        """,
        8,
        "objectives[1].parent",
        "parents form a cycle: a -> c -> b -> a",
        id="parent-cycle",
    ),
    pytest.param(
        GOOD.replace("    owner: alice\n", "    owner: alice\n    parent: company\n"),
        7,
        "objectives[0].parent",
        "objective 'company' cannot be its own parent",
        id="own-parent",
    ),
    pytest.param(
        GOOD + "  - key: company\n    title: Again\n",
        11,
        "objectives[1].key",
        "duplicate objective key 'company' (first on line 3)",
        id="duplicate-objective-key",
    ),
    pytest.param(
        GOOD + "      - key: wau\n        title: Launch the beta\n",
        11,
        "objectives[0].key_results[1].key",
        "duplicate key-result key 'wau' in objective 'company' (first on line 9)",
        id="duplicate-kr-key",
    ),
    pytest.param(
        GOOD.replace("key: company", "key: company valuable"),
        3,
        "objectives[0].key",
        "a key is up to 100 letters, digits",
        id="key-with-a-space",
    ),
    pytest.param(
        GOOD + "        source: manul\n",
        11,
        "objectives[0].key_results[0].source",
        "must be manual, initiatives, or a mapping with initiatives:, query: or command:",
        id="unknown-source",
    ),
    pytest.param(
        GOOD + "        source: {query: {labels: [x]}, command: x}\n",
        11,
        "objectives[0].key_results[0].source",
        "write exactly one of initiatives:, query: or command:",
        id="two-sources",
    ),
    pytest.param(
        GOOD + "        source: {command: {run: ./wau.sh}}\n",
        11,
        "objectives[0].key_results[0].source.command",
        "a command source names a command of the config's metrics.commands: write command: <name>",
        id="command-line-in-the-okr-file",
    ),
    pytest.param(
        GOOD + "        direction: decrease\n",
        11,
        "objectives[0].key_results[0].direction",
        "decrease contradicts start 10,000 and target 15,000",
        id="direction-against-numbers",
    ),
    pytest.param(
        GOOD + "        target: 10000\n",
        11,
        "objectives[0].key_results[0].target",
        "start and target are both 10,000: nothing to move",
        id="start-equals-target",
    ),
    pytest.param(
        GOOD + "        start: lots\n",
        11,
        "objectives[0].key_results[0].start",
        "not a number: 'lots'",
        id="start-not-a-number",
    ),
    pytest.param(
        GOOD + "        statement: Grow weekly active users\n",
        11,
        "objectives[0].key_results[0].statement",
        "write the key result's statement as title:",
        id="statement-instead-of-title",
    ),
    pytest.param(
        GOOD.replace("    owner: alice\n", "    owner: alice\n    parent: 12\n"),
        7,
        "objectives[0].parent",
        "must be an objective key or a list of keys",
        id="parent-not-a-key",
    ),
    pytest.param(
        "quarter: FY24-Q1\nobjectives: []\n",
        2,
        "objectives",
        "the file has no objectives and no kpis: give one",
        id="no-objectives",
    ),
    pytest.param(
        GOOD.replace("owner: alice", "owner: alice smith"),
        6,
        "objectives[0].owner",
        "must be a GitLab username",
        id="owner-not-a-username",
    ),
]


def test_a_relative_target_takes_its_start_from_the_file_or_waits_for_a_baseline(
    tmp_path: Path,
) -> None:
    okrs = load(
        tmp_path,
        """\
        quarter: FY24-Q1
        objectives:
          - key: o
            title: Objective
            key_results:
              - key: wau
                title: Increase weekly active users by 20%
                start: 10000
              - key: coverage
                title: Increase test coverage to 80%
              - key: p1
                title: Reduce P1 incidents to 3
                start: 9
        """,
    )
    wau, coverage, p1 = (kr.metric for kr in okrs.objectives[0].key_results)
    assert wau is not None and (wau.start, wau.target, wau.direction) == (
        10_000,
        12_000,
        Direction.INCREASE,
    )
    assert coverage is not None and coverage.baseline_pending and coverage.target == 80
    assert p1 is not None and (p1.start, p1.target, p1.baseline_pending) == (9, 3, False)


@pytest.mark.parametrize(("text", "line", "key", "message"), BROKEN)
def test_a_broken_file_is_one_exit_2_line_with_file_line_and_key_path(
    tmp_path: Path, text: str, line: int, key: str, message: str
) -> None:
    found_line, found_key, found = error(tmp_path, text)
    assert found_line == line
    assert found_key == key
    assert found.startswith(f"{key}: ")
    assert message in found


def test_an_unreadable_statement_says_what_to_write_instead(tmp_path: Path) -> None:
    _, _, message = error(
        tmp_path,
        GOOD.replace("Grow weekly active users from 10,000 to 15,000", "Top-5 post on Hacker News"),
    )
    assert "give start and target: explicitly" in message


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_okr_file(tmp_path / "nope.yml")
    assert caught.value.exit_code == EXIT_USAGE
    assert "nope.yml" in str(caught.value)
