"""Text in the HTML okrflow writes: escaped, whatever it holds.

Templates are autoescaped by Jinja (:mod:`okrflow.render.environment`); markup okrflow
builds in Python (the SVG charts) escapes every piece of text with :func:`escape`.
Mentions are neutralised too (:func:`finalize`), so text copied from an HTML report
into GitLab pings no one.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from okrflow.core.description import neutralize_mentions

__all__ = ["Markup", "escape", "finalize"]


def finalize(value: Any) -> Any:
    """A value a template prints: mentions neutralised; Jinja escapes it afterwards."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return neutralize_mentions(value)
    return value
