"""Messages a newcomer meets first, exactly: no token (naming the variable the config
chose, not "GitLab rejected the token"), a status code said once, counts with the
right plural, which quarter a command chose and why, an empty quarter naming the
quarters in use, and writing commands refusing an empty quarter."""

from __future__ import annotations

import re

from .case import FAKE_TOKEN, Case, Ran
from .world import ENV, PROJECT, QUARTER, okrs

NO_TOKEN = {"GITLAB_TOKEN": None, "CI_JOB_TOKEN": None}
API_SCOPE = "to a personal or project access token with the 'api' scope"


def exactly(line: str) -> str:
    """A pattern for one whole line of output, exactly."""
    return f"^{re.escape(line)}$"


CASES = [
    Case(
        id="message-no-token-on-a-read",
        argv=("status", "--quarter", QUARTER),
        env={**NO_TOKEN, **ENV},
        exit=1,
        expect=exactly(
            "okrflow: GITLAB_TOKEN is not set, and GitLab refused to list issues without a "
            f"token (404 Project Not Found): set GITLAB_TOKEN {API_SCOPE}"
        ),
        forbidden=("rejected the token",),
    ),
    Case(
        id="message-no-token-on-a-write",
        argv=("init",),
        env=NO_TOKEN,
        exit=2,
        expect=exactly(f"okrflow: GITLAB_TOKEN is not set: set it {API_SCOPE}"),
        forbidden=("rejected the token",),
    ),
    Case(
        id="message-no-token-names-the-variable-the-config-chose",
        files={"okrflow.yml": "gitlab:\n  token_env: OKR_BOT_TOKEN\n"},
        argv=("checkin", "2", "--value", "1", "--config", "okrflow.yml"),
        env=NO_TOKEN,
        exit=2,
        expect=exactly(f"okrflow: OKR_BOT_TOKEN is not set: set it {API_SCOPE}"),
        forbidden=("GITLAB_TOKEN",),
    ),
    Case(
        id="message-401-said-once",
        argv=("status", "--quarter", QUARTER),
        env={"GITLAB_TOKEN": FAKE_TOKEN},
        exit=1,
        expect=exactly(
            "okrflow: GitLab rejected the token while trying to list issues (401 Unauthorized): "
            "check that GITLAB_TOKEN is a valid, unexpired access token"
        ),
        forbidden=("401 401",),
    ),
    Case(
        id="message-404-said-once",
        argv=("status", "--quarter", QUARTER, "--project", "acme/nope"),
        exit=1,
        expect=exactly(
            "okrflow: GitLab refused to list issues (404 Project Not Found): check that the "
            "project 'acme/nope' exists and that the token's user is a member (GitLab answers "
            "404 for private projects it hides)"
        ),
        forbidden=("404 404",),
    ),
    Case(
        id="message-one-objective-in-the-singular",
        argv=("status", "--quarter", QUARTER),
        env=ENV,
        setup=okrs,
        exit=0,
        stream="stdout",
        expect=r"^FY24-Q1: 1 objective, 49% of the quarter gone$",
    ),
    Case(
        id="message-one-key-result-in-the-singular",
        argv=("rollup", "--quarter", QUARTER, "--dry-run"),
        env=ENV,
        setup=lambda emu: okrs(emu, kr_titles=("Raise CSAT from 80% to 90%",)),
        exit=0,
        stream="stdout",
        expect=exactly("rollup FY24-Q1 (dry run): 1 KR, 0 new check-ins, 1 issue would be updated"),
    ),
    Case(
        id="message-the-quarter-chosen-for-you-is-said",
        argv=("status",),
        env=ENV,
        setup=okrs,
        exit=0,
        expect=exactly(
            "FY24-Q1: the current quarter (today is 2024-02-15; --quarter names another)"
        ),
    ),
    Case(
        id="message-a-quarter-that-is-none-names-the-words",
        argv=("status", "--quarter", "nxt"),
        env=ENV,
        exit=2,
        expect=exactly(
            "okrflow: --quarter 'nxt': not a quarter: 'nxt' (write it like FY24-Q1); "
            "or one of current, next, previous"
        ),
    ),
    Case(
        id="message-a-quarter-from-the-environment-that-is-none-names-the-variable",
        argv=("status",),
        env={**ENV, "OKRFLOW_QUARTER": "nxt"},
        exit=2,
        expect=exactly(
            "okrflow: OKRFLOW_QUARTER='nxt': not a quarter: 'nxt' (write it like FY24-Q1); "
            "or one of current, next, previous"
        ),
    ),
    Case(
        id="message-the-quarter-from-the-environment-beats-the-config-and-is-said",
        files={"okrflow.yml": "quarter: FY23-Q4\n"},
        argv=("status", "--config", "okrflow.yml"),
        env={**ENV, "OKRFLOW_QUARTER": "FY24-Q1"},
        setup=okrs,
        exit=0,
        expect=exactly("FY24-Q1: from OKRFLOW_QUARTER (--quarter names another)"),
        check=lambda ran: _shows_the_quarter(ran, "FY24-Q1", not_="FY23-Q4"),
    ),
    Case(
        id="message-an-empty-quarter-names-the-quarters-in-use",
        argv=("status", "--quarter", "next"),
        env=ENV,
        setup=okrs,
        exit=0,
        expect=exactly(
            "FY24-Q2 holds no OKRs; quarters in use: FY24-Q1 (4 issues): name one with --quarter"
        ),
    ),
    Case(
        id="message-report-post-refuses-an-empty-quarter",
        argv=("report", "--quarter", "FY24-Q2", "--post", "--kind", "closing"),
        env=ENV,
        setup=okrs,
        exit=2,
        expect=exactly(
            "okrflow: FY24-Q2 holds no OKRs: no closing report posted (quarters in use: "
            "FY24-Q1 (4 issues)); name the quarter with --quarter, or give --allow-empty to "
            "do it anyway"
        ),
        check=lambda ran: _nothing_posted(ran),
    ),
    Case(
        id="message-schedule-refuses-when-no-quarter-it-acts-on-has-okrs",
        argv=("schedule",),
        env=ENV,
        exit=2,
        expect=exactly(
            "okrflow: FY24-Q1 and FY24-Q2 hold no OKRs: nothing to schedule; FY24-Q2's "
            "drafting opens on 2024-03-04 (no issue carries a quarter label yet); give "
            "--allow-empty to run it anyway"
        ),
        check=lambda ran: _nothing_posted(ran),
    ),
]


def _shows_the_quarter(ran: Ran, quarter: str, *, not_: str) -> None:
    assert ran.result.stdout.startswith(f"{quarter}: 1 objective"), ran.result.stdout
    assert not_ not in ran.output


def _nothing_posted(ran: Ran) -> None:
    assert ran.emu is not None
    assert not [i for i in ran.emu.issues(PROJECT) if i.title.startswith("OKR ")]
