"""The OKR scope in the config: a project or a group, the group's OKR projects and the
team each belongs to; one clear line (exit 2) for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrflow.commands.workspace import connect_settings
from okrflow.config import load_config
from okrflow.errors import ConfigError


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "okrflow.yml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, explicit=True)


def test_a_group_scope_names_its_projects_and_their_teams(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        "group: acme/\nprojects:\n  - acme/company\n  - path: acme/eng/web\n    team: Web\n",
    )
    assert config.group == "acme"  # type: ignore[attr-defined]
    assert [(p.path, p.team) for p in config.projects] == [  # type: ignore[attr-defined]
        ("acme/company", None),
        ("acme/eng/web", "Web"),
    ]
    settings = connect_settings(
        config,  # type: ignore[arg-type]
        gitlab_url="http://gitlab.example",
        project=None,
        environ={"GITLAB_TOKEN": "t"},
    )
    assert (settings.group, settings.project) == ("acme", None)
    assert settings.okr_projects == ("acme/company", "acme/eng/web")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "project: acme/okrs\ngroup: acme\n",
            2,
            "group: give either project: (one OKR project) or group: (every project of a "
            "group), not both",
        ),
        (
            "projects: [acme/a]\n",
            1,
            "projects: projects: names the OKR projects of a group: set group: too",
        ),
        (
            "group: acme\nprojects: [other/a]\n",
            2,
            "projects: project 'other/a' is not in the group acme",
        ),
        (
            "group: acme\nprojects: [acme/a, Acme/A]\n",
            2,
            "projects: project 'Acme/A' is listed twice",
        ),
        (
            "group: acme\nprojects:\n  - {path: acme/a, team: Sales}\n"
            "  - {path: acme/b, team: sales}\n",
            2,
            "projects: projects acme/a and acme/b both use the team 'sales': a team's OKRs "
            "live in one project",
        ),
        (
            "group: acme\nprojects: [7]\n",
            2,
            "expected a project path or a mapping with path and team",
        ),
    ],
)
def test_a_scope_mistake_is_one_clear_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    shown = str(caught.value)
    assert shown.startswith(f"{tmp_path / 'okrflow.yml'}:{line}: ") and message in shown, shown
    assert caught.value.exit_code == 2
    assert len(shown.splitlines()) == 1
