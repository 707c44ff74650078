"""reports.mermaid: the charts of the Markdown report, checked by Mermaid's own parser.

The parser runs in Node (``tests/mermaid/validate.mjs``: ``mermaid.parse`` with jsdom
for the DOM it needs). Install it with ``npm ci --prefix tests/mermaid``; without Node
or that install, the parser tests are skipped and say why.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from report_samples import sample_doc, sample_objectives, story_doc

from okrflow.render import markdown_mermaid_blocks, render
from okrflow.render.mermaid import (
    XY_THEME,
    alignment_chart,
    distribution_chart,
    progress_chart,
    trend_chart,
)

CHECKER = Path(__file__).resolve().parents[1] / "mermaid"
VALIDATE = CHECKER / "validate.mjs"


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: the Mermaid parser runs in Node"
    if not (CHECKER / "node_modules" / "mermaid" / "package.json").is_file():
        return "Mermaid parser not installed: run `npm ci --prefix tests/mermaid`"
    return None


needs_parser = pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))


def parse(diagrams: list[str]) -> list[dict[str, Any]]:
    """Mermaid's verdict on each diagram: one node process for all of them."""
    done = subprocess.run(
        ["node", str(VALIDATE)],
        input=json.dumps(diagrams),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def failures(diagrams: list[str]) -> list[tuple[str, str]]:
    return [(diagrams[r["index"]], r["error"]) for r in parse(diagrams) if not r["ok"]]


# -- extraction and shape ------------------------------------------------------------


def test_blocks_are_extracted_in_order_and_other_fences_ignored() -> None:
    md = (
        'text\n```mermaid\npie\n  "a" : 1\n```\n\n```python\nprint()\n```\n'
        "~~~~mermaid\nflowchart TD\n  a --> b\n~~~~\n````mermaid\nx\n```\ny\n````\n"
    )
    assert markdown_mermaid_blocks(md) == [
        'pie\n  "a" : 1\n',
        "flowchart TD\n  a --> b\n",
        "x\n```\ny\n",
    ]


def test_the_closing_report_has_every_chart() -> None:
    doc = sample_doc()
    blocks = markdown_mermaid_blocks(render(doc, "md"))
    kinds = [b.removeprefix(XY_THEME + "\n").splitlines()[0] for b in blocks]
    with_trend = sum(
        1 for o in doc["objectives"] for kr in o["key_results"] if len(kr["checkins"]) >= 2
    )
    assert kinds.count("xychart-beta horizontal") == 1  # progress by objective
    assert kinds.count("flowchart TD") == 1  # alignment
    assert kinds.count("xychart-beta") == 1 + with_trend  # score distribution, trends


def test_progress_chart_uses_the_displayed_percent() -> None:
    chart = progress_chart(sample_doc())
    assert chart is not None
    assert "  bar [89, 34, 18, 1, 31]" in chart
    assert '"#1 Make the product valuable a…"' in chart


def test_charts_with_nothing_to_draw_are_left_out() -> None:
    empty = sample_doc(objectives=[])
    assert progress_chart(empty) is None
    assert alignment_chart(empty) is None
    assert distribution_chart(sample_doc(kind="progress", objectives=[])) is None
    kr = sample_doc()["objectives"][0]["key_results"][0]
    assert trend_chart(kr | {"checkins": kr["checkins"][:1]}) is None


def test_alignment_links_every_parent_and_colours_by_health() -> None:
    chart = alignment_chart(sample_doc(kind="progress"))
    assert chart is not None
    assert "  o0 --> o3\n  o1 --> o3" in chart  # #4 is aligned under #1 and #2
    assert "class o2,o3 atrisk" in chart
    assert "At risk" in chart  # the health in words, not only a colour


def test_in_a_closing_report_the_alignment_shows_scores_and_grades_not_live_health() -> None:
    chart = alignment_chart(sample_doc())
    assert chart is not None
    assert "Company · score 0.8 · ● Green" in chart
    assert "CSM · score 0.4 · ○ Red" in chart
    assert "class o1,o2,o4 atrisk" in chart  # red, coloured as at risk is
    assert "Sales · 1%" in chart and "At risk" not in chart  # #4: no score, no health


def test_trend_numbers_have_no_exponent() -> None:
    kr = sample_doc()["objectives"][0]["key_results"][0]
    tiny = [c | {"value": v} for c, v in zip(kr["checkins"], [1e-7, 2.5e-5, 3e12, 4], strict=True)]
    chart = trend_chart(kr | {"checkins": tiny, "target": 1e-9, "start": 0})
    assert chart is not None
    assert "e-" not in chart and "e+" not in chart
    assert "line [0, 0.000025, 3000000000000, 4]" in chart


# -- Mermaid's own parser ------------------------------------------------------------


@needs_parser
def test_the_validator_rejects_a_broken_chart() -> None:
    broken = ['flowchart TD\n  o0["a"b"]', 'xychart-beta\n  x-axis [""]\n  bar [1]']
    assert [r["ok"] for r in parse([*broken, 'pie\n  "a" : 1'])] == [False, False, True]


@needs_parser
@pytest.mark.parametrize("kind", ["closing", "progress"])
def test_every_chart_of_the_seeded_report_parses(kind: str) -> None:
    blocks = markdown_mermaid_blocks(render(sample_doc(kind=kind), "md"))
    assert blocks
    assert failures(blocks) == []


def cross_project_doc() -> dict[str, Any]:
    """The sample quarter as a group scope holds it: objectives and key results in
    three projects, each named by full reference."""
    projects = ("acme/company", "acme/sales", "acme/eng/platform")
    objectives = sample_objectives()
    for n, o in enumerate(objectives):
        o.project = projects[n % len(projects)]
        for kr in o.key_results:
            kr.project = projects[(n + 1) % len(projects)]
    return sample_doc(objectives=objectives, project="acme")


def test_the_alignment_crosses_projects_by_full_reference() -> None:
    doc = cross_project_doc()
    chart = alignment_chart(doc)
    assert chart is not None
    node = {o["key"]: f"o{n}" for n, o in enumerate(doc["objectives"])}
    where = {o["key"]: o["project"] for o in doc["objectives"]}
    crossing = [
        (node[p], node[o["key"]])
        for o in doc["objectives"]
        for p in o["parent_keys"]
        if p in where and where[p] != o["project"]
    ]
    assert crossing and all(f"  {a} --> {b}" in chart for a, b in crossing)
    for n, path in enumerate(dict.fromkeys(o["project"] for o in doc["objectives"])):
        assert f'  subgraph p{n}["{path}"]' in chart
    first = doc["objectives"][0]
    assert f'["{first["reference"]} ' in chart  # the node named by full reference


@needs_parser
def test_a_cross_project_report_parses() -> None:
    blocks = markdown_mermaid_blocks(render(cross_project_doc(), "md"))
    assert any("subgraph" in b for b in blocks)
    assert failures(blocks) == []


@needs_parser
def test_the_history_chart_parses() -> None:
    blocks = markdown_mermaid_blocks(render(story_doc(), "md"))
    history = [b for b in blocks if "Average score by team" in b]
    assert len(history) == 1
    assert failures(history) == []


DANGEROUS = [
    *"\"'`[](){}<>#;:|\\%&@!-=+*/_~^$,.?",
    "\n",
    "\t",
    "%%",
    "-->",
    "%%{init: {}}%%",
    "#quot;",
    "&#35;",
    "<br/>",
    "end",
    "click",
    "style",
    "classDef",
    "subgraph",
    "\u2028",
    "é",
    "🚀",
    "{{ x }}",
    "{% raw %}",
    "@all",
]


def random_title(rng: random.Random) -> str:
    choices = [*DANGEROUS, "word", " ", "12", "x"]
    parts = [rng.choice(choices) for _ in range(rng.randint(1, 12))]
    return "".join(parts)


@needs_parser
def test_charts_parse_whatever_the_titles_units_and_teams() -> None:
    rng = random.Random(20240424)
    base = sample_doc()["objectives"]
    objectives: list[dict[str, Any]] = []
    for n in range(60):
        o = base[n % len(base)]
        krs = [
            kr | {"title": random_title(rng), "unit": random_title(rng)[:6], "key": f"k{n}-{i}"}
            for i, kr in enumerate(o["key_results"])
        ]
        objectives.append(
            o
            | {
                "title": random_title(rng),
                "team": random_title(rng),
                "key": f"o{n}",
                "iid": None if n % 7 == 0 else n + 1,
                "key_results": krs,
                "parent_keys": [f"o{n // 2}"] if n else [],
            }
        )
    doc = sample_doc()
    doc["objectives"] = objectives
    charts = [progress_chart(doc), alignment_chart(doc)]
    charts += [trend_chart(kr) for o in objectives for kr in o["key_results"]]
    blocks = [chart for chart in charts if chart is not None]
    sources = markdown_mermaid_blocks("\n\n".join(blocks))
    assert len(sources) == len(blocks) > 60
    assert failures(sources) == []


@needs_parser
def test_the_readme_architecture_picture_parses() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    blocks = markdown_mermaid_blocks(section)
    assert len(blocks) == 1
    assert failures(blocks) == []
