"""Keep secrets out of every line okrflow prints or logs.

The adapter registers the token it uses (from the environment or a python-gitlab
config file) before it says anything; the CLI passes every message, and the crash
log, through :func:`redact` before printing. Tokens inside URLs (``private_token=``,
``job_token=``, ``access_token=``, ``https://user:token@host``) and anything shaped
like a GitLab token (``glpat-...``, ``glcbt-...`` and GitLab's other prefixes) are
masked too, registered or not (a token put in ``GITLAB_URL`` by mistake).
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
# GitLab's token prefixes: personal, OAuth, deploy, runner, CI job, trigger, feed,
# incoming mail, agent, SCIM, feature flag and service account tokens
_GITLAB_TOKEN = re.compile(
    r"\b(?:glpat|gloas|gldt|glrt|glcbt|glptt|glft|glimt|glagent|glsoat|glffct|glsa)-"
    r"[A-Za-z0-9_\-]{8,}"
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
    text = _GITLAB_TOKEN.sub(MASK, mask_secrets(text))
    text = _URL_PARAM.sub(rf"\1{MASK}", text)
    text = _URL_USERINFO.sub(rf"\1{MASK}@", text)
    return _HEADER.sub(rf"\1{MASK}", text)
