"""``okrflow demo``: the whole OKR cycle on the built-in GitLab emulator."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from types import FrameType

import click

from okrflow.cli.options import refuse_unused, shared, shared_options
from okrflow.cli.output import Terminal
from okrflow.commands.demo import run_demo
from okrflow.sandbox import Emulator, EmulatorServer


@click.command("demo")
@click.option(
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("okrflow-demo"),
    show_default=True,
    help="Directory for the report (Markdown, HTML, JSON) and the demo's config: made if "
    "missing; one that holds other files is refused (a rerun replaces only the demo's own).",
)
@click.option(
    "--serve",
    is_flag=True,
    default=False,
    help="Keep the emulator running with the demo data afterwards, until Ctrl-C.",
)
@shared_options("verbosity")
def demo_command(output: Path, serve: bool) -> None:
    """Play a whole OKR quarter on a built-in GitLab emulator: no GitLab, no token.

    Sets up the project, applies a realistic quarter, simulates weekly check-ins
    (some typed as comments) and rollups, closes the quarter and writes the
    closing-ceremony report to --output.
    """
    refuse_unused(["verbosity"], "demo")
    out = Terminal(verbosity=shared().verbosity)
    started = time.monotonic()
    result = run_demo(output, out=out, on_ready=_serve if serve else None)
    out.show(result)
    out.step(f"done in {time.monotonic() - started:.1f}s; open {result.files['html']}")


def _serve(emu: Emulator, server: EmulatorServer, config_path: Path) -> None:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    emu.set_now(None)
    click.echo(f"okrflow demo: the GitLab emulator keeps serving the demo data on {server.url}")
    click.echo("Point the other commands at it (Ctrl-C here to stop):")
    click.echo(f"  export GITLAB_URL={server.url}")
    click.echo(f"  export GITLAB_TOKEN={emu.default_token}")
    click.echo(f"  export OKRFLOW_PROJECT={emu.default_project}")
    click.echo(f"  export OKRFLOW_CONFIG={config_path}")
    click.echo("  okrflow status --quarter FY22-Q2")
    try:
        while not stop.wait(0.2):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
