"""What ``okrflow sandbox`` does, as one library call: serve until told to stop.

The state comes from ``state_path`` when that file exists, else from the sandbox
seed; it is written back to ``state_path`` when serving stops.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from okrflow.errors import OkrflowError, UsageError
from okrflow.sandbox.emulator import Emulator
from okrflow.sandbox.seed import SANDBOX_PROJECT, SANDBOX_TOKEN, replace_published_tokens


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


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(f[4][0]).is_loopback for f in found)


def run_sandbox(
    *,
    host: str,
    port: int,
    state_path: str | os.PathLike[str] | None,
    ready: Callable[[SandboxInfo], None],
    stop: threading.Event,
    public: bool = False,
) -> Emulator:
    """Serve the sandbox until ``stop`` is set; save the state if a path is given.

    Only on loopback unless ``public``: then on ``host`` too, with random tokens in
    place of the published ones (:data:`~okrflow.sandbox.seed.PUBLISHED_TOKENS`)."""
    if not public and not is_loopback(host):
        raise UsageError(
            f"--host {host!r} is not a loopback address, and the sandbox's tokens are "
            "published: add --public to serve there with a random token"
        )
    emu = open_sandbox(state_path)
    if public:
        replace_published_tokens(emu)
    try:
        server = emu.server(host, port)
    except (OSError, OverflowError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise OkrflowError(f"cannot listen on {host}:{port} ({why}); try another --port") from exc
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


__all__ = ["SandboxInfo", "is_loopback", "open_sandbox", "run_sandbox"]
