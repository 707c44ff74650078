"""okrflow.commands.compose: the one way a new OKR issue is composed from the model."""

from __future__ import annotations

from okrflow.commands.compose import new_okr_issue, okr_text
from okrflow.core.description import split
from okrflow.core.issue_text import read_issue
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.core.meta import Meta
from okrflow.core.model import KeyResult, Kind, Objective

OBJECTIVE = Objective(
    key="support",
    title="Make getting help feel effortless",
    purpose="A fast, kind answer keeps trust; @all of us.",
    owner="carol",
    team="Support",
    kind=Kind.ASPIRATIONAL,
)
KR = KeyResult(key="support/p1", title="Answer 90% of P1s in an hour", owner="dave", weight=2.0)


def test_rendered_text_has_no_quick_action_and_reads_back_as_the_okr() -> None:
    text = okr_text(OBJECTIVE, NAMES, "FY24-Q1", [3])
    assert "/label" not in text and text.endswith("\n") and not text.endswith("\n\n")
    okr, problems = read_issue(
        iid=5, title=OBJECTIVE.title, description=text, labels=[NAMES.objective, "FY24-Q1"]
    )
    assert not problems and isinstance(okr, Objective)
    assert (okr.purpose, okr.owner, okr.team, okr.kind) == (
        "A fast, kind answer keeps trust; @all of us.",
        "carol",
        "Support",
        Kind.ASPIRATIONAL,
    )
    assert okr.parents == ["iid-3"]
    assert "@\u2060all" in text  # a mention in the purpose pings no one


def test_a_key_result_names_its_objective_and_a_weight_other_than_one() -> None:
    text = okr_text(KR, NAMES, "FY24-Q1", [5])
    okr, _ = read_issue(iid=6, title=KR.title, description=text, labels=[NAMES.key_result])
    assert isinstance(okr, KeyResult)
    assert (okr.objective, okr.owner, okr.weight) == ("iid-5", "dave", 2.0)
    plain = KeyResult(key="support/p2", title="Keep P1 incidents from exceeding 3")
    assert "\n## Weight\n\n<!--" in okr_text(plain, NAMES, "FY24-Q1", [5])


def test_a_new_okr_issue_carries_its_labels_owner_key_and_stamped_metadata() -> None:
    new = new_okr_issue(
        OBJECTIVE,
        Meta(type="objective", key="support"),
        names=NAMES,
        quarter="FY24-Q1",
        targets=[3],
        opening="_Carried over from #1._\n\n",
    )
    assert (new.title, new.assignee, new.key) == (OBJECTIVE.title, "carol", "support")
    assert new.labels == (NAMES.objective, NAMES.draft, "FY24-Q1", "Support")
    parsed = split(new.description)
    assert parsed.meta is not None and parsed.meta["key"] == "support" and parsed.meta["okrflow"]
    assert parsed.human.startswith("_Carried over from #1._\n\n## Objective")
