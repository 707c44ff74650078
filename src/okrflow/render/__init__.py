"""Everything okrflow writes for people: reports, issue descriptions, progress sections,
comments, and how numbers and people's text look in each.

Owns:

- :mod:`~okrflow.render.report`: the report document as GitLab Markdown (with
  :mod:`~okrflow.render.mermaid` charts), one self-contained HTML file (inline
  :mod:`~okrflow.render.svg`) or JSON;
- :mod:`~okrflow.render.templating`: the issue templates (the GitLab UI templates and
  the descriptions of new OKR issues), :mod:`~okrflow.render.progress`: the progress
  section in each OKR issue, :mod:`~okrflow.render.comments`: the comments and
  planning texts okrflow posts;
- :mod:`~okrflow.render.environment`: the one Jinja environment; :mod:`~okrflow.render.display`:
  the one way to show a number, a score, a percent, a count ("1 objective");
  :mod:`~okrflow.render.escape`: one escaping module per output.

May import: the standard library, jinja2 and markupsafe, ``okrflow.core``,
``okrflow.errors``. Nothing here talks to GitLab or reads the config.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from okrflow.render.escape.markdown import md_cell, md_inline, neutralize_mentions
from okrflow.render.escape.mermaid import mermaid_text
from okrflow.render.mermaid import markdown_mermaid_blocks
from okrflow.render.report import FORMATS, Format, environment, render, render_index

__all__ = [
    "FORMATS",
    "Format",
    "environment",
    "markdown_mermaid_blocks",
    "md_cell",
    "md_inline",
    "mermaid_text",
    "neutralize_mentions",
    "render",
    "render_index",
    "report_schema",
]


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report document, shipped as package data."""
    text = resources.files("okrflow").joinpath("schemas/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
