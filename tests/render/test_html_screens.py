"""The HTML report on every screen, in a real browser: a 390 px phone, a 1,200 px desktop, A4.

Headless Chromium (driven over DevTools, :mod:`chromium`) loads the report from a file:

- at 390 px the page never scrolls sideways (wide tables scroll in their own box, the
  key results reflow into cards);
- at 1,200 px no element sticks out of its card (an objective, a summary figure, a
  retrospective column, a carried-over objective);
- printed on A4 nothing is wider than the page and no chart is cut off;
- the page asks for nothing over the network.

Screenshots of both widths are written to ``test-artifacts/`` (kept by CI as artifacts).
Skipped when no Chromium is installed (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import BROWSER, Browser
from report_samples import story_doc

from okrflow.render import render, render_index

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
A4_CONTENT = 688  # px at 96 dpi: 210 mm less the 14 mm margins of @page

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (apt-get install chromium)"),
]

CARDS = ".objective, .figure, .retro-kind, .carry-item"
OVERFLOWS = """
(() => {
  const found = [];
  for (const card of document.querySelectorAll(CARDS_SELECTOR)) {
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) {
        found.push(card.className + ' > ' + el.tagName + '.' + el.className.baseVal
          + el.className + ': ' + Math.round(r.left) + '..' + Math.round(r.right)
          + ' outside ' + Math.round(box.left) + '..' + Math.round(box.right));
      }
    }
    if (card.scrollWidth > card.clientWidth + 1) found.push(card.className + ' scrolls');
  }
  return found;
})()
""".replace("CARDS_SELECTOR", repr(CARDS))
CLIPPED_CHARTS = """
(() => {
  const found = [];
  const page = document.documentElement.clientWidth;
  for (const svg of document.querySelectorAll('svg.chart')) {
    const r = svg.getBoundingClientRect();
    let el = svg.parentElement;
    while (el) {
      const style = getComputedStyle(el);
      const p = el.getBoundingClientRect();
      if (style.overflowX !== 'visible' && (r.left < p.left - 0.5 || r.right > p.right + 0.5)) {
        found.push(svg.getAttribute('aria-label') + ' cut by ' + el.tagName);
      }
      el = el.parentElement;
    }
    if (r.right > page + 0.5) found.push(svg.getAttribute('aria-label') + ' beyond the page');
  }
  return found;
})()
"""


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("screens") / "report.html"
    path.write_text(render(story_doc(), "html"), encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def progress_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("screens") / "progress.html"
    path.write_text(render(story_doc(kind="progress"), "html"), encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with Browser(tmp_path_factory.mktemp("chromium") / "profile") as running:
        yield running


def keep(name: str, png: bytes) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(png)
    return path


def size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def only_the_file(page: Any, url: str) -> None:
    assert page.requests == [url], page.requests


@pytest.mark.parametrize("which", ["report_url", "progress_url"])
def test_at_390_px_the_page_does_not_scroll_sideways(
    browser: Browser, which: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(which)
    page = browser.open(url, width=390, height=844)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.scrollWidth") <= 390
    # the key results are cards there, the summary tables scroll in their own box
    assert page.evaluate("getComputedStyle(document.querySelector('.krs thead')).display") == (
        "none"
    )
    boxes = page.evaluate(
        "[...document.querySelectorAll('.table-scroll')].map(b => getComputedStyle(b).overflowX)"
    )
    assert boxes and set(boxes) == {"auto"}
    shot = page.screenshot()
    width, height = size(shot)
    assert width == 390 and height > 2000
    if which == "report_url":
        keep("report-390.png", shot)
    only_the_file(page, url)


@pytest.mark.parametrize("which", ["report_url", "progress_url"])
def test_at_1200_px_nothing_overflows_its_card(
    browser: Browser, which: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue(which)
    page = browser.open(url, width=1200, height=900)
    cards = page.evaluate(f"document.querySelectorAll({CARDS!r}).length")
    assert cards >= 5
    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200
    # the key results are a table again, and it fits its card without scrolling
    assert page.evaluate("getComputedStyle(document.querySelector('.krs thead')).display") == (
        "table-header-group"
    )
    shot = page.screenshot()
    assert size(shot)[0] == 1200
    if which == "report_url":
        keep("report-1200.png", shot)
    only_the_file(page, url)


def test_printed_on_a4_nothing_is_wider_than_the_page_and_no_chart_is_cut(
    browser: Browser, report_url: str
) -> None:
    page = browser.open(report_url, width=A4_CONTENT, height=1040, print_=True)
    assert page.evaluate("matchMedia('print').matches") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT
    assert page.evaluate(CLIPPED_CHARTS) == []
    assert page.evaluate("document.querySelectorAll('svg.chart').length") >= 4
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 3
    only_the_file(page, report_url)


def test_the_check_would_catch_a_page_that_scrolls_sideways(
    browser: Browser, tmp_path: Path
) -> None:
    wide = tmp_path / "wide.html"
    wide.write_text(
        '<!doctype html><meta name="viewport" content="width=device-width">'
        '<div class="objective" style="width:300px"><table><tr>'
        + "<td>wide cell content</td>" * 12
        + "</tr></table></div>",
        encoding="utf-8",
    )
    page = browser.open(wide.as_uri(), width=390)
    assert page.evaluate("document.documentElement.scrollWidth") > 390
    assert page.evaluate(OVERFLOWS)


def test_the_dashboard_index_reads_on_a_phone(browser: Browser, tmp_path: Path) -> None:
    doc = story_doc(kind="progress")
    quarters = [
        {**e, "href": f"{e['quarter']}/", "markdown": "m", "json": "j"}
        for e in reversed(doc["history"]["quarters"])
    ]
    path = tmp_path / "index.html"
    path.write_text(render_index(quarters, doc, project="acme/okrs"), encoding="utf-8")
    page = browser.open(path.as_uri(), width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.querySelectorAll('.quarter-index tbody tr').length") == 4
    only_the_file(page, path.as_uri())
