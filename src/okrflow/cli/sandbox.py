"""``okrflow sandbox``: serve the GitLab emulator on loopback until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from okrflow.cli.options import refuse_unused
from okrflow.sandbox.runner import SandboxInfo, run_sandbox


@click.command("sandbox")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8929,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: a loopback address, or any other with --public.",
)
@click.option(
    "--public",
    is_flag=True,
    default=False,
    help="Allow a --host others can reach; the tokens are then random, not the published ones.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON file to load the state from (if it exists) and save it to on exit.",
)
def sandbox_command(port: int, host: str, public: bool, state_file: Path | None) -> None:
    """Serve a GitLab emulator (REST API v4, Free tier) to try every command against.

    Seeded with user okr-lead, group acme and the empty project acme/okrs. Prints
    the export lines for GITLAB_URL (the address it bound), GITLAB_TOKEN (a
    sandbox-only token) and OKRFLOW_PROJECT, then serves until Ctrl-C or SIGTERM.
    Loopback only, unless --public: then the tokens are random, printed here only.
    """
    refuse_unused((), "sandbox")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

    def ready(info: SandboxInfo) -> None:
        click.echo(f"okrflow sandbox: GitLab emulator on {info.url} (Ctrl-C to stop)")
        click.echo(f"export GITLAB_URL={info.url}")
        click.echo(f"export GITLAB_TOKEN={info.token}")
        click.echo(f"export OKRFLOW_PROJECT={info.project}")

    try:
        run_sandbox(
            host=host, port=port, state_path=state_file, ready=ready, stop=stop, public=public
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    suffix = f"; state saved to {state_file}" if state_file else ""
    click.echo(f"okrflow sandbox: stopped{suffix}")
