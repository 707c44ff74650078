"""Random paths, methods and parameters never make the emulator answer 500 (or hang)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrflow.sandbox import SANDBOX_TOKEN, Emulator
from okrflow.sandbox.emulator import ROUTES

SEGMENTS = [
    "projects",
    "groups",
    "users",
    "user",
    "version",
    "issues",
    "labels",
    "notes",
    "links",
    "boards",
    "lists",
    "repository",
    "files",
    "raw",
    "branches",
    "tree",
    "templates",
    "members",
    "all",
    "events",
    "resource_label_events",
    "subgroups",
    "descendant_groups",
    "commits",
    "acme%2Fokrs",
    "acme",
    "20",
    "1",
    "2",
    "0",
    "-1",
    "99999999999999999999",
    "%2F",
    "okr%3A%3Aobjective",
    ".gitlab%2Fissue_templates%2FOKR.md",
    "a%2F..%2Fb",
    "%00",
    "..",
    "",
]
KEYS = [
    "title",
    "description",
    "labels",
    "labels[]",
    "add_labels",
    "remove_labels",
    "state",
    "state_event",
    "iids[]",
    "iids",
    "not[labels]",
    "not[iids][]",
    "search",
    "in",
    "order_by",
    "sort",
    "page",
    "per_page",
    "pagination",
    "cursor",
    "created_after",
    "updated_before",
    "assignee_ids",
    "assignee_id",
    "assignee_username",
    "due_date",
    "name",
    "new_name",
    "color",
    "priority",
    "body",
    "target_project_id",
    "target_issue_iid",
    "link_type",
    "label_id",
    "position",
    "branch",
    "content",
    "encoding",
    "commit_message",
    "ref",
    "with_counts",
    "include_ancestor_groups",
    "confidential",
    "issue_type",
    "scope",
    "username",
    "a[b][]",
    "action",
    "target_type",
    "after",
    "before",
    "activity_filter",
    "include_descendant_groups",
    "only_group_labels",
    "all_available",
    "path",
    "since",
    "author",
    "query",
    "user_ids[]",
    "ref_name",
]
scalar = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        ["None", "Any", "true", "false", "", "2024-01-01", "#fff", "red", "close", "commented"]
    ),
    st.sampled_from(
        ["/close", "x\n/label ~okr::objective\n/relate #2", "/due someday", "@all @acme `@x`"]
    ),
)
json_value = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def _seeded() -> tuple[Emulator, dict[str, list[str]]]:
    emu = Emulator.sandbox()
    label = emu.add_label("acme/okrs", "okr::objective")
    emu.add_issue("acme/okrs", "one", labels=["okr::objective"])
    emu.add_issue("acme/okrs", "two")
    note = emu.add_note("acme/okrs", 1, "Check-in: 1")
    emu.add_file("acme/okrs", ".gitlab/issue_templates/OKR.md", "hi")
    emu.request(
        "POST",
        "/projects/20/issues/1/links",
        token=SANDBOX_TOKEN,
        json_body={"target_project_id": 20, "target_issue_iid": 2},
    )
    board = emu.request(
        "POST", "/projects/20/boards", token=SANDBOX_TOKEN, json_body={"name": "OKRs"}
    ).json()
    board_list = emu.request(
        "POST",
        f"/projects/20/boards/{board['id']}/lists",
        token=SANDBOX_TOKEN,
        json_body={"label_id": label.id},
    ).json()
    values = {
        "id": ["acme%2Fokrs", "20", "acme"],
        "issue_iid": ["1", "2"],
        "label_id": ["okr%3A%3Aobjective", str(label.id)],
        "note_id": [str(note.id)],
        "issue_link_id": [str(link_id) for link_id in emu.state.links],
        "board_id": [str(board["id"])],
        "list_id": [str(board_list["id"])],
        "file_path": [".gitlab%2Fissue_templates%2FOKR.md", "new.md"],
        "branch": ["main"],
        "name": ["OKR"],
        "user_id": ["1", "2", "alice"],
        "event_id": [str(event_id) for event_id in emu.state.label_events],
        "sha": [c.sha[:8] for c in emu.state.commits.values()],
    }
    return emu, values


_, GOOD_VALUES = _seeded()
ROUTE_LINES = sorted({(route.method, route.template) for route in ROUTES.routes})


def _fill(line: tuple[str, str]) -> st.SearchStrategy[tuple[str, list[str]]]:
    """A real route: its method and existing things in its ``:params``."""
    method, template = line
    parts = [
        st.sampled_from(GOOD_VALUES.get(part[1:], ["1"])) if part.startswith(":") else st.just(part)
        for part in template.strip("/").split("/")
    ]
    return st.tuples(st.just(method), st.tuples(*parts).map(list))


random_line = st.tuples(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
    st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=7),
)
route_line = st.sampled_from(ROUTE_LINES).flatmap(_fill)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    line=st.one_of(random_line, route_line, route_line, route_line),
    query=st.lists(st.tuples(st.sampled_from(KEYS), scalar), max_size=5),
    body=st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(KEYS), json_value, max_size=5),
        st.binary(max_size=20),
    ),
    token=st.sampled_from([SANDBOX_TOKEN, SANDBOX_TOKEN, SANDBOX_TOKEN, None, "bogus"]),
)
def test_random_requests_never_get_a_500(
    line: tuple[str, list[str]], query: list[tuple[str, str]], body: Any, token: str | None
) -> None:
    emu, _ = _seeded()
    method, segments = line
    path = "/api/v4/" + "/".join(segments)
    url = f"http://gitlab.example{path}?{urlencode(query, quote_via=quote)}"
    headers = {"PRIVATE-TOKEN": token} if token else {}
    data = b""
    if isinstance(body, dict):
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif isinstance(body, bytes):
        data = body
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    status, out, answer = emu.handle(method, url, headers, data)

    assert status != 500 and 200 <= status < 500, (status, answer)
    if out["Content-Type"] == "application/json" and answer:
        json.loads(answer)
