"""One bad-input case, declared as data, and the runner that checks it.

A case names the files to write in the working directory, an optional ``setup`` on the
emulator (``None`` and ``server=False``: the case runs without one, against a closed
port and a fake token), the command line, the exit code and a regular expression the
output must match. Every case also checks what holds for all of them: no traceback,
no crash, no token in anything printed, and the case's ``forbidden`` substrings absent.
``check`` adds assertions on the state afterwards (text kept, nothing written ...).
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from okrflow.sandbox import Emulator

from .world import PROJECT

#: tokens no output may ever contain: every sandbox token and the fake ones used here
FAKE_TOKEN = "glpat-SECRETbadinput0001"
FAKE_TOKEN_2 = "glpat-SECRETbadinput0002"
SANDBOX_TOKENS = (
    "glpat-okrflow-sandbox-lead01",
    "glpat-okrflow-sandbox-read01",
    "glpat-okrflow-sandbox-alice1",
    "glpat-okrflow-sandbox-outsdr",
    "glcbt-okrflow-sandbox-job001",
)
TOKENS = (FAKE_TOKEN, FAKE_TOKEN_2, "SECRETbadinput", *SANDBOX_TOKENS)
ALWAYS_FORBIDDEN = ("Traceback", "unexpected error", "Please report it")

Stream = Literal["stderr", "stdout", "any"]


@dataclasses.dataclass
class Ran:
    """What a case's command did, for ``check``: the process, the emulator (None
    offline), the working directory, descriptions before the run, and what setup gave."""

    result: subprocess.CompletedProcess[str]
    emu: Emulator | None
    cwd: Path
    before: Mapping[int, str]
    arranged: Any
    run: Callable[..., subprocess.CompletedProcess[str]]

    @property
    def output(self) -> str:
        return self.result.stdout + self.result.stderr

    def description(self, iid: int) -> str:
        assert self.emu is not None
        return self.emu.issue(PROJECT, iid).description or ""


def nothing_written(ran: Ran) -> None:
    """A case's ``check``: it wrote nothing to GitLab (its lease aside)."""
    assert ran.emu is not None
    assert ran.emu.writes() == {}, ran.emu.writes()


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    argv: Sequence[str]
    exit: int
    expect: str  # regular expression searched in the stream
    stream: Stream = "stderr"
    files: Mapping[str, str | bytes] = dataclasses.field(default_factory=dict)
    setup: Callable[[Emulator], Any] | None = None
    server: bool = True
    env: Mapping[str, str | None] = dataclasses.field(default_factory=dict)
    forbidden: Sequence[str] = ()
    check: Callable[[Ran], None] | None = None
    xfail: str | None = None  # a known bug: the reason, precise (file, function, what)
    one_line: bool = True  # an error (exit 1 or 2) is one line on stderr

    def __post_init__(self) -> None:
        if self.setup is not None and not self.server:
            raise ValueError(f"{self.id}: a setup needs the emulator (server=True)")


def assert_case(case: Case, result: subprocess.CompletedProcess[str]) -> None:
    out = result.stdout + result.stderr
    shown = f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.returncode == case.exit, shown
    text = {"stderr": result.stderr, "stdout": result.stdout, "any": out}[case.stream]
    assert re.search(case.expect, text, re.MULTILINE), f"/{case.expect}/ not in:\n{shown}"
    for bad in (*ALWAYS_FORBIDDEN, *case.forbidden):
        assert bad not in out, f"{bad!r} printed:\n{shown}"
    for token in TOKENS:
        assert token not in out, f"a token was printed:\n{shown}"
    if case.exit in (1, 2) and case.one_line:
        errors = [line for line in result.stderr.splitlines() if line.startswith("okrflow: ")]
        assert len(errors) == 1, f"not one error line:\n{shown}"
