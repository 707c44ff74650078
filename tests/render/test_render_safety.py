"""Issue text in reports is data: no pings, no markup, no template, no chart injection.

The sample quarter has an objective titled with everything a title should never do
(``@all``, ``<script>``, ``{{ x }}``, ``{% raw %}``, ``|``, quotes, brackets, ``#``,
``;``, backticks, ``%%{init}%%``, a newline) and a key result, owner, unit, team,
purpose and problem just as hostile.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from report_samples import HOSTILE, sample_doc

from okrflow.render import (
    markdown_mermaid_blocks,
    md_cell,
    md_inline,
    mermaid_text,
    neutralize_mentions,
    render,
)

WJ = "\u2060"


def live_mentions(md: str) -> list[str]:
    """Mentions GitLab would find once the Markdown is rendered (escapes and entities undone)."""
    text = html.unescape(re.sub(r"\\(.)", r"\1", md))
    return re.findall(r"(?<![\w])@[A-Za-z0-9_][\w.\-/]*", text)


@pytest.fixture(scope="module", params=["closing", "progress"])
def doc(request: pytest.FixtureRequest) -> dict[str, Any]:
    return sample_doc(kind=request.param)


# -- the filters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("@all", f"@{WJ}all"),
        ("cc @alice and @bob.smith", f"cc @{WJ}alice and @{WJ}bob.smith"),
        ("mail bob@example.com", f"mail bob@{WJ}example.com"),
        ("&#64;all &#x40;here &commat;group", f"@{WJ}all @{WJ}here @{WJ}group"),
        ("no at here", "no at here"),
    ],
)
def test_neutralize_mentions(text: str, safe: str) -> None:
    assert neutralize_mentions(text) == safe
    assert neutralize_mentions(safe) == safe  # idempotent
    assert not live_mentions(neutralize_mentions(text))


def test_md_inline_keeps_text_literal_on_one_line() -> None:
    assert md_inline("a *b* _c_ [d](e) `f` ~g~ <h> & | \\\nnext") == (
        r"a \*b\* \_c\_ \[d\](e) \`f\` \~g\~ &lt;h&gt; &amp; \| \\ next"
    )
    assert md_inline(None) == ""


def test_md_cell_never_breaks_a_table() -> None:
    cell = md_cell("a | b\r\nc\u2028d")
    assert "\n" not in cell and "\r" not in cell
    assert re.search(r"(?<!\\)\|", cell) is None
    assert md_cell("") == " "


@pytest.mark.parametrize("text", [HOSTILE, '"]; end\n%%{init: {"theme":"dark"}}%%', "", "   "])
def test_mermaid_text_cannot_leave_its_label(text: str) -> None:
    label = mermaid_text(text)
    assert label
    assert not set(label) & set('"`[]{}<>#;\\|\n\r')
    assert "%%" not in label
    assert len(label) <= 40


# -- Markdown ------------------------------------------------------------------------


def test_markdown_has_no_live_mention(doc: dict[str, Any]) -> None:
    md = render(doc, "md")
    assert "@all" in HOSTILE
    assert live_mentions(md) == []
    assert f"@{WJ}all" in md


def test_markdown_shows_html_and_template_syntax_literally(doc: dict[str, Any]) -> None:
    md = render(doc, "md")
    assert "<script>" not in md and "<b>" not in md and "<img" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "{{ x }}" in md and "{% raw %}" in md  # not evaluated, not removed


def test_markdown_has_no_quick_action_heading_or_comment_from_issue_text(
    doc: dict[str, Any],
) -> None:
    md = render(doc, "md")
    assert "/close" in HOSTILE
    assert re.findall(r"^ {0,3}/", md, re.M) == []
    assert re.findall(r"^ {0,3}#+ Owner", md, re.M) == []
    assert "<!--" not in md


def test_markdown_tables_keep_their_shape(doc: dict[str, Any]) -> None:
    md = render(doc, "md")
    for table in re.findall(r"(?:^\|.*\n)+", md, re.M):
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in table.splitlines()}
        assert len(widths) == 1, table


MERMAID_LINE = re.compile(
    r"""^(?:xychart-beta(?:\ horizontal)?|flowchart\ TD|%%\{init:\ \{"themeVariables":\ \{"xyChart":
        \ \{"plotColorPalette":\ "\#0969da,\ \#6e7781"\}\}\}\}%%
    |\ \ title\ "[^"\n]*"
    |\ \ x-axis\ \[(?:"[^"\n]+"(?:,\ )?)+\]
    |\ \ y-axis\ "[^"\n]*"\ -?\d+(?:\.\d+)?\ -->\ -?\d+(?:\.\d+)?
    |\ \ (?:bar|line)\ \[(?:-?\d+(?:\.\d+)?(?:,\ )?)+\]
    |\ \ o\d+\["[^"\n]+"\]
    |\ \ o\d+\ -->\ o\d+
    |\ \ classDef\ [a-z]+\ [a-z:#0-9,]+
    |\ \ class\ o\d+(?:,o\d+)*\ [a-z]+)$""",
    re.X,
)


def test_every_mermaid_line_has_the_expected_shape(doc: dict[str, Any]) -> None:
    blocks = markdown_mermaid_blocks(render(doc, "md"))
    assert blocks
    for block in blocks:
        for line in block.splitlines():
            assert MERMAID_LINE.match(line), line


# -- HTML ----------------------------------------------------------------------------


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_issue_text_everywhere(doc: dict[str, Any]) -> None:
    page = render(doc, "html")
    parsed = Elements()
    parsed.feed(page)
    assert not parsed.tags & {"script", "img", "b", "i", "iframe", "object", "embed", "link"}
    assert not {a for a in parsed.attributes if a.startswith("on")}
    assert "<script" not in page.lower()
    text = "".join(parsed.text)
    assert "<script>alert(1)</script> {{ x }} {% raw %}" in text  # shown as written
    assert "<img src=x onerror=alert(1)>" in text


def test_html_is_self_contained(doc: dict[str, Any]) -> None:
    page = render(doc, "html")
    parsed = Elements()
    parsed.feed(page)
    assert not parsed.attributes & {"src", "href", "srcset", "action", "formaction", "xlink:href"}
    lowered = page.lower()
    for remote in ("http://", "https://", "//cdn", "@import", "url(", "<link", "<script"):
        assert remote not in lowered, remote
    assert "<style>" in page and "<svg" in page
    assert "default-src 'none'" in page  # and a CSP that would block anything remote anyway


def test_html_gives_health_and_grades_in_words_not_only_colour(doc: dict[str, Any]) -> None:
    page = render(doc, "html")
    if doc["kind"] == "progress":
        for health in ("On track", "Needs attention", "At risk"):
            assert re.search(rf'class="badge health-[a-z-]+">.*?</span> {health}</span>', page)
    else:
        for grade in ("● Green", "○ Red"):
            assert re.search(rf"</span> score · {grade}</span>", page)
    assert 'role="img"' in page and "<title>" in page
