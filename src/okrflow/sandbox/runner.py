"""What ``okrflow sandbox`` does, as one library call: serve until told to stop.

The state comes from ``state_path`` when that file exists, else from the sandbox
seed; it is written back to ``state_path`` when serving stops.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable
from pathlib import Path

from okrflow.errors import OkrflowError, UsageError
from okrflow.sandbox.emulator import Emulator
from okrflow.sandbox.seed import SANDBOX_PROJECT, SANDBOX_TOKEN


@dataclasses.dataclass(frozen=True)
class SandboxInfo:
    url: str
    token: str = dataclasses.field(repr=False)
    project: str


def open_sandbox(state_path: str | os.PathLike[str] | None) -> Emulator:
    """The emulator from ``state_path`` if it exists, else freshly seeded."""
    if state_path is not None and Path(state_path).exists():
        try:
            emu = Emulator.load(state_path)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise UsageError(
                f"{state_path}: not a readable sandbox state file ({type(exc).__name__}); "
                "move it away or pass another --state"
            ) from exc
        emu.default_token = emu.default_token or SANDBOX_TOKEN
        emu.default_project = emu.default_project or SANDBOX_PROJECT
        return emu
    return Emulator.sandbox()


def run_sandbox(
    *,
    host: str,
    port: int,
    state_path: str | os.PathLike[str] | None,
    ready: Callable[[SandboxInfo], None],
    stop: threading.Event,
) -> Emulator:
    """Serve the sandbox until ``stop`` is set; save the state if a path is given."""
    emu = open_sandbox(state_path)
    try:
        server = emu.server(host, port)
    except OSError as exc:
        raise OkrflowError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); try another --port"
        ) from exc
    server.start()
    try:
        ready(
            SandboxInfo(
                url=server.url,
                token=emu.default_token or SANDBOX_TOKEN,
                project=emu.default_project or SANDBOX_PROJECT,
            )
        )
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()
        if state_path is not None:
            try:
                emu.save(state_path)
            except (OSError, TypeError, ValueError) as exc:
                message = f"{state_path}: could not save the sandbox state ({exc})"
                raise OkrflowError(message) from exc
    return emu


__all__ = ["SandboxInfo", "open_sandbox", "run_sandbox"]
