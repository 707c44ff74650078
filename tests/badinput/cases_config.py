"""Malformed and wrongly typed config files: exit 2, one line naming file:line and key.

All offline: ``okrflow config check`` reads the file and nothing else.
"""

from __future__ import annotations

from typing import Any

from .case import FAKE_TOKEN, Case


def config(id: str, text: str | bytes, expect: str, **kwargs: Any) -> Case:
    return Case(
        id=f"config-{id}",
        files={"okrflow.yml": text},
        argv=("config", "check", "--config", "okrflow.yml"),
        exit=2,
        expect=expect,
        server=False,
        **kwargs,
    )


CASES = [
    config(
        "quarter-that-is-none",
        "fiscal_year:\n  first_month: 2\nquarter: nxt\n",
        r"^okrflow: okrflow\.yml:3: quarter: not a quarter: 'nxt' \(write it like FY24-Q1\); "
        r"or one of current, next, previous$",
    ),
    config(
        "bad-yaml",
        "gitlab:\n  url: [https://gitlab.example\n",
        r"^okrflow: okrflow\.yml:2: invalid YAML.*'\[' list is not closed",
    ),
    config(
        "tab-indentation",
        "gitlab:\n\turl: https://gitlab.example\n",
        r"^okrflow: okrflow\.yml:2: invalid YAML.*tabs are not allowed.*use spaces",
    ),
    config(
        "wrong-type",
        "gitlab:\n  timeout: fast\n",
        r"^okrflow: okrflow\.yml:2: gitlab\.timeout: expected a number, got 'fast'",
    ),
    config(
        "unknown-key-did-you-mean",
        "fiscal_yaer:\n  first_month: 2\n",
        r"^okrflow: okrflow\.yml:1: fiscal_yaer: unknown key, did you mean 'fiscal_year'\?",
    ),
    config(
        "duplicate-key",
        "project: acme/okrs\nteams: [CSM]\nproject: acme/other\n",
        r"^okrflow: okrflow\.yml:3: project: duplicate key \(first on line 1\)",
    ),
    config(
        "bad-colour",
        "teams:\n  - name: CSM\n    color: blurple\n",
        r"^okrflow: okrflow\.yml:3: teams\[0\]\.color: must be a colour .*did you mean 'purple'",
    ),
    config(
        "short-hex-colour",
        "labels:\n  quarter:\n    color: '#12345'\n",
        r"^okrflow: okrflow\.yml:3: labels\.quarter\.color: must be a colour as '#RRGGBB'",
    ),
    config(
        "month-13",
        "fiscal_year:\n  first_month: 13\n",
        r"^okrflow: okrflow\.yml:2: fiscal_year\.first_month: must be a month number from 1 "
        r"to 12, got 13",
    ),
    config(
        "token-in-file",
        f"gitlab:\n  url: https://gitlab.example\n  token: {FAKE_TOKEN}\n",
        r"^okrflow: okrflow\.yml:3: gitlab\.token: a token must not be stored in the config "
        r"file: .*GITLAB_TOKEN",
    ),
    config(
        "token-in-url",
        f"gitlab:\n  url: https://oauth2:{FAKE_TOKEN}@gitlab.example\n",
        r"^okrflow: okrflow\.yml:2: gitlab\.url: must not contain a user name or token",
    ),
    config(
        "token-as-token-env",
        f"gitlab:\n  token_env: {FAKE_TOKEN}\n",
        r"^okrflow: okrflow\.yml:2: gitlab\.token_env: must be the name of the environment "
        r"variable",
    ),
    config(
        "list-at-top-level",
        "- gitlab\n- teams\n",
        r"^okrflow: okrflow\.yml:1: expected a mapping of keys at the top level, got a list",
    ),
    config(
        "min-above-max",
        "rules:\n  min_krs: 6\n  max_krs: 4\n",
        r"^okrflow: okrflow\.yml:3: rules\.max_krs: must not be less than min_krs \(6\), got 4",
    ),
    config(
        "not-utf8",
        "teams: [Caf\xe9]\n".encode("latin-1"),
        r"^okrflow: okrflow\.yml:1: not UTF-8 text \(byte 0xe9\); save the file as UTF-8",
    ),
    config(
        "yes-for-a-bool",
        "report:\n  post: 'yes'\n",
        r"^okrflow: okrflow\.yml:2: report\.post: expected true or false, got 'yes'",
    ),
    Case(
        id="config-missing-file",
        argv=("status", "--config", "nowhere.yml"),
        exit=2,
        expect=r"^okrflow: config file not found: nowhere\.yml",
        server=False,
    ),
]
