"""Input that crashed okrflow or leaked a token (issue 11): each is now one exact line,
exit 2, and no token in anything printed: a date or clock outside the calendar, a
GitLab URL that is no URL or is a token, a path the file system cannot hold, a
python-gitlab config file that cannot be read or whose URL is its token."""

from __future__ import annotations

import re

from .case import FAKE_TOKEN, FAKE_TOKEN_2, Case
from .world import ENV, okrs

NOT_A_URL = (
    "is not an http(s) URL (its value is not shown, in case it is a secret): write it like "
    "https://gitlab.example.com"
)


def exactly(line: str) -> str:
    return f"^{re.escape(line)}$"


def from_python_gitlab(id: str, cfg: str, *, exit: int, expect: str) -> Case:
    """``status`` with URL and token from section [work] of the python-gitlab file
    ``gitlab.cfg`` (``cfg``), no GITLAB_URL or GITLAB_TOKEN."""
    okrflow = (
        "gitlab:\n  python_gitlab_config: work\n  python_gitlab_config_file: gitlab.cfg\n"
        "  retries: 0\nproject: acme/okrs\n"
    )
    return Case(
        id=f"python-gitlab-config-{id}",
        files={"okrflow.yml": okrflow, "gitlab.cfg": cfg},
        argv=("status", "--config", "okrflow.yml"),
        env={"GITLAB_URL": None, "GITLAB_TOKEN": None, **ENV},
        exit=exit,
        expect=expect,
        server=False,
    )


CASES = [
    Case(
        id="schedule-date-after-the-calendar",
        argv=("schedule", "--date", "9999-12-31"),
        exit=2,
        expect=exactly(
            "okrflow: --date 9999-12-31 is outside the days okrflow works with "
            "(1900-01-01 to 2999-12-31)"
        ),
        server=False,
    ),
    Case(
        id="clock-before-the-calendar",
        argv=("status",),
        env={"OKRFLOW_NOW": "0001-01-01"},
        exit=2,
        expect=exactly(
            "okrflow: OKRFLOW_NOW='0001-01-01' is outside the days okrflow works with "
            "(1900-01-01 to 2999-12-31)"
        ),
        server=False,
    ),
    Case(
        id="quarter-beyond-the-calendar",
        files={"okrflow.yml": "fiscal_year:\n  label_format: 'FY{yyyy}-Q{q}'\n"},
        argv=("status", "--quarter", "FY9999-Q4", "--config", "okrflow.yml"),
        exit=2,
        expect=exactly(
            "okrflow: --quarter 'FY9999-Q4': okrflow works with the quarters of fiscal years "
            "1901 to 2998"
        ),
        setup=okrs,
    ),
    Case(
        id="gitlab-url-with-a-space",
        argv=("status",),
        env={"GITLAB_URL": "https://x y"},
        exit=2,
        expect=exactly(f"okrflow: the GitLab URL (--gitlab-url / GITLAB_URL) {NOT_A_URL}"),
        server=False,
    ),
    Case(
        id="gitlab-url-is-a-token",
        argv=("status",),
        env={"GITLAB_URL": FAKE_TOKEN_2, "GITLAB_TOKEN": None},
        exit=2,
        expect=exactly(f"okrflow: the GitLab URL (--gitlab-url / GITLAB_URL) {NOT_A_URL}"),
        server=False,
    ),
    *(
        Case(
            id=f"{command}-output-too-long",
            argv=(command, "--output", "x" * 100_000),
            exit=2,
            expect=exactly(
                f"okrflow: --output …{'x' * 79}: the path (100,000 characters) is longer than "
                "this system allows"
            ),
            server=False,
        )
        for command in ("report", "demo")
    ),
    from_python_gitlab(
        "malformed",
        f"[work\nurl = http://127.0.0.1:1\nprivate_token = {FAKE_TOKEN}\n",
        exit=2,
        expect=exactly(
            "okrflow: python-gitlab config: the file cannot be read (MissingSectionHeaderError, "
            "line 1): fix its syntax ([section] headers, 'key = value' lines)"
        ),
    ),
    from_python_gitlab(
        "url-is-the-token",
        f"[work]\nurl = {FAKE_TOKEN}\nprivate_token = {FAKE_TOKEN}\n",
        exit=2,
        expect=exactly(
            "okrflow: the GitLab URL (url of section [work] in the python-gitlab config) "
            + NOT_A_URL
        ),
    ),
    from_python_gitlab(
        "unreachable",
        f"[work]\nurl = http://127.0.0.1:1\nprivate_token = {FAKE_TOKEN}\n",
        exit=1,
        expect=r"^okrflow: could not reach GitLab at the configured URL while trying to list",
    ),
]
