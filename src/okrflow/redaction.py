"""Keep secrets out of every line okrflow prints or logs.

The adapter registers the token it uses; the CLI passes every message through
:func:`redact` before printing. Tokens inside URLs (``private_token=``,
``job_token=``, ``access_token=``, ``https://user:token@host``) are masked too,
registered or not.
"""

from __future__ import annotations

import re

_SECRETS: set[str] = set()
_URL_PARAM = re.compile(r"((?:private|job|access)_token=)[^&\s'\"]+", re.IGNORECASE)
_URL_USERINFO = re.compile(r"(https?://[^/\s:@]+:)[^@\s/]+@", re.IGNORECASE)
_HEADER = re.compile(
    r"((?:PRIVATE-TOKEN|JOB-TOKEN|Authorization)['\"]?\s*[:=]\s*['\"]?(?:Bearer\s+)?)[^\s'\",}]+",
    re.IGNORECASE,
)
MASK = "[MASKED]"


def register_secret(secret: str | None) -> None:
    """Remember a secret so that :func:`redact` masks it wherever it appears."""
    if secret and len(secret) >= 4:
        _SECRETS.add(secret)


def mask_secrets(text: str) -> str:
    """``text`` with every registered secret masked (and nothing else changed)."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact(text: str) -> str:
    text = mask_secrets(text)
    text = _URL_PARAM.sub(rf"\1{MASK}", text)
    text = _URL_USERINFO.sub(rf"\1{MASK}@", text)
    return _HEADER.sub(rf"\1{MASK}", text)
