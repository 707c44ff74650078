"""reports.render: the same document as JSON, GitLab Markdown and HTML, the same numbers in each."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_samples import HOSTILE, sample_doc

from okrflow.errors import ConfigError
from okrflow.render import display, render, report_schema


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return sample_doc()


@pytest.fixture(scope="module")
def md(doc: dict[str, Any]) -> str:
    return render(doc, "md")


@pytest.fixture(scope="module")
def page(doc: dict[str, Any]) -> str:
    return render(doc, "html")


def md_section(md: str, heading: str) -> str:
    """From the ``### heading`` line to the next heading of level 2 or 3."""
    start = md.index(f"### {heading}")
    end = re.compile(r"^#{2,3} ", re.M).search(md, start + 4)
    return md[start : end.start() if end else len(md)]


def html_article(page: str, ref: str) -> str:
    """The ``<article>`` of the objective whose reference is ``ref``."""
    start = page.index(f'<h3><span class="ref">{ref}</span>')
    return page[page.rindex("<article", 0, start) : page.index("</article>", start)]


def cells(text: str) -> list[str]:
    """Every table cell's text in a Markdown or HTML snippet, as a reader sees it."""
    found = [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", text, re.S)
    ]
    for line in text.splitlines():
        if line.startswith("|"):
            for cell in re.split(r"(?<!\\)\|", line.strip("|")):
                found.append(html.unescape(re.sub(r"\\(.)", r"\1", cell)).strip())
    return found


def test_json_is_the_document_as_is(doc: dict[str, Any]) -> None:
    text = render(doc, "json")
    assert text == json.dumps(doc, indent=2, ensure_ascii=False)
    assert json.loads(text) == doc
    jsonschema.Draft202012Validator(report_schema()).validate(json.loads(text))


def test_the_sample_document_validates_in_both_kinds() -> None:
    validator = jsonschema.Draft202012Validator(report_schema())
    validator.validate(sample_doc())
    validator.validate(sample_doc(kind="progress", findings=None, project=None))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_objective_shows_its_progress_and_health_in_a_progress_report(fmt: str) -> None:
    doc = sample_doc(kind="progress")
    text = render(doc, fmt)  # type: ignore[arg-type]
    for o in doc["objectives"]:
        ref = display.ref(o["iid"], o["key"])
        section = md_section(text, ref) if fmt == "md" else html_article(text, ref)
        shown = html.unescape(section)
        assert f"{display.percent(o['progress'])}" in shown
        assert display.health_label(o["health"]) in shown
        if o["score"] is not None:
            assert display.score(o["score"]) in shown


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_closed_objectives_show_their_grade_and_outcome_not_live_health(
    fmt: str, doc: dict[str, Any], md: str, page: str
) -> None:
    for o in doc["objectives"]:
        ref = display.ref(o["iid"], o["key"])
        section = md_section(md, ref) if fmt == "md" else html_article(page, ref)
        shown = html.unescape(section)
        assert f"{display.percent(o['progress'])}" in shown
        assert display.health_label(o["health"]) not in shown
        assert display.health_class(o["health"]) not in shown
        if o["score"] is not None:
            assert display.score(o["score"]) in shown
            assert display.grade_label(o["grade"]) in shown
        if o["outcome"] is not None:
            assert display.outcome_label(o["outcome"]) in shown
        else:  # still open one week out: the outcome comes on day 0
            assert "on day 0" in shown.lower()


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_key_result_row_shows_the_same_displayed_numbers(
    fmt: str, doc: dict[str, Any], md: str, page: str
) -> None:
    for o in doc["objectives"]:
        ref = display.ref(o["iid"], o["key"])
        section = md_section(md, ref) if fmt == "md" else html_article(page, ref)
        shown = cells(section)
        for kr in o["key_results"]:
            for number in (
                display.percent(kr["progress"]),
                display.value(kr["start"], kr["unit"]),
                display.value(kr["target"], kr["unit"]),
                display.value(kr["current"], kr["unit"]),
                display.confidence(kr["confidence"]),
            ):
                assert number in shown, (fmt, kr["key"], number)


def test_numbers_are_rounded_for_display_only(doc: dict[str, Any], md: str, page: str) -> None:
    company = doc["objectives"][0]
    assert company["progress"] == 0.8933333333333334
    assert company["score"] == 0.75
    for text in (md, page):
        assert "0.8933" not in text
        assert "89%" in text
        assert "0.8</span> score" in text or "score **0.8**" in text  # 0.75 rounds half up
    sales = next(o for o in doc["objectives"] if o["key"] == "sales-pipeline")
    assert display.percent(sales["progress"]) == "1%"  # 0.004: moved, so not 0%


def test_the_summary_shows_averages_by_team_and_by_kind(md: str, page: str) -> None:
    assert "| Company | 1 | 2 | 0.8 | 89% |" in md  # a closing report: scores, not health
    assert "| Company | 1 | 2 | 89% | 1 | 0 | 0 |" in render(sample_doc(kind="progress"), "md")
    assert "| Committed | 3 | 2 | 0.5 | 1 | 36% |" in md
    assert '<th scope="row">Company</th><td class="num">1</td>' in page


def test_closing_report_has_outcomes_and_the_score_distribution(md: str, page: str) -> None:
    assert "# OKR closing ceremony: FY24-Q1" in md
    assert "- **Carried over:** #2 Drive adoption in our top accounts" in md
    assert "### Score distribution" in md
    assert "<dt>Carried over</dt>" in page
    assert "Score distribution" in page


def test_progress_report_leads_with_what_is_at_risk_and_stale() -> None:
    doc = sample_doc(kind="progress")
    md = render(doc, "md")
    assert md.startswith("# OKR progress report: FY24-Q1")
    assert md.index("## At risk") < md.index("## Stale check-ins") < md.index("## Company")
    assert "Average score" not in md
    assert "Score distribution" not in md
    assert "| Current |" in md
    assert "| #40 Grow qualified pipeline from $1.2M to $2M | #4 | henry | never | — |" in md
    page = render(doc, "html")
    assert page.index("At risk</h2>") < page.index("<h2>Company</h2>")


def test_missing_data_is_shown(md: str, page: str) -> None:
    assert "- #41: statement could not be read: no from/to" in md
    assert "- #40: no check-ins yet" in md
    assert "Statement could not be read: no from/to" in page
    assert "no check-ins yet" in page


def test_lint_findings_appear_only_when_lint_ran() -> None:
    assert "## Lint findings" in render(sample_doc(), "md")
    assert "Lint findings" not in render(sample_doc(findings=None), "md")
    assert "Lint found nothing to fix." in render(sample_doc(findings=[]), "html")


def test_an_empty_quarter_renders() -> None:
    doc = sample_doc(objectives=[])
    for fmt in ("md", "html", "json"):
        assert "FY24-Q1" in render(doc, fmt)  # type: ignore[arg-type]


def test_a_company_may_override_one_partial(tmp_path: Path) -> None:
    (tmp_path / "_objective.md.j2").write_text("- {{ o.iid|ref(o.key) }}: {{ o.title }}\n")
    md = render(sample_doc(), "md", templates_dir=tmp_path)
    assert "- #1: Make the product valuable and accessible to every developer" in md
    assert "## Summary" in md  # the rest is still the built-in report


def test_an_override_that_forgets_the_filters_still_pings_no_one(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text(
        "{% for o in doc.objectives %}{{ o.title }} / {{ o.owner }}\n{% endfor %}"
    )
    md = render(sample_doc(), "md", templates_dir=tmp_path)
    assert "@all" not in md
    assert "@\u2060all" in md
    assert HOSTILE.split("\n")[0].replace("@", "@\u2060") in md


def test_an_override_cannot_turn_issue_text_into_quick_actions_or_structure(
    tmp_path: Path,
) -> None:
    (tmp_path / "report.md.j2").write_text(
        "{% for o in doc.objectives %}{{ o.title }}\n{{ o.purpose }}\n{% endfor %}"
    )
    md = render(sample_doc(), "md", templates_dir=tmp_path)
    assert "\n/close" not in md
    assert "\n\\/close" in md  # shown as "/close", run as nothing
    assert "\n## Owner" not in md
    assert "<!--" not in md


def test_an_html_override_is_autoescaped_whatever_it_is_called(tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text("{% include 'mine.txt' %}")
    (tmp_path / "mine.txt").write_text("{% for o in doc.objectives %}{{ o.title }}{% endfor %}")
    page = render(sample_doc(), "html", templates_dir=tmp_path)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ doc.objectives.append(1) }}",
        "{{ doc.update(kind='x') }}",
        "{{ nothing_like_this }}",
    ],
)
def test_an_override_cannot_escape_the_sandbox_or_use_undefined_names(
    tmp_path: Path, source: str
) -> None:
    (tmp_path / "report.md.j2").write_text(source)
    with pytest.raises(ConfigError, match=r"report template report\.md\.j2 failed"):
        render(sample_doc(), "md", templates_dir=tmp_path)


def test_a_malformed_override_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("# ok\n\n{% for o in doc.objectives %}\n")
    with pytest.raises(ConfigError) as caught:
        render(sample_doc(), "md", templates_dir=tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'report.md.j2'}:")
    assert "syntax error" in message
    assert "\n" not in message


def test_a_missing_templates_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="report templates directory not found"):
        render(sample_doc(), "md", templates_dir=tmp_path / "nope")


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="md, html, json"):
        render(sample_doc(), "pdf")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fn", "arg", "shown"),
    [
        (display.percent, None, "—"),
        (display.score, 0.65, "0.7"),
        (display.score, None, "—"),
        (display.confidence, 0.555, "56%"),
        (display.number, 1234567.0, "1,234,567"),
        (display.number, 52.25, "52.25"),
        (display.number, 0.333333, "0.33"),
        (display.number, -0.001, "0"),
    ],
)
def test_display_formats(fn: Any, arg: Any, shown: str) -> None:
    assert fn(arg) == shown


def test_display_values_carry_their_unit() -> None:
    assert display.value(1_200_000, "$") == "$1,200,000"
    assert display.value(-5, "$") == "-$5"
    assert display.value(95, "%") == "95%"
    assert display.value(4.5, "h") == "4.5 hours"
    assert display.value(1, "d") == "1 day"
    assert display.value(7, "", "customers") == "7 customers"
    assert display.value(0.125) == "0.13"  # two decimals, halves up
    assert display.value(None, "%") == "—"
    assert display.sparkline([1, 2, 4]) == "▁▃█"
    assert display.sparkline([3]) == "—"
