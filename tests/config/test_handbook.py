"""Handbook pages (OBJECTIVE: / KR: lines under department headings) read into an OKR file."""

from __future__ import annotations

from pathlib import Path

from okrflow.config.okrfile import load_okr_file
from okrflow.config.okrfile.handbook import plain, read_handbook
from okrflow.config.okrfile.writer import dump_yaml

PAGES = Path(__file__).resolve().parents[1] / "handbook"


def test_the_fy22_q2_page_holds_24_objectives_and_77_key_results_by_department() -> None:
    draft = read_handbook((PAGES / "fy22-q2.md").read_text(), "fy22-q2.md")
    assert draft.errors == [] and draft.quarter == "FY22-Q2"
    teams: dict[str, tuple[int, int]] = {}
    for o in draft.objectives:
        n, k = teams.get(o["team"], (0, 0))
        teams[o["team"]] = (n + 1, k + len(o["key_results"]))
    assert teams == {
        "Company": (4, 10),
        "Marketing": (4, 15),
        "Sales": (4, 11),
        "Customer Engineering": (3, 10),
        "Product/Engineering": (3, 11),
        "Operations": (3, 14),
        "Talent": (3, 6),
    }
    okr_file = load_okr_file("p.yml", text=dump_yaml(draft.data(), notes=draft.notes))
    assert (len(okr_file.objectives), len(okr_file.key_results())) == (24, 77)
    assert {o.level for o in okr_file.objectives if o.team == "Company"} == {"company"}


def test_private_numbers_read_as_their_names_and_unreadable_statements_are_milestones() -> None:
    page = (
        "# FY22-Q4 OKRs\n\n## Sales\n\n"
        "1. **OBJECTIVE: Win the market**\n"
        "   - KR: Land [_N<sub>3</sub>_][n3] large enterprise logos\n"
        "   - KR: Grow [weekly active users](https://x.example) from 10 to 20\n"
    )
    draft = read_handbook(page, "p.md")
    krs = draft.objectives[0]["key_results"]
    assert [kr["title"] for kr in krs] == [
        "Land N3 large enterprise logos",
        "Grow weekly active users from 10 to 20",
    ]
    assert [str(u).split(":")[0] for u in draft.unreadable] == ["line 6"]
    assert krs[0]["start"] == 0 and krs[0]["target"] == 1
    assert "start" not in krs[1]
    assert "tracked as done or not" in draft.notes[(0, 0)][0]


def test_a_continued_item_belongs_to_its_line_and_prose_is_skipped() -> None:
    page = (
        "# FY24-Q1\n\n## Support\n\nSome prose about the quarter.\n\n"
        "- OBJECTIVE: Make getting help feel\n  effortless\n"
        "  - KR: Reduce average resolution time\n    from 9 days to 7 days\n"
        "  - [a link](https://x.example)\n"
    )
    draft = read_handbook(page, "p.md")
    (objective,) = draft.objectives
    assert objective["title"] == "Make getting help feel effortless"
    assert [kr["title"] for kr in objective["key_results"]] == [
        "Reduce average resolution time from 9 days to 7 days"
    ]


def test_a_kr_before_any_objective_and_a_page_with_no_quarter_are_named() -> None:
    draft = read_handbook("## Sales\n\n- KR: Land 5 logos\n", "p.md")
    assert [str(e) for e in draft.errors] == [
        "line 3: a KR: line before any OBJECTIVE: line",
        "p.md: no quarter: name it in a heading (# FY22-Q2 OKRs) or give --quarter",
    ]
    assert read_handbook("- OBJECTIVE: x\n", "p.md", quarter="FY24-Q1").errors == []


def test_a_department_repeating_a_company_objective_is_aligned_under_it() -> None:
    page = (
        "# FY24-Q1\n\n## Company\n\n1. **OBJECTIVE: Solve big code problems (5k+ users)**\n"
        "## Sales\n\n1. **OBJECTIVE: Solve Big Code problems**\n"
        "2. **OBJECTIVE: Hire six SDRs**\n"
    )
    company, repeat, other = read_handbook(page, "p.md").objectives
    assert repeat["parent"] == company["key"] and "parent" not in other


def test_plain_text_drops_links_tags_and_emphasis() -> None:
    assert plain("**Grow** [_N<sub>1</sub>_][n1] `x` [docs](http://a)") == "Grow N1 x docs"
