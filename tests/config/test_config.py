"""okrflow.config: defaults, the example file, one-line errors, and `okrflow config check`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import okrflow.config.values
from okrflow.cli.main import main
from okrflow.commands.workspace import Workspace
from okrflow.config import (
    DEFAULT_CONFIG_PATH,
    Config,
    Team,
    iter_config_reference,
    load_config,
)
from okrflow.config.yamlfile import REQUIRED, load_yaml
from okrflow.config.yamlfile.reference import is_model, unwrap
from okrflow.errors import ConfigError, UsageError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "okrflow.yml"


def write(tmp_path: Path, text: str | bytes, name: str = "okrflow.yml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Config:
    return load_config(write(tmp_path, text), explicit=True)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run okrflow.cli.main.main, the real error boundary: (exit code, stdout, stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


# --- defaults ------------------------------------------------------------------------------


def test_default_config_is_valid_and_is_what_an_empty_mapping_gives() -> None:
    default = Config.default()
    assert Config.model_validate(default.model_dump()) == default
    assert Config.model_validate({}) == default
    assert default.gitlab.token_env == "GITLAB_TOKEN"
    assert default.gitlab.timeout == 30
    assert default.gitlab.retries == 8
    assert default.fiscal_year.label_format == "FY{yy}-Q{q}"
    assert default.fiscal_year.annual_label_format == "FY{yy}"
    assert default.labels.type.key_result.name == "okr::key result"
    assert default.labels.lifecycle.review.name == "okr-status::review"
    assert default.labels.health.needs_attention.name == "okr-health::needs attention"
    assert default.lifecycle.board == "OKRs"
    steps = (default.schedule.drafting, default.schedule.review, default.schedule.closing)
    weeks = [step.weeks_before for step in (*steps, default.schedule.activate)]
    assert weeks == [4, 2, 1, 0]
    assert default.schedule.checkin_reminders.after_days == 7
    assert default.schedule.checkin_reminders.group_by == "owner"
    assert (default.metrics.commands, default.metrics.allowed_scopes) == ({}, ())
    assert default.checkins.sources == "members"
    assert (default.rules.max_weight, default.gitlab.bot_users) == (10, ())
    assert default.report.formats == ("md", "html", "json")
    assert default.report.output_dir == Path("okrflow-report")
    assert default.report.stale_checkin_days == 14


def test_defaults_agree_with_the_core() -> None:
    from okrflow.core.rules import DEFAULT_SETTINGS, KR_MAX, KR_MIN
    from okrflow.core.scoring import DEFAULT_POLICY

    default = Config.default()
    assert default.health.to_policy() == DEFAULT_POLICY
    assert default.rules.to_settings() == DEFAULT_SETTINGS
    assert (default.rules.min_krs, default.rules.max_krs) == (KR_MIN, KR_MAX)


def test_default_label_names_agree_with_core_labels() -> None:
    labels = pytest.importorskip("okrflow.core.labels")
    names = labels.DEFAULT_LABEL_NAMES
    config = Config.default().labels
    assert [config.type.objective.name, config.type.key_result.name] == [
        names.objective,
        names.key_result,
    ]
    assert config.type.report.name == names.report
    assert [label.name for label in vars(config.lifecycle).values()] == [
        names.draft,
        names.review,
        names.active,
        names.closed,
    ]
    assert [label.name for label in vars(config.health).values()] == [
        names.on_track,
        names.needs_attention,
        names.at_risk,
    ]


def test_default_fiscal_year_and_schedule_agree_with_core_calendar() -> None:
    calendar = pytest.importorskip("okrflow.core.calendar")
    fiscal_year = Config.default().fiscal_year
    assert calendar.FiscalCalendar(**fiscal_year.model_dump()) == calendar.FiscalCalendar()
    schedule = Config.default().schedule
    assert {step.name: step.weeks_before for step in calendar.DEFAULT_SCHEDULE} == {
        name: getattr(schedule, name).weeks_before
        for name in ("drafting", "review", "closing", "activate")
    }


def test_managed_labels_are_every_fixed_label_once() -> None:
    names = [label.name for label in Config.default().labels.managed()]
    assert len(names) == len(set(names)) == 16
    assert "okr::kpi" in names
    assert "okr-health::at risk" in names
    assert "okr-grade::green" in names


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield model
    for field in model.model_fields.values():
        for candidate in unwrap(field.annotation):
            for inner in (candidate, *getattr(candidate, "__args__", ())):
                if is_model(inner):
                    yield from _models(inner)


def test_every_field_of_every_config_model_has_a_description() -> None:
    missing = [
        f"{model.__name__}.{name}"
        for model in set(_models(Config))
        for name, field in model.model_fields.items()
        if not (field.description and field.description.strip())
    ]
    assert missing == []


def test_config_reference_lists_every_key_with_type_default_and_description() -> None:
    rows = {row.key: row for row in iter_config_reference()}
    assert all(isinstance(row, tuple) and len(row) == 4 for row in rows.values())
    assert all(row.description for row in rows.values())
    assert rows["fiscal_year.first_month"][1:3] == ("integer", 1)
    assert rows["fiscal_year.naming"].type == "end | start"
    assert rows["labels.health.at_risk.color"][1:3] == ("colour", "#dd2b0e")
    assert rows["labels.health.at_risk.name"].default == "okr-health::at risk"
    assert rows["teams"][1:3] == ("list of teams", [])
    assert rows["teams[].name"].default is REQUIRED
    assert rows["teams[].color"].type == "colour or null"
    assert rows["rules.severity"].type == "mapping of rule id to error | warning"
    assert rows["report.formats"].default == ["md", "html", "json"]
    assert rows["report.output_dir"][1:3] == ("path", "okrflow-report")
    assert rows["gitlab.url"].type == "text or null"
    assert rows["health.on_track_pace"][1:3] == ("number from 0 to 1", 0.8)


# --- the example file ----------------------------------------------------------------------


def test_example_config_loads_and_differs_from_the_defaults_only_where_it_means_to() -> None:
    example = load_config(EXAMPLE, explicit=True)
    assert example.project == "acme/okrs"
    assert [team.name for team in example.teams] == ["Company", "Marketing", "Support", "Sales"]
    assert example.teams[3] == Team(name="Sales", color="#e9be74", description="Sales team OKRs")
    assert example.model_copy(update={"project": None, "teams": ()}) == Config.default()


def test_commands_scopes_and_who_checks_in_read_as_written(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "metrics:\n  commands:\n    nps: [python3, scripts/nps.py]\n"
        "  allowed_scopes: [acme/support/, Acme/Web]\n"
        "checkins:\n  from: owners\ngitlab:\n  bot_users: ['@okr-bot']\n",
    )
    assert config.metrics.commands == {"nps": ("python3", "scripts/nps.py")}
    assert config.metrics.allowed_scopes == ("acme/support", "Acme/Web")
    assert (config.checkins.sources, config.gitlab.bot_users) == ("owners", ("okr-bot",))
    assert config.gitlab.timeout == 30  # the rest of a section written in part: defaults


def test_example_config_shows_every_key() -> None:
    _, where = load_yaml(EXAMPLE)
    shown = {".".join(str(part) for part in path) for path in where.paths()}
    keys = {row.key for row in iter_config_reference() if "[]" not in row.key}
    assert keys - shown == set()


def test_example_config_has_no_real_host_or_token() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "gitlab.com" not in text.replace("gitlab.example.com", "")
    assert "glpat-" not in text


def opened(config_path: str | None) -> Config:
    """The config a command opens its workspace with (no OKRFLOW_CONFIG set)."""
    return Workspace.open(config_path=config_path, connect=False, environ={}).config


# --- loading -------------------------------------------------------------------------------


def test_absent_default_file_means_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None, explicit=False) == Config.default()
    assert load_config(DEFAULT_CONFIG_PATH, explicit=False) == Config.default()
    assert opened(None) == Config.default()


def test_default_file_is_read_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config").mkdir()
    write(tmp_path / "config", "project: team/okrs\n")
    assert load_config(None, explicit=False).project == "team/okrs"
    assert opened(None).project == "team/okrs"


def test_absent_explicit_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    with pytest.raises(UsageError) as caught:
        load_config(path, explicit=True)
    assert str(caught.value) == f"config file not found: {path}"
    assert caught.value.exit_code == 2
    with pytest.raises(UsageError):
        opened(str(path))


def test_empty_file_and_empty_sections_are_the_defaults(tmp_path: Path) -> None:
    assert load(tmp_path, "") == Config.default()
    assert load(tmp_path, "# all commented out\n") == Config.default()
    assert load(tmp_path, "gitlab:\nteams:\nlabels:\n  health:\n") == Config.default()


def test_a_partly_written_section_keeps_the_other_defaults(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        labels:
          health:
            at_risk:
              color: crimson
        schedule:
          review:
            enabled: false
        """,
    )
    at_risk = config.labels.health.at_risk
    assert (at_risk.name, at_risk.color) == ("okr-health::at risk", "#dc143c")
    assert config.labels.health.on_track == Config.default().labels.health.on_track
    assert (config.schedule.review.enabled, config.schedule.review.weeks_before) == (False, 2)


@pytest.mark.parametrize(
    ("written", "stored"),
    [("'#1F75CB'", "#1f75cb"), ("'#abc'", "#aabbcc"), ("Red", "#ff0000"), ("grey", "#808080")],
)
def test_colours_are_stored_as_lowercase_hex(tmp_path: Path, written: str, stored: str) -> None:
    config = load(tmp_path, f"labels:\n  team:\n    color: {written}\n")
    assert config.labels.team.color == stored


def test_teams_are_names_or_mappings(tmp_path: Path) -> None:
    config = load(tmp_path, "teams:\n  - CSM\n  - name: Sales\n    color: teal\n")
    assert config.teams == (Team(name="CSM"), Team(name="Sales", color="#008080"))
    assert config.team_color(config.teams[0]) == "#009966"
    assert config.team_color(config.teams[1]) == "#008080"


def test_project_may_be_a_numeric_id_and_url_loses_its_trailing_slash(tmp_path: Path) -> None:
    config = load(tmp_path, "project: 42\ngitlab:\n  url: https://gitlab.example.com/\n")
    assert config.project == "42"
    assert config.gitlab.url == "https://gitlab.example.com"


def test_settings_convert_to_the_core_types(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        health:
          objective_health: weakest
          green_from: 0.8
        rules:
          disabled: [statement-placeholder]
          severity:
            kr-count: error
        """,
    )
    policy = config.health.to_policy()
    assert (policy.objective_health, policy.green_from) == ("weakest", 0.8)
    settings_ = config.rules.to_settings()
    assert not settings_.enabled("statement-placeholder")
    assert settings_.severity("kr-count").value == "error"


def test_rule_ids_are_only_checked_for_kebab_case_without_the_rules_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(okrflow.config.values, "_known_rules", lambda: None)
    assert load(tmp_path, "rules:\n  disabled: [some-future-rule]\n").rules.disabled == (
        "some-future-rule",
    )
    with pytest.raises(ConfigError, match="must be a rule id in kebab-case"):
        load(tmp_path, "rules:\n  disabled: [Some_Rule]\n")


def test_importing_the_config_does_not_import_python_gitlab() -> None:
    code = "import sys, okrflow.config, okrflow.cli.options; print('gitlab' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- one-line errors, from the command line ------------------------------------------------

BROKEN = [
    pytest.param(
        "metrics:\n  allow_commands: true\n",
        "2: metrics.allow_commands: metrics.allow_commands is gone: name each command under "
        "metrics.commands (name: [program, arguments ...]), let key results name it "
        "(source: {command: name}), and run 'okrflow measure' in a job without the token",
        id="allow-commands-is-gone",
    ),
    pytest.param(
        "metrics:\n  commands:\n    nps: python3 scripts/nps.py | tee x\n",
        "3: metrics.commands.nps: write the command as a list of words, the program first, "
        "as it is run (no shell): [python3, scripts/nps.py, --quarter, current]",
        id="command-as-a-shell-line",
    ),
    pytest.param(
        "metrics:\n  commands:\n    'n p s': [python3]\n",
        "3: metrics.commands.n p s: a command name is up to 64 letters, digits, '-', '_' or "
        "'.', starting with a letter or digit, got 'n p s'",
        id="command-name",
    ),
    pytest.param(
        "metrics:\n  allowed_scopes: [https://gitlab.example.com/acme]\n",
        "2: metrics.allowed_scopes[0]: must be a project or group path like acme/support "
        "(no URL, no id), got 'https://gitlab.example.com/acme'",
        id="scope-not-a-path",
    ),
    pytest.param(
        "checkins:\n  from: everybody\n",
        "2: checkins.from: must be one of 'members', 'owners', 'anyone', got 'everybody'",
        id="checkins-from",
    ),
    pytest.param(
        "gitlab:\n  url: [https://gitlab.example.com\n",
        "2: invalid YAML at column 8: a '[' list is not closed before the end of the file",
        id="bad-yaml",
    ),
    pytest.param(
        "gitlab:\n  url: https://gitlab.example.com\n    retries: 3\n",
        "3: invalid YAML at column 12: mapping values are not allowed here; "
        "a value containing ': ' must be quoted",
        id="bad-indentation",
    ),
    pytest.param(
        "gitlab:\n  timeout: soon\n",
        "2: gitlab.timeout: expected a number, got 'soon'",
        id="wrong-type",
    ),
    pytest.param(
        "gitlab:\n  retries: '5'\n",
        "2: gitlab.retries: expected a whole number, got '5'",
        id="quoted-number",
    ),
    pytest.param(
        "gitlab: https://gitlab.example.com\n",
        "1: gitlab: expected a mapping of keys, got 'https://gitlab.example.com'",
        id="section-not-a-mapping",
    ),
    pytest.param(
        "fiscal_year:\n  frist_month: 2\n",
        "2: fiscal_year.frist_month: unknown key, did you mean 'first_month'?",
        id="unknown-key",
    ),
    pytest.param(
        "project: acme/okrs\nlables:\n  team:\n    color: red\n",
        "2: lables: unknown key, did you mean 'labels'?",
        id="unknown-section",
    ),
    pytest.param(
        "schedule:\n  zzz: true\n",
        "2: schedule.zzz: unknown key; expected one of: "
        "drafting, review, closing, activate, checkin_reminders",
        id="unknown-key-no-match",
    ),
    pytest.param(
        "labels:\n  health:\n    at_risk:\n      color: reddish\n",
        "4: labels.health.at_risk.color: must be a colour as '#RRGGBB' or a CSS colour name "
        "(red, green, ...), got 'reddish'; did you mean 'red'?",
        id="bad-colour",
    ),
    pytest.param(
        "labels:\n  health:\n    at_risk:\n      color: #ff0000\n",
        "4: labels.health.at_risk.color: expected a colour, got nothing: an unquoted # starts "
        "a YAML comment, so quote the colour ('#1f75cb')",
        id="unquoted-hash-colour",
    ),
    pytest.param(
        "# fiscal year\n\nfiscal_year:\n  naming: end\n\n\n  first_month: 13\n",
        "7: fiscal_year.first_month: must be a month number from 1 to 12, got 13",
        id="impossible-month",
    ),
    pytest.param(
        "fiscal_year:\n  naming: middle\n",
        "2: fiscal_year.naming: must be one of 'end', 'start', got 'middle'",
        id="bad-choice",
    ),
    pytest.param(
        "fiscal_year:\n  label_format: 'Q{q}'\n",
        "2: fiscal_year.label_format: must contain {q} and {yy} or {yyyy}, and no other "
        "placeholder, got 'Q{q}'",
        id="bad-label-format",
    ),
    pytest.param(
        "fiscal_year:\n  annual_label_format: 'FY{yy}-Q{q}'\n",
        "2: fiscal_year.annual_label_format: must contain {yy} or {yyyy}, and no other "
        "placeholder, got 'FY{yy}-Q{q}'",
        id="bad-annual-label-format",
    ),
    pytest.param(
        "fiscal_year:\n  label_format: 'FY{yy} Q{q}'\n  annual_label_format: 'FY{yy} Q1'\n",
        "1: fiscal_year: annual_label_format 'FY{yy} Q1' could be confused with the quarter "
        "labels: 'FY24 Q1' reads as a quarter",
        id="annual-label-reads-as-quarter",
    ),
    pytest.param(
        "gitlab:\n  retries: 3\n  timeout: 10\n  retries: 4\n",
        "4: gitlab.retries: duplicate key (first on line 2)",
        id="duplicate-key",
    ),
    pytest.param(
        "gitlab:\n  url: https://gitlab.example.com\n  token: glpat-s3cr3t-t0k3n\n",
        "3: gitlab.token: a token must not be stored in the config file: remove it and put the "
        "token in the environment variable named by gitlab.token_env (default GITLAB_TOKEN)",
        id="token-in-file",
    ),
    pytest.param(
        "private_token: s3cr3t-t0k3n\n",
        "1: private_token: a token must not be stored in the config file: remove it and put "
        "the token in the environment variable named by gitlab.token_env (default GITLAB_TOKEN)",
        id="token-at-top",
    ),
    pytest.param(
        "gitlab:\n  token_env: glpat-s3cr3t-t0k3n\n",
        "2: gitlab.token_env: must be the name of the environment variable that holds the "
        "token (such as GITLAB_TOKEN), not the token itself",
        id="token-as-token-env",
    ),
    pytest.param(
        "gitlab:\n  url: https://me:s3cr3t-t0k3n@gitlab.example.com\n",
        "2: gitlab.url: must not contain a user name or token: put the token in the "
        "environment variable named by gitlab.token_env",
        id="token-in-url",
    ),
    pytest.param(
        "teams:\n  - Company\n  - NO\n",
        "3: teams[1]: expected a team name (quote it to keep it as text) or a mapping, got false",
        id="team-read-as-boolean",
    ),
    pytest.param(
        "teams:\n  - Sales\n  - name: Sales\n",
        "1: teams: team 'Sales' is listed twice",
        id="duplicate-team",
    ),
    pytest.param(
        "rules:\n  disabled:\n    - owner\n    - kr-cont\n",
        "4: rules.disabled[1]: unknown rule id 'kr-cont'; did you mean 'kr-count'?",
        id="unknown-rule",
    ),
    pytest.param(
        "rules:\n  severity:\n    owner: fatal\n",
        "3: rules.severity.owner: must be one of 'error', 'warning', got 'fatal'",
        id="bad-severity",
    ),
    pytest.param(
        "health:\n  on_track_pace: 1.5\n",
        "2: health.on_track_pace: must be at most 1, got 1.5",
        id="out-of-range",
    ),
    pytest.param(
        "schedule:\n  review:\n    weeks_before: 6\n",
        "2: schedule.review: weeks_before (6) must not be more than drafting.weeks_before (4): "
        "drafting comes first",
        id="schedule-out-of-order",
    ),
    pytest.param(
        "gitlab:\n  retries: -1\n  timeout: 0\n",
        "2: gitlab.retries: must be at least 0, got -1 (and 1 more problem)",
        id="two-problems",
    ),
    pytest.param(
        "- gitlab\n- labels\n",
        "1: expected a mapping of keys at the top level, got a list",
        id="top-level-list",
    ),
    pytest.param(
        b"project: caf\xe9/okrs\n",
        "1: not UTF-8 text (byte 0xe9); save the file as UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        "report:\n  output_dir: !!python/object/apply:os.getcwd []\n",
        "2: unsupported YAML tag '!!python/object/apply:os.getcwd': only plain YAML is read",
        id="python-tag",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_broken_config_exits_2_with_one_line_naming_file_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes, message: str
) -> None:
    path = write(tmp_path, text)
    code, out, err = run_cli(["config", "check", "--config", str(path)], capsys)
    assert (code, out) == (2, "")
    assert err == f"okrflow: {path}:{message}\n"
    assert "Traceback" not in err
    assert "s3cr3t" not in err


def test_config_check_names_the_file_it_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(["config", "check", "--config", str(EXAMPLE)], capsys) == (
        0,
        f"config OK: {EXAMPLE}\n",
        "",
    )
    monkeypatch.chdir(tmp_path)
    assert run_cli(["config", "check"], capsys) == (
        0,
        f"config OK: {DEFAULT_CONFIG_PATH} (not found; the defaults apply)\n",
        "",
    )


def test_config_check_reads_okrflow_config_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKRFLOW_CONFIG", str(tmp_path / "missing.yml"))
    assert run_cli(["config", "check"], capsys) == (
        2,
        "",
        f"okrflow: config file not found: {tmp_path / 'missing.yml'}\n",
    )
    monkeypatch.setenv("OKRFLOW_CONFIG", str(write(tmp_path, "project: 7\n")))
    assert run_cli(["config", "check"], capsys)[:2] == (0, f"config OK: {tmp_path}/okrflow.yml\n")


def test_installed_command_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "fiscal_year:\n  first_month: 13\n")
    env = {key: value for key, value in os.environ.items() if key != "OKRFLOW_CONFIG"}
    result = subprocess.run(
        [sys.executable, "-m", "okrflow", "config", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"okrflow: {path}:2: fiscal_year.first_month: must be a month number from 1 to 12, got 13\n"
    )


KEYS = st.sampled_from(
    [
        *("gitlab", "url", "token", "labels", "health", "at_risk", "color", "name", "teams"),
        *("project", "rules", "severity", "disabled", "report", "formats", "schedule"),
        *("review", "weeks_before", "fiscal_year", "first_month", "owner", "13", "true"),
        *("null", "'#ff0000'", "red", "!!str", "&a", "*a", "<<"),
    ]
)
PIECES = st.sampled_from([": ", ":\n", "\n", "\n  ", "\n    ", "- ", "[", "]", "{", "}", ", "])
CONFIGISH = st.lists(KEYS | PIECES, max_size=30).map("".join)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=CONFIGISH)
def test_config_like_text_raises_only_config_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path, explicit=True)
    except ConfigError as error:
        assert "\n" not in str(error)
