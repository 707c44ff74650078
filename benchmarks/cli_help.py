"""How fast `okrflow --help` answers, against the floor of `python -c pass`.

    python benchmarks/cli_help.py [--runs 15]

Prints the median wall time of each and their ratio. The target: under 0.3 s,
which needs the command modules (and python-gitlab) to stay unimported until a
command runs.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, timeout=30)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    okrflow = shutil.which("okrflow") or str(Path(sys.executable).with_name("okrflow"))
    floor = median_seconds([sys.executable, "-c", "pass"], args.runs)
    helped = median_seconds([okrflow, "--help"], args.runs)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, runs {args.runs}")
    print("| command | median wall (s) |")
    print("| --- | --- |")
    print(f"| python -c pass | {floor:.3f} |")
    print(f"| okrflow --help | {helped:.3f} |")
    print(
        f"ratio: {helped / floor:.1f}x; target under 0.3 s: {'met' if helped < 0.3 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
