"""Groups and subgroups: descendants, the group issue listing, group labels, the group board."""

from __future__ import annotations

import gitlab
import pytest
from sandbox_calls import get

from okrflow.sandbox import SANDBOX_TOKEN, Emulator, ServedEmulator


@pytest.fixture
def emu() -> Emulator:
    """acme/{company,sales} and acme/eng/{platform,web}, acme/eng/deep/er/core."""
    emu = Emulator.sandbox()
    for group in ("acme/eng", "acme/eng/deep", "acme/eng/deep/er"):
        emu.add_group(group)
    for project in ("acme/company", "acme/sales", "acme/eng/platform", "acme/eng/web"):
        emu.add_project(project)
    emu.add_project("acme/eng/deep/er/core")
    emu.add_label("acme", "FY24-Q1")
    emu.add_label("acme/eng", "eng-only")
    return emu


def test_subgroups_descendants_and_descendant_projects(emu: Emulator) -> None:
    subgroups = get(emu, "/groups/acme/subgroups")
    descendants = get(emu, "/groups/acme/descendant_groups")
    direct = get(emu, "/groups/acme/projects")
    deep = get(emu, "/groups/acme/projects", include_subgroups="true", per_page=100)
    one = get(emu, "/groups/acme%2Feng%2Fdeep%2Fer")

    assert [g["full_path"] for g in subgroups] == ["acme/eng"]
    assert sorted(g["full_path"] for g in descendants) == [
        "acme/eng",
        "acme/eng/deep",
        "acme/eng/deep/er",
    ]
    assert sorted(p["path_with_namespace"] for p in direct) == [
        "acme/company",
        "acme/okrs",
        "acme/sales",
    ]
    assert len(deep) == 6
    assert (one["full_name"], one["parent_id"]) == (
        "Acme / eng / deep / er",
        emu.group("acme/eng/deep").id,
    )


def test_group_issues_span_subgroups_with_full_references_and_filters(emu: Emulator) -> None:
    emu.add_issue("acme/company", "Company objective", labels=["FY24-Q1"])
    emu.add_issue("acme/eng/web", "Web KR", labels=["FY24-Q1", "eng-only"])
    emu.add_issue("acme/eng/deep/er/core", "Core KR", labels=["FY24-Q1"])
    emu.add_issue("acme/sales", "Unlabelled")

    listed = get(emu, "/groups/acme/issues", labels="FY24-Q1", sort="asc")
    excluded = get(emu, "/groups/acme/issues", **{"not[labels]": "eng-only"})
    eng = get(emu, "/groups/acme%2Feng/issues")
    by_iid = get(emu, "/groups/acme/issues", **{"iids[]": [1]})

    assert [(i["references"]["full"], i["references"]["relative"]) for i in listed] == [
        ("acme/company#1", "company#1"),
        ("acme/eng/web#1", "acme/eng/web#1"),
        ("acme/eng/deep/er/core#1", "acme/eng/deep/er/core#1"),
    ]
    assert [i["project_id"] for i in listed] == [
        emu.project(p).id for p in ("acme/company", "acme/eng/web", "acme/eng/deep/er/core")
    ]
    assert "Web KR" not in [i["title"] for i in excluded] and len(excluded) == 3
    assert [i["references"]["relative"] for i in eng] == ["acme/eng/deep/er/core#1", "web#1"]
    assert len(by_iid) == 4


def test_group_issues_show_only_projects_the_user_can_see(emu: Emulator) -> None:
    emu.add_user("carol")
    emu.add_member("acme/eng/web", "carol", "reporter")
    emu.add_issue("acme/eng/web", "visible")
    emu.add_issue("acme/sales", "hidden")

    listed = get(emu, "/groups/acme/issues", token=emu.token_for("carol"))

    assert [i["title"] for i in listed] == ["visible"]


def test_group_issue_listing_pages_across_many_projects(emu: Emulator) -> None:
    for number in range(30):
        emu.add_issue(["acme/company", "acme/eng/web"][number % 2], f"issue {number}")

    first = emu.request("GET", "/groups/acme/issues", token=SANDBOX_TOKEN, params={"per_page": 20})
    second = emu.request(
        "GET", "/groups/acme/issues", token=SANDBOX_TOKEN, params={"per_page": 20, "page": 2}
    )

    assert first.headers["X-Total"] == "30" and first.headers["X-Total-Pages"] == "2"
    assert len(first.json()) == 20 and len(second.json()) == 10


def test_group_labels_ancestors_descendants_and_project_listings(emu: Emulator) -> None:
    emu.add_label("acme/eng/web", "web-only")

    own = get(emu, "/groups/acme%2Feng/labels", include_ancestor_groups="false")
    with_ancestors = get(emu, "/groups/acme%2Feng/labels")
    with_descendants = get(emu, "/groups/acme/labels", include_descendant_groups="true")
    with_projects = get(
        emu, "/groups/acme/labels", include_descendant_groups="true", only_group_labels="false"
    )
    in_project = get(emu, "/projects/acme%2Feng%2Fweb/labels")
    only_project = get(emu, "/projects/acme%2Feng%2Fweb/labels", include_ancestor_groups="false")

    assert [lab["name"] for lab in own] == ["eng-only"]
    assert [lab["name"] for lab in with_ancestors] == ["FY24-Q1", "eng-only"]
    assert [lab["name"] for lab in with_descendants] == ["FY24-Q1", "eng-only"]
    assert [lab["name"] for lab in with_projects] == ["FY24-Q1", "eng-only", "web-only"]
    assert [(lab["name"], lab["is_project_label"]) for lab in in_project] == [
        ("FY24-Q1", False),
        ("eng-only", False),
        ("web-only", True),
    ]
    assert [lab["name"] for lab in only_project] == ["web-only"]


def test_issues_use_ancestor_group_labels_and_group_label_crud(emu: Emulator) -> None:
    created = emu.request(
        "POST",
        "/projects/acme%2Feng%2Fweb/issues",
        token=SANDBOX_TOKEN,
        json_body={"title": "KR", "labels": ["FY24-Q1", "eng-only"]},
    ).json()
    made = emu.request(
        "POST",
        "/groups/acme/labels",
        token=SANDBOX_TOKEN,
        json_body={"name": "new", "color": "red"},
    )
    clash = emu.request(
        "POST",
        "/groups/acme%2Feng/labels",
        token=SANDBOX_TOKEN,
        json_body={"name": "new", "color": "#000"},
    )
    renamed = emu.request(
        "PUT", "/groups/acme/labels/new", token=SANDBOX_TOKEN, json_body={"new_name": "newer"}
    )
    project_put = emu.request(
        "PUT",
        "/projects/acme%2Feng%2Fweb/labels/FY24-Q1",
        token=SANDBOX_TOKEN,
        json_body={"color": "#000"},
    )

    assert created["labels"] == ["FY24-Q1", "eng-only"]
    assert emu.labels("acme/eng/web") == []  # no project copies were made
    assert (made.status, made.json()["color"]) == (201, "#FF0000")
    assert clash.status == 409
    assert renamed.json()["name"] == "newer"
    assert project_put.status == 404  # group labels are changed at the group


def test_the_free_group_board_cannot_be_created_by_api_but_its_lists_can_be_managed(
    emu: Emulator,
) -> None:
    refused = emu.request(
        "POST", "/groups/acme/boards", token=SANDBOX_TOKEN, json_body={"name": "b"}
    )
    board = emu.add_board("acme")
    label_id = emu.labels("acme")[0].id
    lists = f"/groups/acme/boards/{board.id}/lists"
    created = emu.request("POST", lists, token=SANDBOX_TOKEN, json_body={"label_id": label_id})
    project_label = emu.add_label("acme/okrs", "project-only")
    wrong = emu.request(
        "POST", lists, token=SANDBOX_TOKEN, json_body={"label_id": project_label.id}
    )
    boards = get(emu, "/groups/acme/boards")
    deleted = emu.request("DELETE", f"/groups/acme/boards/{board.id}", token=SANDBOX_TOKEN)

    assert refused.status == 403
    assert created.status == 201 and created.json()["label"]["name"] == "FY24-Q1"
    assert wrong.status == 400
    assert [(b["name"], b["project"], b["group"]["name"]) for b in boards] == [
        ("Development", None, "Acme")
    ]
    assert [lst["position"] for lst in boards[0]["lists"]] == [0]
    assert deleted.status == 403


def test_cross_project_links(emu: Emulator) -> None:
    emu.add_issue("acme/company", "Company objective")
    emu.add_issue("acme/eng/web", "Web KR")

    created = emu.request(
        "POST",
        "/projects/acme%2Feng%2Fweb/issues/1/links",
        token=SANDBOX_TOKEN,
        json_body={"target_project_id": "acme/company", "target_issue_iid": 1},
    )
    from_company = get(emu, "/projects/acme%2Fcompany/issues/1/links")

    assert created.status == 201
    assert [(i["references"]["full"], i["link_type"]) for i in from_company] == [
        ("acme/eng/web#1", "relates_to")
    ]


def test_group_issues_and_subgroups_through_python_gitlab(served_emulator: ServedEmulator) -> None:
    emu = served_emulator.emu
    emu.add_group("acme/eng")
    emu.add_project("acme/eng/web")
    for number in range(3):
        emu.add_issue("acme/eng/web", f"KR {number}", labels=["okr"])
    with gitlab.Gitlab(served_emulator.url, private_token=served_emulator.token, timeout=10) as gl:
        group = gl.groups.get("acme")
        issues = group.issues.list(labels=["okr"], get_all=True, per_page=2)
        subgroups = group.subgroups.list(get_all=True)
        descendants = group.descendant_groups.list(get_all=True)

    assert sorted(i.references["full"] for i in issues) == [f"acme/eng/web#{n}" for n in (1, 2, 3)]
    assert [g.full_path for g in subgroups] == [g.full_path for g in descendants] == ["acme/eng"]
