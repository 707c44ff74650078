"""Reports: the report document rendered as GitLab Markdown, HTML or JSON.

``okrflow.core.report.build_report`` makes the document; :func:`render` turns it
into text. Not part of the core: this package renders templates.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from okrflow.render.mermaid import markdown_mermaid_blocks
from okrflow.render.report import FORMATS, Format, environment, render
from okrflow.render.text import md_cell, md_inline, mermaid_text, neutralize_mentions

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
    "report_schema",
]


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report document, shipped as package data."""
    text = resources.files("okrflow").joinpath("schemas/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
