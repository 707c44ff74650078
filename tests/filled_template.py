"""UI issue templates as people fill them in and as GitLab stores them, shared by the
command tests, the end-to-end tests and the bad-input cases."""

from __future__ import annotations

import re


def fill_template(text: str, sections: dict[str, str], *, tick: str | None = None) -> str:
    """A UI template filled in as a person does: text under each named heading's hint
    (``{"Purpose": "..."}`` matches ``## Purpose / why it matters``), a box ticked."""
    for heading, content in sections.items():
        start = re.search(rf"(?m)^## {re.escape(heading)}.*$", text)
        assert start is not None, heading
        hint_end = text.index("-->", start.end()) + len("-->")
        text = f"{text[:hint_end]}\n{content}{text[hint_end:]}"
    if tick:
        text = text.replace(f"- [ ] {tick}", f"- [x] {tick}")
    return text


def stored(text: str) -> str:
    """What GitLab stores: quick-action lines run and removed."""
    return re.sub(r"(?m)^/[a-z_]+(?: .*)?\n?", "", text)
