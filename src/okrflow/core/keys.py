"""Keys for OKRs that have none yet: made from a title, unique within their scope.

A key is what ``okrflow apply`` matches issues on (letters, digits, ``.``, ``_``, ``-``;
``iid-<n>`` names an issue okrflow has no key for, so a made key never looks like one).
Pure.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection

from okrflow.core.issue_text import iid_of_key

__all__ = ["slugify", "unique_key"]


def slugify(title: str, max_length: int = 48) -> str:
    """A key from a title: ``grow-weekly-active-users-from-10-000-to-15-000``."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_length:
            break
        slug = longer
    if not slug and words:
        slug = words[0][:max_length]
    if not slug:  # nothing ASCII in the title
        slug = "okr-" + hashlib.sha256(title.encode()).hexdigest()[:10]
    if iid_of_key(slug) is not None:  # "iid-12" names issue 12
        slug = "okr-" + slug
    return slug


def unique_key(base: str, taken: Collection[str], max_length: int = 100) -> str:
    """``base``, or ``base-2``, ``base-3`` ... the first that is not ``taken``."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1
