"""How okrflow says how many: ``1 objective``, ``2 objectives``, ``0 key results``.

The one plural rule for every line okrflow writes, in the terminal, in GitLab, in
reports and in error messages.
"""

from __future__ import annotations

__all__ = ["count", "plural"]


def plural(number: int, noun: str, plural_form: str | None = None) -> str:
    """``noun`` as many times as ``number`` says: ``objective`` / ``objectives``."""
    if number == 1:
        return noun
    return plural_form if plural_form is not None else f"{noun}s"


def count(number: int, noun: str, plural_form: str | None = None) -> str:
    """``1 objective``, ``2 objectives``, ``0 key results``."""
    return f"{number} {plural(number, noun, plural_form)}"
