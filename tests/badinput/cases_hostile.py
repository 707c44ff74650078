"""Hostile and extreme input: unknown users and references that are not references,
titles over GitLab's limit, 1 MB descriptions, Unicode and right-to-left text, template
syntax, @mentions and HTML in people's text, and tokens in URLs and errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from okrflow.core.description import split

from .case import FAKE_TOKEN, FAKE_TOKEN_2, Case, Ran, nothing_written
from .world import ENV, KRS, PROJECT, QUARTER, edit, okrs, person_text

NEW_OBJECTIVE = ("new", "objective", "--quarter", QUARTER, "--team", "CSM", "--owner", "alice")
DESCRIPTION_MAX = 1_048_576  # GitLab's limit on an issue description, in characters


def _title_of(ran: Ran, iid: int = 1) -> str:
    assert ran.emu is not None
    return ran.emu.issue(PROJECT, iid).title


# -- unknown users, references that are not references, titles over the limit ---------------

REFERENCES = [
    Case(
        id="ref-unknown-owner",
        argv=(
            *NEW_OBJECTIVE[:-1],
            "nobody",
            "--title",
            "Make support effortless",
            "--purpose",
            "P",
        ),
        exit=2,
        expect=r"^okrflow: no GitLab user @nobody: check the username given to --owner",
        check=nothing_written,
    ),
    Case(
        id="ref-not-a-reference",
        argv=("move", "banana", "--to", "review"),
        exit=2,
        expect=r"^okrflow: 'banana' is not an issue reference: use 12, #12, group/project#12 "
        r"or an issue URL",
        check=nothing_written,
    ),
    Case(
        id="ref-no-such-issue",
        argv=("move", "#999", "--to", "review"),
        exit=2,
        expect=r"^okrflow: #999: there is no issue #999 in acme/okrs",
        check=nothing_written,
    ),
    Case(
        id="ref-other-project",
        argv=("move", "other/project#1", "--to", "review"),
        exit=2,
        expect=r"^okrflow: 'other/project#1' refers to an issue in other/project",
        check=nothing_written,
    ),
    Case(
        id="ref-kr-under-no-such-objective",
        argv=("new", "kr", "--objective", "#999", "--title", "Grow users from 1 to 2"),
        exit=2,
        expect=r"^okrflow: --objective #999: there is no issue #999 in acme/okrs",
        check=nothing_written,
    ),
    Case(
        id="ref-carry-no-such-issue",
        argv=("carry", "#999", "--to", "FY24-Q2"),
        exit=2,
        expect=r"^okrflow: .*#999",
        env=ENV,
        check=nothing_written,
    ),
    Case(
        id="ref-carry-to-no-quarter",
        argv=("carry", "1", "--to", "banana"),
        exit=2,
        expect=r"^okrflow: --to 'banana': not a quarter",
        setup=okrs,
        env=ENV,
        check=nothing_written,
    ),
    Case(
        id="new-kr-weight-infinite",
        argv=(
            "new",
            "kr",
            "--objective",
            "1",
            "--title",
            "Grow users from 1 to 2",
            "--weight",
            "inf",
        ),
        exit=2,
        expect=r"^okrflow: --weight must be a number more than 0 and at most 1000, not inf",
        setup=okrs,
        env=ENV,
        check=nothing_written,
    ),
    Case(
        id="new-objective-team-with-a-comma",
        argv=(
            *NEW_OBJECTIVE[:5],
            "CSM,Sales",
            *NEW_OBJECTIVE[6:],
            "--title",
            "T",
            "--purpose",
            "P",
        ),
        exit=2,
        expect=r"^okrflow: --team 'CSM,Sales': a GitLab label has no comma",
        check=nothing_written,
    ),
    Case(
        id="title-300-characters",
        argv=(*NEW_OBJECTIVE, "--title", "x" * 300, "--purpose", "P"),
        exit=2,
        expect=r"^okrflow: --title is 300 characters; GitLab allows 255",
        check=nothing_written,
    ),
    Case(
        id="kr-title-300-characters",
        argv=("new", "kr", "--objective", "1", "--title", "Grow users from 1 to 2 " + "x" * 280),
        exit=2,
        expect=r"^okrflow: --title is 303 characters; GitLab allows 255",
        setup=okrs,
        env=ENV,
        check=nothing_written,
    ),
]


# -- 1 MB descriptions -------------------------------------------------------------------------

NOTES_LINE = "Meeting notes: the team agreed to keep the survey going; see the doc. \n"


def big_description(total: int) -> Callable[[Any], Any]:
    """The world, with the objective's description padded by a person's notes to
    ``total`` characters (its metadata block included)."""

    def setup(emu: Any) -> Any:
        world = okrs(emu)

        def pad(text: str) -> str:
            block = text.index("<!-- okrflow:meta")
            room = total - len(text) - 1
            notes = (NOTES_LINE * (room // len(NOTES_LINE) + 1))[:room]
            return text[:block] + notes + "\n" + text[block:]

        edit(emu, world.objective, pad)
        assert len(emu.issue(PROJECT, world.objective).description) == total
        return world

    return setup


def _big_kept(ran: Ran) -> None:
    assert ran.emu is not None
    for iid, before in ran.before.items():
        after = ran.description(iid)
        assert len(after) <= DESCRIPTION_MAX
        assert person_text(after) == person_text(before), f"#{iid} changed"
    assert all(r.status < 400 for r in ran.emu.log), [r for r in ran.emu.log if r.status >= 400]


def _big_rolled_up(ran: Ran) -> None:
    _big_kept(ran)
    table = split(ran.description(1)).section or ""
    for kr in (2, 3, 4):  # the objective's progress table shows every key result
        assert f"| #{kr} " in table, f"KR #{kr} has no row in #1's table"


def _near_limit_rolled_up(ran: Ran) -> None:
    _big_kept(ran)  # #1 keeps its text: nothing else needed a write, and the run ended
    assert not split(ran.description(1)).section
    assert "rollup FY24-Q1: 3 KRs, 0 new check-ins, 0 issues updated, 1 problem" in ran.output


BIG = [
    Case(
        id="big-description-status",
        argv=("status", "--quarter", QUARTER),
        exit=0,
        expect=r"^#1 Make support effortless",
        stream="stdout",
        setup=big_description(1_000_000),
        env=ENV,
        check=nothing_written,
    ),
    Case(
        id="big-description-lint",
        argv=("lint", "--quarter", QUARTER),
        exit=0,
        expect=r"lint FY24-Q1: 4 OKR issue\(s\) checked",
        stream="any",
        setup=big_description(1_000_000),
        env=ENV,
        check=nothing_written,
    ),
    Case(
        id="big-description-rollup",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=r"^rollup FY24-Q1: 3 KRs, 0 new check-ins, 1 issue updated",
        stream="stdout",
        setup=big_description(1_000_000),
        env=ENV,
        check=_big_rolled_up,
    ),
    Case(
        id="big-description-rollup-at-the-limit",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=r"^warning: #1: not updated: the description of #1 would be 1,04\d,\d{3} "
        r"characters, over GitLab's limit of 1,048,576: shorten the text in the issue",
        stream="any",
        setup=big_description(DESCRIPTION_MAX - 200),
        env=ENV,
        check=_near_limit_rolled_up,
    ),
]


# -- Unicode, right-to-left, template syntax, mentions, HTML ------------------------------------

RTL_TITLE = "تحسين تجربة العملاء — Ünïcødé 🚀 客户满意度 \u202eevil\u202c"
RTL_PURPOSE = "لأن العملاء يبقون عندما تكون المساعدة سريعة. Ça compte: 顧客 👩‍💻"
TEMPLATE_TITLE = "Ship {{ 7*7 }} things {% raw %}now{% endraw %} {# no #}"
TEMPLATE_PURPOSE = "{{ config }} {% for x in range(3) %}x{% endfor %} {{ ''.__class__ }}"
MENTION_KRS = (
    "Answer tickets from @all customers from 10 to 50",
    "Cut first response time from 8h to 2h",
    "Grow weekly active users from 10,000 to 15,000",
)
MENTION_PURPOSE = "Customers stay. cc @all and @support-team, &#64;all too"
HTML_TITLE = "<script>alert('okr')</script> Make <b>support</b> effortless & fast"
_BARE_ALL = re.compile(r"@(?!\u2060)all\b|&#0*64;all|&commat;all")


def _stored(title: str, purpose: str, *more: Callable[[Ran], None]) -> Callable[[Ran], None]:
    def check(ran: Ran) -> None:
        assert _title_of(ran) == title
        assert purpose in ran.description(1)
        for also in more:
            also(ran)

    return check


def _shown(*texts: str) -> Callable[[Ran], None]:
    def check(ran: Ran) -> None:
        for text in texts:
            assert text in ran.result.stdout, text

    return check


def _never_evaluated(ran: Ran) -> None:
    for evaluated in ("Ship 49", "xxx", "<class", "okrflow.config"):
        assert evaluated not in ran.output, evaluated


def _no_bare_all(text: str, where: str) -> None:
    found = _BARE_ALL.search(text)
    assert found is None, (
        f"a live @all in {where}: ...{text[max(0, found.start() - 60) : found.end() + 20]!r}"
    )


def _mentions_neutralised_in_sections(ran: Ran) -> None:
    for iid in ran.before:
        section = split(ran.description(iid)).section or ""
        _no_bare_all(section, f"#{iid}'s progress section")
    assert "@\u2060all" in (split(ran.description(1)).section or "")


def _mentions_neutralised_in_lint_comments(ran: Ran) -> None:
    assert ran.emu is not None
    bodies = [n.body for iid in ran.before for n in ran.emu.notes(PROJECT, iid)]
    assert bodies, "lint --comment wrote no comment"
    for body in bodies:
        _no_bare_all(body, "a lint comment")
    assert any("<team @\u2060all>" in body for body in bodies), bodies


def _mentions_neutralised_in_reports(ran: Ran) -> None:
    assert ran.emu is not None
    # Markdown is what GitLab renders (and pings from); the HTML file is escaped instead
    # (see the html case) and the JSON document holds the titles as they are: data.
    files = sorted(ran.cwd.glob("report/*.md"))
    assert files, "no Markdown report written"
    for path in files:
        _no_bare_all(path.read_text("utf-8"), path.name)
    posted = [i for i in ran.emu.issues(PROJECT) if i.iid not in ran.before]
    assert posted, "no report issue posted"
    for issue in posted:
        _no_bare_all(issue.title + "\n" + (issue.description or ""), f"report issue #{issue.iid}")
        assert "Delight @\u2060all customers" in (issue.description or "")
    for iid in ran.before:
        for note in ran.emu.notes(PROJECT, iid):
            _no_bare_all(note.body, f"a comment on #{iid}")


def _html_escaped(ran: Ran) -> None:
    html = (ran.cwd / "report.html").read_text("utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    assert "<b>support</b>" not in html


def _template_text_literal_in_report(ran: Ran) -> None:
    text = (ran.cwd / "report.md").read_text("utf-8")
    assert re.search(r"\{\{ 7\\?\*7 \}\} things \{% raw %\}now\{% endraw %\}", text), text
    assert "Ship 49 things" not in text and "xxx" not in text


def _note_literal(ran: Ran) -> None:
    assert ran.emu is not None
    bodies = [n.body for n in ran.emu.notes(PROJECT, 2)]
    assert any("{{ 7*7 }} and {% raw %}" in body for body in bodies), bodies


HOSTILE_OKR_FILE = f"""\
quarter: FY24-Q1
objectives:
  - key: hostile
    title: "{RTL_TITLE} {{{{ 7*7 }}}}"
    team: CSM
    owner: alice
    purpose: "{{% raw %}}{{{{ config }}}} cc @all <script>alert(1)</script>"
    key_results:
      - key: users
        title: "Grow {{{{ 7*7 }}}} users from 1 to 5"
"""


def _applied_literally(ran: Ran) -> None:
    assert _title_of(ran, 1) == f"{RTL_TITLE} {{{{ 7*7 }}}}"
    assert _title_of(ran, 2) == "Grow {{ 7*7 }} users from 1 to 5"
    text = ran.description(1)
    assert "{% raw %}{{ config }} cc @\u2060all <script>alert(1)</script>" in text, text
    parsed = split(text)  # the metadata block is an HTML comment: GitLab renders nothing there
    _no_bare_all(parsed.human + (parsed.section or ""), "#1")
    _never_evaluated(ran)


TEXT = [
    Case(
        id="unicode-rtl-stored",
        argv=(*NEW_OBJECTIVE, "--title", RTL_TITLE, "--purpose", RTL_PURPOSE),
        exit=0,
        expect=r"^created objective #1",
        stream="stdout",
        check=_stored(RTL_TITLE, RTL_PURPOSE),
    ),
    Case(
        id="unicode-rtl-shown",
        argv=("status", "--quarter", QUARTER),
        exit=0,
        # right-to-left scripts as they are; a bidi override shown, not obeyed
        expect="^#1 "
        + re.escape(RTL_TITLE.replace("\u202e", "\\u202e").replace("\u202c", "\\u202c")),
        stream="stdout",
        setup=lambda emu: okrs(emu, title=RTL_TITLE, purpose=RTL_PURPOSE),
        env=ENV,
    ),
    Case(
        id="template-syntax-stored",
        argv=(*NEW_OBJECTIVE, "--title", TEMPLATE_TITLE, "--purpose", TEMPLATE_PURPOSE),
        exit=0,
        expect=r"^created objective #1",
        stream="stdout",
        check=_stored(TEMPLATE_TITLE, TEMPLATE_PURPOSE, _never_evaluated),
    ),
    Case(
        id="template-syntax-shown",
        argv=("status", "--quarter", QUARTER),
        exit=0,
        expect=re.escape(TEMPLATE_TITLE),
        stream="stdout",
        setup=lambda emu: okrs(emu, title=TEMPLATE_TITLE, purpose=TEMPLATE_PURPOSE),
        env=ENV,
        check=_never_evaluated,
    ),
    Case(
        id="template-syntax-in-a-checkin-note",
        argv=("checkin", "2", "--value", "85%", "--note", "{{ 7*7 }} and {% raw %} {{ config }}"),
        exit=0,
        expect=r"checked in #2: 85%",
        stream="stdout",
        setup=okrs,
        env=ENV,
        check=_note_literal,
    ),
    Case(
        id="template-syntax-in-the-report",
        argv=("report", "--quarter", QUARTER, "--format", "md", "--output", "report.md"),
        exit=0,
        expect=r"report\.md",
        stream="any",
        setup=lambda emu: okrs(emu, title=TEMPLATE_TITLE, purpose=TEMPLATE_PURPOSE),
        env=ENV,
        check=_template_text_literal_in_report,
    ),
    Case(
        id="hostile-okr-file-applied-literally",
        files={"okrs.yml": HOSTILE_OKR_FILE},
        argv=("apply", "okrs.yml"),
        exit=0,
        expect=r"^apply: 2 created",
        stream="stdout",
        env=ENV,
        check=_applied_literally,
    ),
    Case(
        id="mentions-in-managed-sections",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=r"^rollup FY24-Q1: 3 KRs",
        stream="stdout",
        setup=lambda emu: okrs(emu, purpose=MENTION_PURPOSE, kr_titles=MENTION_KRS),
        env=ENV,
        check=_mentions_neutralised_in_sections,
    ),
    Case(
        id="mentions-in-lint-comments",
        argv=("lint", "--quarter", QUARTER, "--comment"),
        exit=3,
        expect=r"#\d",
        stream="any",
        setup=lambda emu: okrs(
            emu,
            title="Tell <team @all> about wins",  # quoted by the placeholder finding
            purpose=MENTION_PURPOSE,
            kr_titles=("Tell @all about it", *MENTION_KRS[1:]),
        ),
        env=ENV,
        check=_mentions_neutralised_in_lint_comments,
        one_line=False,
    ),
    Case(
        id="mentions-in-reports-and-the-report-issue",
        argv=(
            "report",
            "--quarter",
            QUARTER,
            "--format",
            "md",
            "--format",
            "html",
            "--format",
            "json",
            "--output",
            "report",
            "--post",
        ),
        exit=0,
        expect=r"report",
        stream="any",
        setup=lambda emu: okrs(
            emu, title="Delight @all customers", purpose=MENTION_PURPOSE, kr_titles=MENTION_KRS
        ),
        env=ENV,
        check=_mentions_neutralised_in_reports,
    ),
    Case(
        id="html-in-titles-escaped-in-the-html-report",
        argv=("report", "--quarter", QUARTER, "--format", "html", "--output", "report.html"),
        exit=0,
        expect=r"report\.html",
        stream="any",
        setup=lambda emu: okrs(
            emu, title=HTML_TITLE, kr_titles=("<img src=x onerror=alert(1)> from 1 to 5", *KRS[1:])
        ),
        env=ENV,
        check=_html_escaped,
    ),
]


# -- tokens in URLs and errors ----------------------------------------------------------------

TOKENS_IN_ERRORS = [
    Case(
        id="token-in-gitlab-url-flag",
        argv=("status", "--gitlab-url", f"http://user:{FAKE_TOKEN}@127.0.0.1:1/"),
        exit=2,
        expect=r"^okrflow: the GitLab URL \(--gitlab-url / GITLAB_URL\) must not contain a user "
        r"name or token",
        server=False,
    ),
    Case(
        id="token-in-gitlab-url-env",
        argv=("status",),
        env={"GITLAB_URL": f"http://127.0.0.1:1/?private_token={FAKE_TOKEN_2}"},
        exit=2,
        expect=r"^okrflow: the GitLab URL .*must not contain a user name or token",
        server=False,
    ),
    Case(
        id="gitlab-url-not-a-url",
        argv=("status", "--gitlab-url", "banana"),
        exit=2,
        expect=r"^okrflow: the GitLab URL \(--gitlab-url / GITLAB_URL\) is not an http\(s\) URL",
        forbidden=("banana",),  # never echoed: it might be a token
        server=False,
    ),
    Case(
        id="gitlab-unreachable",  # offline: the fixture's config has no retries
        argv=("status",),
        exit=1,
        expect=r"^okrflow: could not reach GitLab at http://127\.0\.0\.1:\d+ while trying to",
        server=False,
    ),
    Case(
        id="token-rejected-401",
        argv=("status", "--quarter", QUARTER),
        env={"GITLAB_TOKEN": FAKE_TOKEN},
        exit=1,
        expect=r"^okrflow: GitLab rejected the token while trying to .*\(401",
    ),
    Case(
        id="token-of-a-non-member",
        argv=("rollup", "--quarter", QUARTER),
        env={"GITLAB_TOKEN": "glpat-okrflow-sandbox-outsdr", **ENV},
        setup=okrs,
        exit=1,
        expect=r"^okrflow: GitLab refused to .*404",
    ),
]

CASES = [*REFERENCES, *BIG, *TEXT, *TOKENS_IN_ERRORS]
