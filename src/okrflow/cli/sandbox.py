"""``okrflow sandbox``: serve the GitLab emulator on loopback until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from okrflow.cli.options import refuse_unused, shared, shared_options
from okrflow.cli.output import Terminal
from okrflow.core.counts import count
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
@shared_options("verbosity")
def sandbox_command(port: int, host: str, public: bool, state_file: Path | None) -> None:
    """Serve a GitLab emulator (REST API v4, Free tier) to try every command against.

    Seeded with user okr-lead, group acme and the empty project acme/okrs. Prints
    the export lines for GITLAB_URL (the address it bound), GITLAB_TOKEN (a
    sandbox-only token) and OKRFLOW_PROJECT, then serves until Ctrl-C or SIGTERM.
    Loopback only, unless --public: then the tokens are random, printed here only.
    With --quiet only the export lines; with --verbose also the requests it answered.
    """
    refuse_unused(["verbosity"], "sandbox")
    out = Terminal(verbosity=shared().verbosity)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

    def ready(info: SandboxInfo) -> None:
        out.step(f"okrflow sandbox: GitLab emulator on {info.url} (Ctrl-C to stop)")
        # the exports are what the command is for: printed even with --quiet
        click.echo(f"export GITLAB_URL={info.url}")
        click.echo(f"export GITLAB_TOKEN={info.token}")
        click.echo(f"export OKRFLOW_PROJECT={info.project}")

    try:
        emu = run_sandbox(
            host=host, port=port, state_path=state_file, ready=ready, stop=stop, public=public
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    methods = emu.counts()
    by_method = ", ".join(f"{method} {n}" for method, n in sorted(methods.items()))
    out.detail(f"okrflow sandbox: answered {count(sum(methods.values()), 'request')} ({by_method})")
    suffix = f"; state saved to {state_file}" if state_file else ""
    out.step(f"okrflow sandbox: stopped{suffix}")
