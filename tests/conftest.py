"""Shared fixtures: the GitLab emulator (``okrflow.sandbox``) for every test that talks to GitLab.

Both fixtures give a fresh emulator per test, seeded like ``okrflow sandbox``
(:meth:`okrflow.sandbox.Emulator.sandbox`):

- users ``okr-lead`` (owner of group ``acme``), ``alice`` and ``bob`` (developers),
  ``outsider`` (no membership);
- private group ``acme`` with the empty private project ``acme/okrs`` (default
  branch ``main``);
- tokens (``okrflow.sandbox`` constants): ``SANDBOX_TOKEN`` (okr-lead, ``api``),
  ``SANDBOX_READ_TOKEN`` (okr-lead, ``read_api``), ``SANDBOX_ALICE_TOKEN``,
  ``SANDBOX_OUTSIDER_TOKEN`` and the CI job token ``SANDBOX_JOB_TOKEN``.

``emulator``
    An :class:`~okrflow.sandbox.Emulator` answering every ``requests`` call to
    ``emulator.base_url`` (``http://gitlab.example``) through ``responses``: no
    sockets, nothing passed through. ``emulator.default_token`` and
    ``emulator.default_project`` name the token and project to use::

        gl = gitlab.Gitlab(emulator.base_url, private_token=emulator.default_token)

``served_emulator``
    The same, served over real HTTP on 127.0.0.1 (a free port) for code that opens
    sockets or runs subprocesses. Yields a :class:`~okrflow.sandbox.ServedEmulator`
    with ``.url``, ``.token``, ``.project`` and ``.emu``.

Inspect or arrange state through the emulator: ``emu.issues("acme/okrs")``,
``emu.issue_labels("acme/okrs", 1)``, ``emu.notes(...)``, ``emu.add_issue(...)``,
``emu.set_now(datetime)`` / ``emu.advance(timedelta)`` for time,
``emu.faults.rate_limit(...)`` / ``.error(...)`` / ``.drop(...)`` / ``.latency(...)``
for faults, ``emu.counts()`` / ``emu.counts_by_route()`` / ``emu.reset_log()`` for
the request log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from okrflow.cli.main import main
from okrflow.sandbox import SANDBOX_URL, Emulator, ServedEmulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator.sandbox(base_url=SANDBOX_URL)
    with emu.mock(SANDBOX_URL):
        yield emu


@pytest.fixture
def served_emulator() -> Iterator[ServedEmulator]:
    emu = Emulator.sandbox()
    with emu.serve(host="127.0.0.1", port=0) as url:
        assert emu.default_token is not None and emu.default_project is not None
        yield ServedEmulator(url=url, token=emu.default_token, project=emu.default_project, emu=emu)


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """okrflow's ``main()`` in this process: ``invoke(*args)`` -> (exit code, stdout, stderr)."""

    def run_main(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run_main
