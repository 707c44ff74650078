"""Nothing a person writes in GitLab acts on the terminal or CI log of whoever runs okrflow:
every escape sequence and control character in a title is printed as a visible escape
by ``status`` and ``lint`` (the installed okrflow, against the served emulator), and
JSON escapes them (the crash log: ``tests/cli/test_main.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from badinput.world import ENV, as_alice, okrs

pytestmark = pytest.mark.e2e

# kind: (what a hostile title holds, how okrflow prints it)
SEQUENCES = {
    "csi-erase-line": ("\x1b[2K", "\\x1b[2K"),
    "csi-clear-screen": ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),
    "sgr-colour": ("\x1b[32m", "\\x1b[32m"),
    "osc-window-title": ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    "osc-8-hyperlink": (
        "\x1b]8;;https://evil.example\x1b\\link",
        "\\x1b]8;;https://evil.example\\x1b\\link",
    ),
    "osc-52-clipboard": ("\x1b]52;c;Y3VybCBldmls\x07", "\\x1b]52;c;Y3VybCBldmls\\x07"),
    "dcs": ("\x1bPq#0\x1b\\", "\\x1bPq#0\\x1b\\"),
    "c1-csi": ("\x9b2J", "\\x9b2J"),
    "c1-osc": ("\x9d0;pwned\x9c", "\\x9d0;pwned\\x9c"),
    "bidi-override": ("\u202eevil\u202c", "\\u202eevil\\u202c"),
    "bidi-isolate": ("\u2067x\u2069", "\\u2067x\\u2069"),
    "backspace": ("ok\x08\x08no", "ok\\x08\\x08no"),
    "carriage-return-fake-job-line": ("\rJob succeeded", "\\x0dJob succeeded"),
    "newline-fake-line": ("\nJob succeeded", "\\x0aJob succeeded"),
    "line-separator": ("\u2028Job succeeded", "\\u2028Job succeeded"),
    "bell": ("\x07", "\\x07"),
}


def raw_controls(text: str) -> list[str]:
    """The control, separator and bidi characters in printed text (line breaks aside)."""
    bidi = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    return [
        c
        for c in text
        if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" + bidi
    ]


@pytest.mark.parametrize("kind", list(SEQUENCES))
def test_a_title_with_an_escape_sequence_is_shown_not_obeyed(okrflow_cli: Any, kind: str) -> None:
    raw, shown = SEQUENCES[kind]
    world = okrs(okrflow_cli.emu, purpose="")  # lint: the objective has no purpose
    as_alice(okrflow_cli.emu, world.objective, title=f"Make support {raw} effortless")
    as_alice(okrflow_cli.emu, world.krs[0], title=f"Raise CSAT {raw} from 80% to 90%")

    status = okrflow_cli("status", extra_env=ENV)
    lint = okrflow_cli("lint", extra_env=ENV)
    as_json = okrflow_cli("status", "--json", extra_env=ENV)

    assert status.returncode == 0, status.stderr
    assert lint.returncode == 3, lint.stderr
    for done in (status, lint):
        printed = done.stdout + done.stderr
        assert raw_controls(printed) == []
        assert shown in printed
    assert f"#{world.objective} Make support {shown} effortless" in status.stdout
    assert f"KR #{world.krs[0]} Raise CSAT {shown} from 80% to 90%" in status.stdout
    assert f"#{world.objective} Make support {shown} effortless" in lint.stdout
    assert raw_controls(as_json.stdout) == []
    titles = {o["iid"]: o["title"] for o in json.loads(as_json.stdout)["objectives"]}
    assert titles[world.objective] == f"Make support {raw} effortless"  # the data, exact
