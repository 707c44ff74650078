"""Benchmark: okrflow through a GitLab that fails, and what it costs.

Usage::

    .venv/bin/python benchmarks/faults.py --objectives 40 --seeds 1,2,3

For each seed, the scenario of ``tests/faults/test_faults.py`` (``okrflow init``,
``apply FILE`` of 5 OKRs per objective, alice's check-ins, ``rollup``; the installed
command as a subprocess against the emulator on 127.0.0.1) runs once on a GitLab
without faults and once with the fault mix (about 10% 5xx, 5% 429 with Retry-After 0
or 1, 1% dropped connections, half of them after GitLab did the work, and lost answers
to creates). Printed as a Markdown table per seed: faults injected by kind (from the
emulator's request log), runs each command needed (at most 3), wall seconds with and
without faults, and whether the final states are equal (they must be).
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HARNESS = Path(__file__).resolve().parents[1] / "tests" / "faults" / "harness.py"


def _harness() -> Any:
    spec = importlib.util.spec_from_file_location("okrflow_fault_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objectives", type=int, default=40)
    parser.add_argument("--seeds", default="20240215")
    args = parser.parse_args()
    h = _harness()
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{args.objectives * 5} OKRs"
    )
    print("| seed | requests | faults injected | by kind | runs | s clean | s faults | equal |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for seed in (int(s) for s in args.seeds.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            (base / "clean").mkdir()
            (base / "faulty").mkdir()
            start = time.perf_counter()
            with h.site(base / "clean") as clean:
                h.scenario(clean, args.objectives, limit=1)
                want = h.snapshot(clean.emu)
            clean_s = time.perf_counter() - start
            emu = h.new_emulator()
            h.inject_faults(emu, seed)
            start = time.perf_counter()
            with h.site(base / "faulty", emu) as faulty:
                runs = h.scenario(faulty, args.objectives)
                got = h.snapshot(emu)
            faulty_s = time.perf_counter() - start
            kinds = h.fault_counts(emu)
            by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
            needed = ", ".join(f"{cmd} {len(results)}" for cmd, results in runs.items())
            print(
                f"| {seed} | {len(emu.log)} | {sum(kinds.values())} | {by_kind} | {needed} "
                f"| {clean_s:.1f} | {faulty_s:.1f} | {'yes' if got == want else 'NO'} |"
            )


if __name__ == "__main__":
    main()
