"""okrflow.core.okr_diff: the fingerprint of okrflow's text, and how differences read."""

from __future__ import annotations

from okrflow.core.meta import Meta, ParentRef
from okrflow.core.model import Direction, IssueId, Kind, Metric, MetricKind, Objective
from okrflow.core.okr_diff import fingerprint, meta_details, text_conflicts, unlinked

OBJECTIVE = Objective(
    key="sales",
    title="Build a repeatable sales motion",
    purpose="A motion we can repeat; @all of us.",
    owner="bob",
    team="Sales",
    parents=["company"],
    kind=Kind.ASPIRATIONAL,
)


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
    found = text_conflicts(read, OBJECTIVE, "bob", {IssueId("", 9): "company"})
    assert [f.split("; a person")[0] for f in found] == [
        "its description says owner @carol, the file @bob",
        'its description says purpose "Old why.", the file "A motion we can repeat; @all of us."',
        "its description says kind committed, the file aspirational",
    ]
    assert "change the issue's Owner section (or the file)" in found[0]
    assert text_conflicts(OBJECTIVE, OBJECTIVE, "bob", {}) == []
