"""Reading OKRs from issues: okrflow's own, filed from the GitLab UI (full or half), broken."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from okrflow.core.description import render_meta_block, with_managed_section, with_meta
from okrflow.core.issue_text import (
    DEFAULT_LABEL_NAMES,
    LabelNames,
    iid_of_key,
    key_for_iid,
    parse_sections,
    read_issue,
    reference_iid,
)
from okrflow.core.meta import Meta, ParentRef, RecordedCheckIn
from okrflow.core.model import (
    Direction,
    KeyResult,
    Kind,
    Metric,
    MetricKind,
    MetricSource,
    Objective,
    SourceKind,
    State,
)
from okrflow.render.templating import render_issue_template, ui_template_text

URL = "https://gitlab.example.com/acme/okrs/-/issues/{}"
OBJ = ["okr::objective", "okr-status::draft"]
KR = ["okr::key result", "okr-status::draft"]
LABELS = LabelNames(teams=("CSM", "Support"))


def as_stored(description: str) -> str:
    """What GitLab stores: it runs the quick actions and removes their lines."""
    return re.sub(r"(?m)^/[a-z_]+(?: .*)?\n?", "", description)


def read_objective(description: str, labels: list[str] = OBJ, **kw: object) -> Objective:
    okr, problems = read_issue(
        iid=20,
        title=str(kw.pop("title", "Make every customer successful")),
        description=description,
        labels=labels,
        web_url=URL.format(20),
        label_names=LABELS,
        **kw,  # type: ignore[arg-type]
    )
    assert isinstance(okr, Objective)
    assert problems == [], problems
    return okr


# A person opened "New issue", chose "OKR Objective" and filled it in (hints left in).
UI_FULL = """## Objective

<!-- One inspiring sentence: the outcome you want, not the work to get there. -->
Make every customer successful

## Purpose / why it matters

<!-- Why this matters now and what it serves. -->
Customers who reach value in their first month renew.
We lose too many in onboarding.

## Owner

<!-- The one person responsible (DRI), as @username. -->
@alice

## Team

<!-- The team whose objective this is, e.g. CSM. Add its label too. -->
CSM

## Quarter

<!-- The quarter it is for, e.g. FY24-Q1. Add its label too. -->
FY24-Q1

## Key results

<!-- 3 to 5, one per line, in the standard form <Verb> <measure> from <x> to <y>:
- Improve developer NPS from 25 to 35
-->
- Improve onboarding NPS from 25 to 35
- Increase 90-day retention from 80% to 90%
* Land 5 large enterprise logos
- #31

## Parent objective

<!-- The objective(s) this one serves: #12, group/project#12 or the issue URL. -->
https://gitlab.example.com/acme/okrs/-/issues/12

## Committed or aspirational

<!-- Tick one. -->
- [ ] Committed: we expect to meet it in full
- [x] Aspirational: a stretch; a score of 0.7 is success

/label ~"okr::objective" ~"okr-status::draft"
"""


# --- issues filed from the GitLab UI --------------------------------------------------------


def test_a_full_ui_filed_objective_is_read_from_its_sections() -> None:
    okr = read_objective(as_stored(UI_FULL), [*OBJ, "FY24-Q1", "CSM"])
    assert okr.key == "iid-20" and okr.iid == 20
    assert okr.title == "Make every customer successful"
    assert okr.purpose == (
        "Customers who reach value in their first month renew.\nWe lose too many in onboarding."
    )
    assert (okr.owner, okr.team, okr.quarter) == ("alice", "CSM", "FY24-Q1")
    assert okr.parents == ["iid-12"]
    assert okr.kind is Kind.ASPIRATIONAL
    assert (okr.state, okr.states) == (State.DRAFT, (State.DRAFT,))
    assert okr.proposed_key_results == (
        "Improve onboarding NPS from 25 to 35",
        "Increase 90-day retention from 80% to 90%",
        "Land 5 large enterprise logos",
    )
    assert okr.missing_sections == ()
    assert okr.key_results == []


def test_team_and_quarter_come_from_the_sections_when_not_labelled() -> None:
    okr = read_objective(as_stored(UI_FULL))
    assert (okr.team, okr.quarter) == ("CSM", "FY24-Q1")


def test_a_half_filled_objective_names_its_missing_sections() -> None:
    half = ui_template_text("objective").replace(
        "Every goal needs a purpose: it is what keeps the key results honest. -->\n",
        "Every goal needs a purpose: it is what keeps the key results honest. -->\n"
        "Renewals depend on it.\n",
    )
    okr = read_objective(as_stored(half), title="Delight customers")
    assert okr.purpose == "Renewals depend on it."
    assert okr.missing_sections == ("Owner", "Team", "Quarter", "Key results")
    assert (okr.owner, okr.team, okr.quarter, okr.parents) == (None, None, None, [])
    assert okr.kind is Kind.COMMITTED  # nothing ticked: the default
    assert okr.proposed_key_results == ()


def test_an_untouched_template_misses_the_purpose_too() -> None:
    okr = read_objective(as_stored(ui_template_text("objective")))
    assert okr.missing_sections == ("Purpose", "Owner", "Team", "Quarter", "Key results")


def test_the_assignee_stands_in_for_an_empty_owner_section() -> None:
    okr = read_objective(as_stored(ui_template_text("objective")), assignees=["carol", "dan"])
    assert okr.owner == "carol"
    assert "Owner" not in okr.missing_sections


def test_labels_fill_team_and_quarter_of_a_half_filled_issue() -> None:
    okr = read_objective(as_stored(ui_template_text("objective")), [*OBJ, "fy24q2", "csm"])
    assert (okr.team, okr.quarter) == ("CSM", "FY24-Q2")
    assert okr.missing_sections == ("Purpose", "Owner", "Key results")


def test_an_empty_description_is_an_objective_missing_everything() -> None:
    okr = read_objective("")
    assert okr.missing_sections == ("Purpose", "Owner", "Team", "Quarter", "Key results")
    okr = read_objective(None)  # type: ignore[arg-type]
    assert okr.purpose == ""


def test_a_crlf_description_reads_the_same() -> None:
    crlf = as_stored(UI_FULL).replace("\n", "\r\n")
    assert read_objective(crlf) == read_objective(as_stored(UI_FULL))


def test_quick_action_lines_left_in_are_not_content() -> None:
    okr = read_objective(UI_FULL)
    assert okr.kind is Kind.ASPIRATIONAL


def test_a_ui_filed_key_result() -> None:
    text = as_stored(ui_template_text("kr"))
    text = text.replace("the issue URL. -->\n", "the issue URL. -->\nacme/okrs#12\n")
    text = text.replace("Default 1. -->\n", "Default 1. -->\n2\n")
    okr, problems = read_issue(
        iid=31,
        title="Improve onboarding NPS from 25 to 35",
        description=text,
        labels=[*KR, "FY24-Q1"],
        assignees=["bob"],
        web_url=URL.format(31),
    )
    assert problems == []
    assert isinstance(okr, KeyResult)
    assert okr.title == "Improve onboarding NPS from 25 to 35"
    assert (okr.key, okr.objective, okr.owner, okr.weight) == ("iid-31", "iid-12", "bob", 2.0)
    assert okr.metric is None  # the statement is parsed elsewhere
    assert okr.quarter == "FY24-Q1"
    assert okr.missing_sections == ()


def test_a_key_result_without_objective_or_owner_says_so() -> None:
    okr, _ = read_issue(iid=5, title="Grow X from 1 to 2", description="", labels=KR)
    assert isinstance(okr, KeyResult)
    assert okr.missing_sections == ("Objective", "Owner")


# --- issues okrflow wrote -------------------------------------------------------------------


def test_an_objective_okrflow_wrote_reads_back_what_it_was_given() -> None:
    body = render_issue_template(
        "objective",
        label_names=LABELS,
        title="Make the product valuable",
        purpose="Pair with @bob on it.\n/close\n## Owner\n@mallory\n```",
        owner="alice",
        team="CSM",
        quarter="FY24-Q1",
        parents=["#12", "#13"],
        kind=Kind.ASPIRATIONAL,
    )
    meta = Meta(
        type="objective",
        key="company-valuable",
        iid=20,
        parents=(ParentRef("company", 12), ParentRef("dept", 13)),
        level="department",
        weight=2.0,
    )
    description = with_managed_section(with_meta(body, meta.to_dict()), "| progress |")
    okr = read_objective(as_stored(description), [*OBJ, "FY24-Q1", "CSM"], title="Valuable")
    assert okr.key == "company-valuable"
    assert okr.purpose == "Pair with @bob on it.\n/close\n## Owner\n@mallory\n```"
    assert okr.owner == "alice"
    assert okr.parents == ["company", "dept"]
    assert (okr.level, okr.weight, okr.kind) == ("department", 2.0, Kind.ASPIRATIONAL)
    assert okr.missing_sections == ()  # key results are issues of their own


def test_a_key_result_okrflow_wrote_carries_metric_source_and_last_checkin() -> None:
    body = render_issue_template(
        "kr", statement="Grow weekly active users from 10,000 to 15,000", objective="#20"
    )
    at = dt.datetime(2024, 2, 5, 9, 0, tzinfo=dt.timezone.utc)
    meta = Meta(
        type="kr",
        key="wau",
        iid=21,
        objective="company-valuable",
        objective_iid=20,
        metric=Metric(MetricKind.LINEAR, 10_000, 15_000, "", Direction.INCREASE),
        weight=2.0,
        owner="bob",
        source=MetricSource(SourceKind.INITIATIVES),
        checkin=RecordedCheckIn(at, 12_500, 0.7, note_id=77, author="bob"),
    )
    okr, problems = read_issue(
        iid=21,
        title="Grow weekly active users from 10,000 to 15,000",
        description=as_stored(with_meta(body, meta.to_dict())),
        labels=["okr::key result", "okr-status::active"],
        web_url=URL.format(21),
    )
    assert problems == []
    assert isinstance(okr, KeyResult)
    assert (okr.key, okr.objective, okr.owner, okr.weight) == ("wau", "company-valuable", "bob", 2)
    assert okr.metric == meta.metric
    assert okr.source.kind is SourceKind.INITIATIVES
    assert okr.current == 12_500 and okr.confidence == 0.7
    assert okr.state is State.ACTIVE


# --- broken, copied, mislabelled --------------------------------------------------------------


def test_a_broken_block_is_reported_and_the_issue_read_from_its_visible_text() -> None:
    broken = as_stored(UI_FULL) + '\n<!-- okrflow:meta\n{"key": "csm-success", "iid": 20,,\n-->\n'
    okr, problems = read_issue(
        iid=20, title="Make every customer successful", description=broken, labels=OBJ
    )
    assert isinstance(okr, Objective)
    assert okr.key == "csm-success"  # kept from the broken block: apply still finds it
    assert (okr.owner, okr.purpose[:9], okr.parents) == ("alice", "Customers", ["iid-12"])
    assert len(problems) == 1 and "JSON" in problems[0].message
    assert "read from the title, labels and sections" in problems[0].message
    assert problems[0].where == "#20"


def test_a_block_missing_its_end_is_reported_and_the_text_below_still_read() -> None:
    broken = "<!-- okrflow:meta\n## Purpose\n\nBecause.\n"
    okr, problems = read_issue(iid=3, title="T", description=broken, labels=OBJ)
    assert isinstance(okr, Objective) and okr.purpose == "Because."
    assert okr.key == "iid-3"
    assert any("end marker" in p.message for p in problems)


def test_a_block_copied_from_another_issue_is_ignored() -> None:
    copied = with_meta(as_stored(UI_FULL), {"key": "other", "iid": 99, "type": "objective"})
    okr, problems = read_issue(iid=20, title="T", description=copied, labels=OBJ)
    assert okr.key == "iid-20"
    assert [p.message for p in problems if "#99" in p.message]


def test_wrong_metadata_values_are_reported_and_skipped() -> None:
    text = render_meta_block({"key": "k", "weight": "heavy"})
    okr, problems = read_issue(iid=1, title="T", description=text, labels=OBJ)
    assert okr.key == "k" and okr.weight == 1.0
    assert any("'weight'" in p.message for p in problems)


def test_without_type_label_the_metadata_or_sections_decide() -> None:
    kr_text = as_stored(ui_template_text("kr"))
    okr, problems = read_issue(iid=1, title="T", description=kr_text, labels=[])
    assert isinstance(okr, KeyResult) and "no type label" in problems[0].message
    okr, problems = read_issue(iid=1, title="T", description="", labels=[])
    assert isinstance(okr, Objective) and problems
    meta = render_meta_block({"type": "kr"})
    okr, problems = read_issue(iid=1, title="T", description=meta, labels=[*OBJ, *KR])
    assert isinstance(okr, KeyResult) and "both type labels" in problems[0].message


def test_every_lifecycle_label_is_kept_and_state_is_none_unless_exactly_one() -> None:
    labels = ["okr::objective", "okr-status::active", "okr-status::draft"]
    okr, _ = read_issue(iid=1, title="T", description="", labels=labels)
    assert okr.state is None and okr.states == (State.DRAFT, State.ACTIVE)
    okr, _ = read_issue(iid=1, title="T", description="", labels=["okr::objective"])
    assert okr.state is None and okr.states == ()


def test_open_and_closed_must_agree_with_the_closed_label() -> None:
    _, problems = read_issue(iid=1, title="T", description="", labels=OBJ, state="closed")
    assert any("closed but not labelled" in p.message for p in problems)
    labels = ["okr::objective", "okr-status::closed"]
    _, problems = read_issue(iid=1, title="T", description="", labels=labels)
    assert any("still open" in p.message for p in problems)


def test_odd_sections_are_reported() -> None:
    text = (
        "## Owner\n@alice and @bob\n\n## Quarter\nFY24-Q3\n\n"
        "## Parent objective\nother/project#4\n#5\n\n"
        "## Committed or aspirational\n- [x] Committed\n- [x] Aspirational\n"
    )
    okr, problems = read_issue(
        iid=1, title="T", description=text, labels=[*OBJ, "FY24-Q1"], web_url=URL.format(1)
    )
    assert isinstance(okr, Objective)
    assert (okr.owner, okr.quarter, okr.parents, okr.kind) == (
        "alice",
        "FY24-Q1",
        ["iid-5"],
        Kind.COMMITTED,
    )
    messages = " | ".join(p.message for p in problems)
    for part in ("2 people", "FY24-Q3", "another project", "chooses both"):
        assert part in messages
    _, problems = read_issue(iid=1, title="T", description="## Owner\nAlice Smith", labels=OBJ)
    assert any("@username" in p.message for p in problems)


def test_a_custom_label_scheme_is_honoured() -> None:
    names = LabelNames(objective="Goal", draft="Stage: Draft", quarter_pattern=r"\d{4}Q\d")
    okr, problems = read_issue(
        iid=1,
        title="T",
        description="",
        labels=["Goal", "Stage: Draft", "2024Q2"],
        label_names=names,
    )
    assert problems == []
    assert isinstance(okr, Objective)
    assert (okr.state, okr.quarter) == (State.DRAFT, "2024Q2")


@given(description=st.text(), labels=st.lists(st.sampled_from([*OBJ, *KR, "FY24-Q1", "x"])))
def test_reading_never_fails_whatever_the_text(description: str, labels: list[str]) -> None:
    okr, problems = read_issue(iid=1, title="T", description=description, labels=labels)
    assert okr.iid == 1
    assert all(p.where == "#1" for p in problems)


# --- helpers ----------------------------------------------------------------------------------


def test_references() -> None:
    assert reference_iid("12") == 12
    assert reference_iid("#12") == 12
    assert reference_iid("acme/okrs#12", "acme/okrs") == 12
    assert reference_iid("other/proj#12", "acme/okrs") is None
    assert reference_iid(URL.format(7), "acme/okrs") == 7
    assert reference_iid("https://gitlab.example.com/acme/okrs/-/work_items/8") == 8
    assert reference_iid("no reference") is None
    assert (key_for_iid(12), iid_of_key("iid-12"), iid_of_key("wau")) == ("iid-12", 12, None)


def test_sections_end_at_a_heading_of_the_same_level_and_ignore_code() -> None:
    text = "# Purpose\nWhy.\n## Detail\nMore.\n```\n# Owner\n```\n# Owner: \n@a\n# Purpose\nagain\n"
    found = parse_sections(text)
    assert found["Purpose"] == "Why.\n## Detail\nMore.\n```\n# Owner\n```"
    assert found["Owner"] == "@a"


def test_default_label_names_follow_the_design() -> None:
    assert DEFAULT_LABEL_NAMES.objective == "okr::objective"
    assert DEFAULT_LABEL_NAMES.key_result == "okr::key result"
    assert [DEFAULT_LABEL_NAMES.state_label(s) for s in State] == [
        "okr-status::draft",
        "okr-status::review",
        "okr-status::active",
        "okr-status::closed",
    ]
    assert DEFAULT_LABEL_NAMES.quarter_of("FY24Q1") == "FY24-Q1"
    assert DEFAULT_LABEL_NAMES.quarter_of("FY24-Q5") is None


# -- annual objectives (a fiscal year label instead of a quarter label) ---------------------


def test_an_objective_with_a_year_label_is_annual() -> None:
    okr, problems = read_issue(
        iid=1,
        title="Big Rock: win the mid-market",
        description="",
        labels=["okr::objective", "fy27"],
    )
    assert isinstance(okr, Objective) and okr.annual
    assert (okr.year, okr.quarter) == ("FY27", None)
    assert "Quarter" not in okr.missing_sections  # the year is its period
    assert problems == []
    names = LabelNames(year_pattern=r"(?:FY\d\d|Year \d{4})")
    custom, _ = read_issue(
        iid=2,
        title="Big Rock",
        description="",
        labels=["okr::objective", "Year 2027"],
        label_names=names,
    )
    assert isinstance(custom, Objective) and custom.year == "Year 2027"


def test_a_quarter_label_wins_over_a_year_label() -> None:
    okr, problems = read_issue(
        iid=3, title="Q", description="", labels=["okr::objective", "FY27", "FY27-Q1"]
    )
    assert isinstance(okr, Objective) and not okr.annual
    assert (okr.quarter, okr.year) == ("FY27-Q1", None)
    assert [p.message for p in problems] == [
        "labelled with the quarter FY27-Q1 and the fiscal year FY27: read as an objective "
        "of FY27-Q1 (remove one of the two labels)"
    ]


def test_a_key_result_with_a_year_label_is_one_clear_problem() -> None:
    okr, problems = read_issue(
        iid=4, title="Land 5 logos", description="", labels=["okr::key result", "FY27"]
    )
    assert isinstance(okr, KeyResult) and okr.quarter is None
    assert [p.message for p in problems] == [
        "a key result belongs to a quarter, not to the fiscal year FY27: label it with a "
        "quarter of that year, under a quarterly objective"
    ]
