"""okrflow's templates: user text is data, Markdown output pings no one, one source per template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from okrflow.core.description import WORD_JOINER, neutralize_mentions
from okrflow.core.issue_text import LabelNames
from okrflow.errors import ConfigError
from okrflow.render.escape.markdown import md_cell, mention
from okrflow.render.templating import (
    ISSUE_TEMPLATES,
    issue_labels,
    issue_templates_dir,
    make_environment,
    render,
    render_issue_template,
    ui_template_text,
)

NAMES = list(ISSUE_TEMPLATES)
KR_LABELS = ["okr::key result", "okr-status::draft"]
JINJA = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
HOSTILE = [
    "{{ 7*7 }}",
    "{% raw %}",
    "{% endraw %}{{ config }}",
    "{# comment #}",
    "@all please",
    "<script>alert(1)</script>",
    "\u202eevil RTL override\u202c עברית עם English mixed " * 400,
]


# --- the UI templates ----------------------------------------------------------------------


def test_the_shipped_issue_templates_are_found() -> None:
    folder = issue_templates_dir()
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(ISSUE_TEMPLATES.values())


@pytest.mark.parametrize("name", NAMES)
def test_ui_text_is_the_template_rendered_with_no_values(name: str) -> None:
    file_name = ISSUE_TEMPLATES[name]
    assert make_environment().get_template(file_name).render() == ui_template_text(name)
    assert ui_template_text(file_name) == ui_template_text(name)


@pytest.mark.parametrize("name", NAMES)
def test_ui_text_has_no_jinja_left_and_ends_with_its_quick_actions(name: str) -> None:
    text = ui_template_text(name)
    assert not JINJA.search(text)
    assert text.endswith("\n") and not text.endswith("\n\n")
    last = text.rstrip("\n").splitlines()[-1]
    assert (
        last
        == {
            "objective": '/label ~"okr::objective" ~"okr-status::draft"',
            "kr": '/label ~"okr::key result" ~"okr-status::draft"',
            "retrospective": '/label ~"okr::retrospective"',
        }[name]
    )
    # Hints are comments: nothing a person did not write shows in the issue.
    visible = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    assert "<" not in visible.replace("<br>", "")
    assert "@" not in visible


def test_the_objective_template_has_every_section_a_person_fills_in() -> None:
    headings = re.findall(r"(?m)^## (.+)$", ui_template_text("objective"))
    assert headings == [
        "Objective",
        "Purpose / why it matters",
        "Owner",
        "Team",
        "Quarter",
        "Key results",
        "Parent objective",
        "Committed or aspirational",
    ]
    text = ui_template_text("objective")
    assert "<Verb> <measure> from <x> to <y>" in text
    assert "3 to 5" in text
    assert "- [ ] Committed" in text and "- [ ] Aspirational" in text


def test_quick_actions_use_the_configured_label_names() -> None:
    names = LabelNames(objective="type::goal", draft="stage::draft")
    assert ui_template_text("objective", label_names=names).endswith(
        '/label ~"type::goal" ~"stage::draft"\n'
    )


def test_a_prefilled_render_labels_type_draft_quarter_and_team() -> None:
    text = render_issue_template("kr", statement="Ship X", quarter="FY24-Q1", team="CSM")
    assert text.endswith('/label ~"okr::key result" ~"okr-status::draft" ~"FY24-Q1" ~"CSM"\n')
    assert issue_labels("objective", quarter="FY24-Q2") == [
        "okr::objective",
        "okr-status::draft",
        "FY24-Q2",
    ]
    teams = LabelNames(teams=("CSM",))
    assert issue_labels("kr", team="csm", label_names=teams)[-1] == "CSM"
    assert issue_labels("kr", team="Sales", label_names=teams) == KR_LABELS


def test_a_label_that_cannot_be_quoted_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        ui_template_text("objective", label_names=LabelNames(objective='say "hi"'))


# --- values are data -------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_come_out_literally(value: str) -> None:
    text = render_issue_template(
        "objective", title=value, purpose=value, team=value, key_results=[value]
    )
    expected = neutralize_mentions(value)
    body, quick_actions = text.rstrip("\n").rsplit("\n", 1)
    assert body.count(expected) == 4
    assert quick_actions.startswith('/label ~"okr::objective"')
    if "7*7" in value:
        assert "49" not in text
    kr = render_issue_template("kr", statement=value, objective=value)
    assert kr.count(expected) == 2


def test_mentions_in_values_ping_no_one_but_the_owner_does() -> None:
    text = render_issue_template(
        "objective", purpose="ask @bob and @all, or @acme/team", owner="alice"
    )
    assert "\n@alice\n" in text
    assert "@bob" not in text and "@all" not in text and "@acme" not in text
    assert f"@{WORD_JOINER}bob" in text
    for owner in ("all", "here", "acme/team", "Alice Smith", "@all"):
        rendered = render_issue_template("objective", owner=owner)
        assert not re.search(r"(?m)^@(?!\u2060)", rendered), owner


def test_values_cannot_add_quick_actions_sections_comments_or_fences() -> None:
    value = "/close\n/label ~spam\n## Owner\n@mallory\n```\n<!-- hide"
    text = render_issue_template("objective", title="T", purpose=value)
    quick_actions = [line for line in text.splitlines() if line.startswith("/")]
    assert quick_actions == ['/label ~"okr::objective" ~"okr-status::draft"']
    assert re.findall(r"(?m)^## Owner$", text) == ["## Owner"]
    assert "<!-- hide" not in text
    assert not re.search(r"(?m)^```", text)


def test_a_prefilled_objective_ticks_its_kind_and_lists_its_parts() -> None:
    text = render_issue_template(
        "objective",
        title="Make the product valuable",
        owner="alice",
        key_results=["Grow WAU from 10,000 to 15,000", "Achieve SOC2 Type 1"],
        parents=["#12", "acme/okrs#13"],
        kind="aspirational",
    )
    assert "- [ ] Committed" in text and "- [x] Aspirational" in text
    assert "\n- Grow WAU from 10,000 to 15,000\n- Achieve SOC2 Type 1\n" in text
    assert "\n- #12\n- acme/okrs#13\n" in text
    assert "<!-- One inspiring sentence" in text  # hints stay for the next editor


def test_the_retrospective_lists_scores_in_a_safe_table() -> None:
    text = render_issue_template(
        "retrospective",
        quarter="FY24-Q1",
        team="CSM",
        objectives=[
            {"ref": "#12", "title": "A | B\nC @all", "kind": "committed", "score": 0.72},
            {"title": "Plain", "score": None, "outcome": "carried over"},
        ],
    )
    assert "| #12 A \\| B C @\u2060all | committed | 0.7 |   |" in text
    assert "| Plain |   | — | carried over |" in text
    assert text.endswith('/label ~"okr::retrospective" ~"FY24-Q1" ~"CSM"\n')


# --- filters -----------------------------------------------------------------------------------


def test_issue_templates_escape_table_cells_as_the_reports_do() -> None:
    env = make_environment()
    assert env.filters["md_cell"] is env.filters["cell"] is md_cell
    assert md_cell("a | b\r\nc\nd\\") == "a \\| b c d\\\\"
    assert md_cell("<b>&amp;</b> **x**") == "&lt;b&gt;&amp;amp;&lt;/b&gt; \\*\\*x\\*\\*"
    assert md_cell(None) == " "
    assert md_cell("@all | x") == "@\u2060all \\| x"


def test_neutralized_mentions_are_inert_idempotent_and_look_the_same() -> None:
    for text in ("@all", "hi @here", "@group/sub", "&#64;all", "&#x40;all", "mail a@b.c"):
        out = neutralize_mentions(text)
        assert not re.search(r"@[A-Za-z0-9_]", out)
        assert neutralize_mentions(out) == out
    assert neutralize_mentions("@all").replace(WORD_JOINER, "") == "@all"


def test_mention_is_real_only_for_a_plain_username() -> None:
    assert mention("alice") == "@alice"
    assert mention("@bob.smith") == "@bob.smith"
    assert mention("all") == f"@{WORD_JOINER}all"


# --- the environment -----------------------------------------------------------------------------


def test_html_templates_are_autoescaped_and_markdown_ones_are_not(tmp_path: Path) -> None:
    (tmp_path / "page.html.j2").write_text("<p>{{ v }}</p>\n")
    (tmp_path / "page.md.j2").write_text("{{ v }}\n")
    env = make_environment(tmp_path)
    assert render("page.html.j2", env, v="<script>@all") == "<p>&lt;script&gt;@\u2060all</p>\n"
    assert render("page.md.j2", env, v="<script>") == "<script>\n"


def test_an_override_directory_wins(tmp_path: Path) -> None:
    (tmp_path / "OKR Objective.md").write_text("Ours: {{ title|default('') }}\n")
    env = make_environment(tmp_path)
    assert render_issue_template("objective", env=env, title="X") == "Ours: X\n"
    assert "## Owner" in render_issue_template("kr", env=env)


def test_templates_run_in_a_sandbox_with_strict_undefined(tmp_path: Path) -> None:
    (tmp_path / "escape.md").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    (tmp_path / "typo.md").write_text("{{ titel }}")
    (tmp_path / "broken.md").write_text("{% if %}")
    env = make_environment(tmp_path)
    for name in ("escape.md", "typo.md", "broken.md", "missing.md"):
        with pytest.raises(ConfigError):
            render(name, env)


def test_a_missing_override_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        make_environment(tmp_path / "nope")
