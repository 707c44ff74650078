"""Every case of the bad-input corpus, run through the installed okrflow: its exit code,
its message, no traceback, no token; then one scan of everything every case printed or
wrote for the tokens. Cases are data: add one to a ``cases_*.py`` list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import (
    cases_adopt,
    cases_checkin,
    cases_config,
    cases_hostile,
    cases_issues,
    cases_messages,
    cases_okrfile,
    cases_trust,
)
from .case import TOKENS, Case, Ran, assert_case
from .world import PROJECT

pytestmark = pytest.mark.e2e

ALL: list[Case] = [
    *cases_config.CASES,
    *cases_okrfile.CASES,
    *cases_checkin.CASES,
    *cases_issues.CASES,
    *cases_hostile.CASES,
    *cases_messages.CASES,
    *cases_trust.CASES,
    *cases_adopt.CASES,
]


def _param(case: Case) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


def _descriptions(emu: Any) -> dict[int, str]:
    return {issue.iid: issue.description or "" for issue in emu.issues(PROJECT)}


def _written(emu: Any) -> str:
    """Everything in the emulator a case may have made okrflow write."""
    texts = []
    for issue in emu.issues(PROJECT):
        texts += [issue.title, issue.description or ""]
        texts += [note.body for note in emu.notes(PROJECT, issue.iid)]
    return "\n".join(texts)


def _files(cwd: Path, inputs: Any) -> str:
    """The files a case's command wrote (reports ...), not the ones the case gave it."""
    texts = []
    for path in sorted(cwd.rglob("*")):
        if path.relative_to(cwd).as_posix() in inputs:
            continue
        if path.is_file() and path.stat().st_size < 5_000_000:
            texts.append(path.read_text("utf-8", errors="replace"))
    return "\n".join(texts)


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in ALL]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40


@pytest.mark.parametrize("case", [_param(case) for case in ALL])
def test_bad_input(case: Case, request: pytest.FixtureRequest, transcript: list[str]) -> None:
    cli = request.getfixturevalue("okrflow_cli" if case.server else "offline_cli")
    emu = cli.emu if case.server else None
    cwd: Path = cli.cwd
    for name, content in case.files.items():
        path = cwd / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    arranged = case.setup(emu) if case.setup and emu is not None else None
    before = _descriptions(emu) if emu is not None else {}
    if emu is not None:
        emu.reset_log()

    def run(*args: str, **kwargs: Any) -> Any:
        done = cli(*args, **{"extra_env": case.env, **kwargs})
        transcript.extend([done.stdout, done.stderr])
        return done

    result = run(*case.argv)
    try:
        assert_case(case, result)
        if case.check is not None:
            case.check(Ran(result, emu, cwd, before, arranged, run))
    finally:
        transcript.append(_files(cwd, case.files))
        if emu is not None:
            transcript.append(_written(emu))


def test_no_token_anywhere_in_what_the_corpus_printed_or_wrote(transcript: list[str]) -> None:
    """Runs last: every output of every case above (stdout, stderr, files, what okrflow
    wrote into GitLab) holds none of the tokens."""
    if not transcript:
        pytest.skip("no case ran")
    everything = "\n".join(transcript)
    found = [token for token in TOKENS if token in everything]
    assert not found
