"""okrflow.commands.init against the emulator: labels, board and templates converge."""

from __future__ import annotations

import datetime as dt

import pytest

from okrflow.adapter import ConnectionSettings
from okrflow.commands.init import Change, desired_labels, init
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.errors import GitLabError
from okrflow.render.templating import ui_template_text
from okrflow.sandbox import SANDBOX_JOB_TOKEN, Emulator

PROJECT = "acme/okrs"
TODAY = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)  # in FY24-Q1
LIFECYCLE = ["okr-status::draft", "okr-status::review", "okr-status::active", "okr-status::closed"]
TEMPLATE_FILES = ["OKR Objective.md", "OKR Key Result.md", "OKR Retrospective.md"]


def workspace(
    emu: Emulator, config: Config | None = None, *, dry_run: bool = False, token: str | None = None
) -> Workspace:
    settings = ConnectionSettings(
        url=emu.base_url,
        token=token or emu.default_token,
        token_kind="job" if token == SANDBOX_JOB_TOKEN else "private",
        project=emu.default_project,
        retries=0,
    )
    return Workspace(
        config=config or Config.default(),
        connection=settings,
        dry_run=dry_run,
        now=lambda: TODAY,
    )


def config_with(**changes: object) -> Config:
    data = Config.default().model_dump(mode="json")
    for dotted, value in changes.items():
        node = data
        *path, last = dotted.split("__")
        for part in path:
            node = node[part]
        node[last] = value
    return Config.model_validate(data)


def board(emu: Emulator) -> tuple[str, list[str]]:
    boards = list(emu.state.boards.values())
    assert len(boards) == 1
    lists = sorted(
        (lst for lst in emu.state.lists.values() if lst.board_id == boards[0].id),
        key=lambda lst: lst.position,
    )
    return boards[0].name, [emu.state.labels[lst.label_id].name for lst in lists]


def test_init_creates_exactly_the_configured_labels_with_colours_and_descriptions(
    emulator: Emulator,
) -> None:
    config = config_with(teams=["CSM", {"name": "Sales", "color": "#e9be74"}])
    result = init(workspace(emulator, config))

    labels = {lab.name: lab for lab in emulator.labels(PROJECT)}
    expected = {
        "okr::objective": ("#1f75cb", "OKR: an objective"),
        "okr::key result": ("#6699cc", "OKR: a key result"),
        "okr::kpi": ("#2f9e8f", "OKR: a KPI, a standing measure with a healthy range"),
        "okr::report": ("#5843ad", "OKR report written by okrflow"),
        "okr::retrospective": ("#8fbc8f", "OKR retrospective notes"),
        "okr::carry": ("#fc9403", "OKR: carry over into the next quarter on its first day"),
        "okr-status::draft": ("#bfbfbf", "OKR lifecycle: In Draft"),
        "okr-status::review": ("#e9be74", "OKR lifecycle: Under Review"),
        "okr-status::active": ("#108548", "OKR lifecycle: Active"),
        "okr-status::closed": ("#737278", "OKR lifecycle: Closed"),
        "okr-health::on track": ("#108548", "OKR health: on track"),
        "okr-health::needs attention": ("#c17d10", "OKR health: needs attention"),
        "okr-health::at risk": ("#dd2b0e", "OKR health: at risk"),
        "okr-grade::green": ("#108548", "OKR closed with a green grade"),
        "okr-grade::yellow": ("#c17d10", "OKR closed with a yellow grade"),
        "okr-grade::red": ("#dd2b0e", "OKR closed with a red grade"),
        "FY24-Q1": ("#330066", "OKR quarter"),  # the current quarter ...
        "FY24-Q2": ("#330066", "OKR quarter"),  # ... and the next
        # the fiscal year, for annual objectives
        "FY24": (
            "#330066",
            "OKR fiscal year: the annual objectives quarterly objectives align under",
        ),
        "CSM": ("#009966", "OKR team"),
        "Sales": ("#e9be74", "OKR team"),
    }
    assert {name: (lab.color.lower(), lab.description) for name, lab in labels.items()} == expected
    assert [c.name for c in result.changes if c.kind == "label"] == list(expected)


def test_init_creates_the_board_with_one_list_per_lifecycle_label_in_order(
    emulator: Emulator,
) -> None:
    init(workspace(emulator))
    assert board(emulator) == ("OKRs", LIFECYCLE)


def test_init_commits_the_three_issue_templates_to_the_default_branch(emulator: Emulator) -> None:
    ws = workspace(emulator)
    init(ws)
    for short, file_name in zip(("objective", "kr", "retrospective"), TEMPLATE_FILES, strict=True):
        text = emulator.file_text(PROJECT, f".gitlab/issue_templates/{file_name}", "main")
        assert text == ui_template_text(short, label_names=ws.labels)
        assert "/label" in text  # a filed issue is labelled at once


def test_init_reports_every_change_and_a_summary(emulator: Emulator) -> None:
    result = init(workspace(emulator))
    assert result.summary() == "init: 27 created, 0 updated, 0 unchanged"
    assert Change("created", "label", "okr::objective").line() == "created label okr::objective"
    lines = [c.line() for c in result.changes]
    assert "created board OKRs" in lines
    assert "added board list okr-status::draft" in lines
    assert "created template OKR Objective.md" in lines


def test_init_twice_writes_nothing_the_second_time(emulator: Emulator) -> None:
    init(workspace(emulator))
    emulator.reset_log()

    result = init(workspace(emulator))

    assert emulator.writes().total() == 0
    assert result.changes == []
    assert result.summary() == "init: 0 created, 0 updated, 27 unchanged"


def test_init_reads_labels_boards_and_each_template_once(emulator: Emulator) -> None:
    init(workspace(emulator))
    emulator.reset_log()
    init(workspace(emulator))
    by_route = emulator.counts_by_route()
    assert by_route["GET /projects/:id/labels"] == 1
    assert by_route["GET /projects/:id/boards"] == 1
    assert by_route["GET /projects/:id/repository/files/:file_path"] == 3
    assert (
        sum(emulator.counts(without="okrflow=lease").values()) == 6
    )  # and the project, for its default branch


def test_a_changed_colour_in_the_config_updates_exactly_that_label(emulator: Emulator) -> None:
    init(workspace(emulator))
    emulator.reset_log()

    changed = config_with(labels__lifecycle__active__color="#00ff00")
    result = init(workspace(emulator, changed))

    assert emulator.counts_by_route()["PUT /projects/:id/labels/:label_id"] == 1
    assert emulator.writes().total() == 1
    assert [c.line() for c in result.changes] == [
        "updated label okr-status::active (colour #108548 -> #00ff00)"
    ]
    active = next(lab for lab in emulator.labels(PROJECT) if lab.name == "okr-status::active")
    assert active.color.lower() == "#00ff00"


def test_a_colour_written_differently_is_the_same_colour(emulator: Emulator) -> None:
    emulator.add_label(PROJECT, "okr::objective", color="#1F75CB", description="OKR: an objective")
    result = init(workspace(emulator))
    assert "label okr::objective" in result.unchanged
    assert all(c.name != "okr::objective" for c in result.changes)


def test_a_changed_description_is_updated(emulator: Emulator) -> None:
    emulator.add_label(PROJECT, "okr::objective", color="#1f75cb", description="old words")
    result = init(workspace(emulator))
    assert Change("updated", "label", "okr::objective", "description") in result.changes
    label = next(lab for lab in emulator.labels(PROJECT) if lab.name == "okr::objective")
    assert label.description == "OKR: an objective"


def test_a_group_label_is_left_alone_with_a_note(emulator: Emulator) -> None:
    emulator.add_label("acme", "okr::objective", color="#000000")
    result = init(workspace(emulator))
    assert all(c.name != "okr::objective" for c in result.changes)
    assert any("group label" in note for note in result.notes)
    assert not any(
        lab.name == "okr::objective" and lab.project_id is not None
        for lab in emulator.state.labels.values()
    )


def test_missing_lists_are_added_and_a_reordered_board_is_put_back_in_order(
    emulator: Emulator,
) -> None:
    init(workspace(emulator))
    lists = {emulator.state.labels[lst.label_id].name: lst for lst in emulator.state.lists.values()}
    del emulator.state.lists[lists.pop("okr-status::review").id]  # a person removed one
    for position, name in enumerate(["okr-status::closed", "okr-status::active"]):
        lists[name].position = position  # ... and moved two
    lists["okr-status::draft"].position = 2
    assert board(emulator)[1] == ["okr-status::closed", "okr-status::active", "okr-status::draft"]
    emulator.reset_log()

    result = init(workspace(emulator))

    assert board(emulator) == ("OKRs", LIFECYCLE)
    assert Change("created", "board list", "okr-status::review") in result.changes
    assert Change("updated", "board", "OKRs", "list order") in result.changes
    emulator.reset_log()
    init(workspace(emulator))
    assert emulator.writes().total() == 0


KR_PATH = ".gitlab/issue_templates/OKR Key Result.md"


def test_an_edited_template_survives_init_and_is_named(emulator: Emulator) -> None:
    ws = workspace(emulator)
    init(ws)
    emulator.add_file(PROJECT, KR_PATH, "our own KR template\n", author="alice")
    emulator.reset_log()

    result = init(workspace(emulator))

    assert emulator.writes().total() == 0
    assert emulator.file_text(PROJECT, KR_PATH, "main") == "our own KR template\n"
    assert result.changes == []
    [note] = result.notes
    assert note.startswith("template OKR Key Result.md was edited by Alice")
    assert "init --force replaces it" in note


def test_init_force_restores_an_edited_template(emulator: Emulator) -> None:
    ws = workspace(emulator)
    init(ws)
    emulator.add_file(PROJECT, KR_PATH, "our own KR template\n", author="alice")
    emulator.reset_log()

    result = init(workspace(emulator), force=True)

    assert [c.line() for c in result.changes] == [
        "updated template OKR Key Result.md (replaced an edit (--force))"
    ]
    assert emulator.file_text(PROJECT, KR_PATH, "main") == ui_template_text(
        "kr", label_names=ws.labels
    )
    emulator.reset_log()
    init(workspace(emulator))
    assert emulator.writes().total() == 0


def test_a_template_okrflow_never_installed_is_never_touched(emulator: Emulator) -> None:
    emulator.add_file(PROJECT, KR_PATH, "the team's template\n", author="alice")

    first = init(workspace(emulator))
    forced = init(workspace(emulator), force=True)

    for result in (first, forced):
        assert "template OKR Key Result.md was not installed by okrflow" in result.notes[0]
    assert emulator.file_text(PROJECT, KR_PATH, "main") == "the team's template\n"
    templates = [c.line() for c in first.changes if c.kind == "template"]
    assert templates == [
        "created template OKR Objective.md",
        "created template OKR Retrospective.md",
    ]


def test_a_template_okrflow_wrote_earlier_is_updated_to_the_new_one(emulator: Emulator) -> None:
    init(workspace(emulator))
    config = config_with(labels__lifecycle__draft__name="okr-status::in draft")
    emulator.reset_log()

    result = init(workspace(emulator, config))

    updated = [c.line() for c in result.changes if c.kind == "template"]
    assert updated == [
        "updated template OKR Objective.md",
        "updated template OKR Key Result.md",
    ]
    text = emulator.file_text(PROJECT, KR_PATH, "main")
    assert text is not None and '~"okr-status::in draft"' in text


def test_a_persons_commit_claiming_okrflows_record_does_not_count(emulator: Emulator) -> None:
    """The record is okrflow's only when okrflow's user committed it: alice writing the
    trailer of her own content through the Files API (committer: alice) claims nothing."""
    from okrflow.core.installed import with_trailer

    theirs = "the team's template\n"
    with emulator.as_user("alice"):
        emulator.request(
            "POST",
            f"/projects/{emulator.project(PROJECT).id}/repository/files/"
            + KR_PATH.replace("/", "%2F").replace(" ", "%20"),
            json_body={
                "branch": "main",
                "content": theirs,
                "commit_message": with_trailer("add", theirs),
                "author_email": "okr-lead@example.com",
            },
        )
    assert emulator.file_text(PROJECT, KR_PATH, "main") == theirs

    result = init(workspace(emulator), force=True)

    assert emulator.file_text(PROJECT, KR_PATH, "main") == theirs
    assert any("was not installed by okrflow" in note for note in result.notes)


def test_configured_label_names_reach_labels_board_and_templates(emulator: Emulator) -> None:
    config = config_with(
        labels__lifecycle__draft__name="okr-status::in draft", lifecycle__board="Goals"
    )
    ws = workspace(emulator, config)
    init(ws)
    name, lists = board(emulator)
    assert (name, lists[0]) == ("Goals", "okr-status::in draft")
    text = emulator.file_text(PROJECT, ".gitlab/issue_templates/OKR Objective.md", "main")
    assert text is not None and '~"okr-status::in draft"' in text


def test_dry_run_makes_only_get_requests_and_says_what_it_would_do(emulator: Emulator) -> None:
    result = init(workspace(emulator, dry_run=True))
    assert set(emulator.counts()) == {"GET"}
    assert emulator.labels(PROJECT) == []
    assert result.summary() == "init (dry run): 27 created, 0 updated, 0 unchanged"
    assert Change("created", "label", "okr::report").line(dry_run=True) == (
        "would create label okr::report"
    )
    assert Change("created", "board list", "x").line(dry_run=True) == "would add board list x"


def test_the_quarter_labels_follow_the_fiscal_calendar(emulator: Emulator) -> None:
    config = config_with(fiscal_year__first_month=2)  # FY25 runs 2024-02-01 to 2025-01-31
    names = [spec.name for spec in desired_labels(workspace(emulator, config))]
    assert names[-3:] == ["FY25-Q1", "FY25-Q2", "FY25"]


def test_a_job_token_is_refused_before_anything_is_written(emulator: Emulator) -> None:
    with pytest.raises(GitLabError, match="CI_JOB_TOKEN"):
        init(workspace(emulator, token=SANDBOX_JOB_TOKEN))
    assert emulator.writes().total() == 0


@pytest.mark.parametrize(
    "route",
    [
        r"/labels$",
        r"/boards$",
        r"/boards/\d+/lists$",
        r"/repository/files/",
    ],
)
def test_a_create_whose_answer_is_lost_is_not_made_twice(emulator: Emulator, route: str) -> None:
    emulator.faults.drop(method="POST", path=route, times=1, after=True)
    settings = ConnectionSettings(
        url=emulator.base_url, token=emulator.default_token, project=PROJECT, retries=2
    )
    init(Workspace(config=Config.default(), connection=settings, now=lambda: TODAY))
    assert len(emulator.state.boards) == 1
    assert board(emulator) == ("OKRs", LIFECYCLE)
    assert len(emulator.labels(PROJECT)) == 19
    emulator.reset_log()
    init(workspace(emulator))
    assert emulator.writes().total() == 0
