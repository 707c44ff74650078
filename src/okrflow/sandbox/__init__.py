"""A stateful GitLab REST API v4 emulator (Free tier) for tests, the demo and ``okrflow sandbox``.

One pure dispatch, :meth:`Emulator.handle`, over in-memory state, used three ways:

- ``with emu.mock("http://gitlab.example"):`` answers ``requests`` through ``responses``;
- ``with emu.serve(port=0) as url:`` serves HTTP/1.1 on 127.0.0.1;
- ``okrflow sandbox`` serves the :meth:`Emulator.sandbox` seed until interrupted.

Faults (:class:`Faults`), a request log (:class:`RequestRecord`), a settable clock and
JSON save/load come with it. Runtime needs only the standard library and requests
(``responses`` only for :meth:`Emulator.mock`).
"""

from okrflow.sandbox.clock import Clock
from okrflow.sandbox.emulator import ApiAnswer, Emulator, RequestRecord
from okrflow.sandbox.faults import ConnectionDropped, FaultRule, Faults
from okrflow.sandbox.seed import (
    SANDBOX_ALICE_TOKEN,
    SANDBOX_GROUP,
    SANDBOX_JOB_TOKEN,
    SANDBOX_OUTSIDER_TOKEN,
    SANDBOX_PROJECT,
    SANDBOX_READ_TOKEN,
    SANDBOX_TOKEN,
    SANDBOX_URL,
    SANDBOX_USER,
)
from okrflow.sandbox.server import EmulatorServer, ServedEmulator
from okrflow.sandbox.state import (
    DEVELOPER,
    GUEST,
    MAINTAINER,
    OWNER,
    PLANNER,
    REPORTER,
)

__all__ = [
    "DEVELOPER",
    "GUEST",
    "MAINTAINER",
    "OWNER",
    "PLANNER",
    "REPORTER",
    "SANDBOX_ALICE_TOKEN",
    "SANDBOX_GROUP",
    "SANDBOX_JOB_TOKEN",
    "SANDBOX_OUTSIDER_TOKEN",
    "SANDBOX_PROJECT",
    "SANDBOX_READ_TOKEN",
    "SANDBOX_TOKEN",
    "SANDBOX_URL",
    "SANDBOX_USER",
    "ApiAnswer",
    "Clock",
    "ConnectionDropped",
    "Emulator",
    "EmulatorServer",
    "FaultRule",
    "Faults",
    "RequestRecord",
    "ServedEmulator",
]
