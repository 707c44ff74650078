"""okrflow.commands.apply_diff: the text apply writes, its fingerprint, and how differences read."""

from __future__ import annotations

from okrflow.commands.apply_diff import (
    fingerprint,
    meta_details,
    render_text,
    text_conflicts,
    unlinked,
)
from okrflow.core.issue_text import read_issue
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.core.meta import Meta, ParentRef
from okrflow.core.model import Direction, KeyResult, Kind, Metric, MetricKind, Objective

OBJECTIVE = Objective(
    key="sales",
    title="Build a repeatable sales motion",
    purpose="A motion we can repeat; @all of us.",
    owner="bob",
    team="Sales",
    parents=["company"],
    kind=Kind.ASPIRATIONAL,
)
KR = KeyResult(key="sales/sdrs", title="Ramp 6 outbound SDRs", owner="alice", weight=2.0)


def test_rendered_text_has_no_quick_action_and_reads_back_as_the_okr() -> None:
    text = render_text(OBJECTIVE, NAMES, "FY24-Q1", [3])
    assert "/label" not in text and text.endswith("\n") and not text.endswith("\n\n")
    okr, problems = read_issue(
        iid=5, title=OBJECTIVE.title, description=text, labels=[NAMES.objective, "FY24-Q1"]
    )
    assert not problems and isinstance(okr, Objective)
    assert (okr.purpose, okr.owner, okr.team, okr.kind) == (
        "A motion we can repeat; @all of us.",
        "bob",
        "Sales",
        Kind.ASPIRATIONAL,
    )
    assert okr.parents == ["iid-3"]
    assert "@\u2060all" in text  # a mention in the purpose pings no one


def test_a_key_result_names_its_objective_and_a_weight_other_than_one() -> None:
    text = render_text(KR, NAMES, "FY24-Q1", [5])
    okr, _ = read_issue(iid=6, title=KR.title, description=text, labels=[NAMES.key_result])
    assert isinstance(okr, KeyResult)
    assert (okr.objective, okr.owner, okr.weight) == ("iid-5", "alice", 2.0)
    plain = KeyResult(key="sales/p1", title="Keep P1 incidents from exceeding 3")
    assert "\n## Weight\n\n<!--" in render_text(plain, NAMES, "FY24-Q1", [5])


def test_fingerprint_ignores_line_endings_trailing_spaces_and_blank_lines_only() -> None:
    text = "## Objective\n\nGrow\n\n## Owner\n\n@bob\n"
    assert fingerprint(text) == fingerprint(text.replace("\n", "\r\n"))
    assert fingerprint(text) == fingerprint("\n" + text.replace("Grow", "Grow  ") + "\n\n\n")
    assert fingerprint(text) == fingerprint(text.replace("\n\n", "\n\n\n\n"))
    assert fingerprint(text) != fingerprint(text + "A note from a person.\n")
    assert fingerprint(text) != fingerprint(text.replace("@bob", "@alice"))


def test_metadata_differences_read_as_plan_details() -> None:
    have = Meta(
        type="kr",
        key="o/wau",
        metric=Metric(MetricKind.LINEAR, 10_000, 15_000),
        weight=1.0,
        owner="bob",
    )
    want = have.replace(metric=Metric(MetricKind.LINEAR, 10_000, 16_000), weight=2.0)
    assert meta_details(have, want, []) == ["target 15,000 -> 16,000", "weight 1 -> 2"]
    assert meta_details(have, have.replace(owner="alice"), [12]) == [
        "owner bob -> alice",
        "link to #12",
    ]
    down = Metric(MetricKind.LINEAR, 10_000, 15_000, direction=Direction.DECREASE)
    assert meta_details(have, have.replace(metric=down), []) == ["direction increase -> decrease"]
    assert meta_details(have, have.replace(extra={"x": 1}), []) == ["okrflow metadata"]
    assert meta_details(have, have.replace(okrflow="9.9"), []) == []


def test_metadata_before_the_links_exist_has_no_target_iids() -> None:
    meta = Meta(parents=(ParentRef("a", 1), ParentRef("b", 2)), objective_iid=4)
    assert unlinked(meta) == Meta(parents=(ParentRef("a"), ParentRef("b")))


def test_text_conflicts_name_the_section_a_person_must_change() -> None:
    read = Objective(key="sales", title="t", purpose="Old why.", owner="carol", parents=["iid-9"])
    found = text_conflicts(read, OBJECTIVE, "bob", {9: "company"})
    assert [f.split("; a person")[0] for f in found] == [
        "its description says owner @carol, the file @bob",
        'its description says purpose "Old why.", the file "A motion we can repeat; @all of us."',
        "its description says kind committed, the file aspirational",
    ]
    assert "change the issue's Owner section (or the file)" in found[0]
    assert text_conflicts(OBJECTIVE, OBJECTIVE, "bob", {}) == []
