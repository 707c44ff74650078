"""Benchmark: what ``okrflow rollup`` costs against a GitLab with N OKR issues.

Usage::

    .venv/bin/python benchmarks/rollup.py --sizes 1250,10000 --latency-ms 20
    .venv/bin/python benchmarks/rollup.py --sizes 10000 --projects 20  # a group scope

For each size N the GitLab emulator is seeded through its Python API (no HTTP) with
N/5 objectives of 4 key results each, written as okrflow writes them (template
sections plus okrflow's metadata block), then served on 127.0.0.1 with N ms of added
latency on every request. Two rollups are measured, each as a SUBPROCESS running the
installed ``okrflow rollup`` console script exactly as a scheduled pipeline would
(Python start-up and imports included):

- COLD: every key result has a new check-in comment (typed by alice) and no issue
  has a progress section yet: every comment is read (in batches of comment events)
  and every objective written (its table shows its key results);
- WARM: right after, nothing changed: the rollup should read one listing page per
  100 issues and write nothing.

Reported per run: GET / POST / PUT counts from the emulator's request log, all
requests, wall seconds of the subprocess, the minutes the same requests would take
under a limit of 2,000 and of 100 requests a minute (GitLab.com's authenticated API
today, and the burst its proposed Free limit allows), and the subprocess's peak
memory (``ru_maxrss`` of that child, from ``os.wait4``), as a Markdown table with the
machine (CPU count, Python version).

With ``--projects P`` (P > 1) the OKRs are spread over P projects of group ``acme``
and three levels of subgroups under it (``acme/l1``, ``acme/l1/l2``, ``acme/l1/l2/l3``),
each objective with its key results in one project, okrflow's labels as group labels,
and the rollup runs over the group (``OKRFLOW_GROUP=acme``).
Loopback only; each rollup is killed after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from okrflow.core.description import with_meta
from okrflow.core.meta import Meta
from okrflow.core.model import Metric, MetricKind
from okrflow.sandbox import Emulator

PROJECT = "acme/okrs"
QUARTER = "FY24-Q1"
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)
LABELS_OBJECTIVE = ["okr::objective", "okr-status::active", QUARTER, "CSM"]
LABELS_KR = ["okr::key result", "okr-status::active", QUARTER]


def okrflow_script() -> str:
    here = Path(sys.executable).with_name("okrflow")
    found = str(here) if here.exists() else shutil.which("okrflow")
    if not found:
        raise SystemExit("benchmark: the okrflow console script is not installed")
    return found


def objective_text(n: int, iid: int) -> str:
    body = (
        f"## Objective\n\nObjective number {n}\n\n"
        "## Purpose / why it matters\n\nCustomers who succeed stay and grow with us.\n\n"
        "## Owner\n\n@alice\n\n## Team\n\nCSM\n\n## Quarter\n\nFY24-Q1\n\n"
        "## Committed or aspirational\n\ncommitted\n"
    )
    meta = Meta(type="objective", key=f"obj-{n}", iid=iid, owner="alice")
    return with_meta(body, meta.to_dict())


def kr_text(n: int, k: int, iid: int, objective_iid: int) -> str:
    body = (
        f"## Key result\n\nGrow weekly active users of area {n}.{k} from 10,000 to 15,000\n\n"
        f"## Objective\n\n#{objective_iid}\n\n## Owner\n\n@bob\n\n## Weight\n\n\n\n"
        "## How it is measured\n\nCheck-ins: a comment whose first line is "
        '"Check-in: 30", once a week.\n'
    )
    meta = Meta(
        type="kr",
        key=f"kr-{n}-{k}",
        iid=iid,
        objective=f"obj-{n}",
        objective_iid=objective_iid,
        owner="bob",
        metric=Metric(MetricKind.LINEAR, 10_000, 15_000),
    )
    return with_meta(body, meta.to_dict())


SUBGROUPS = ("acme/l1", "acme/l1/l2", "acme/l1/l2/l3")


def projects(count: int) -> list[str]:
    """``acme/okrs`` and ``count - 1`` more, spread over the group and its subgroups."""
    where = ("acme", *SUBGROUPS)
    return [PROJECT, *(f"{where[i % len(where)]}/team-{i}" for i in range(1, count))]


def group_world(emu: Emulator, paths: Sequence[str]) -> None:
    for group in SUBGROUPS:
        emu.add_group(group)
    for path in paths[1:]:
        emu.add_project(path)
    for name in {*LABELS_OBJECTIVE, *LABELS_KR, "okr::kpi"}:
        emu.add_label("acme", name)
    emu.add_member("acme", "alice", "developer")  # her check-ins count in every project


def seed(emu: Emulator, size: int, paths: Sequence[str] = (PROJECT,)) -> list[tuple[str, int]]:
    """size/5 objectives with 4 key results each, the objectives spread over ``paths``
    in turn; returns the key results' (project, iid)."""
    emu.set_now(NOW - dt.timedelta(days=20))
    if len(paths) > 1:
        group_world(emu, paths)
    krs: list[tuple[str, int]] = []
    for n in range(size // 5):
        path = paths[n % len(paths)]
        iid = emu.project(path).next_iid
        emu.add_issue(
            path,
            f"Objective number {n}",
            description=objective_text(n, iid),
            labels=LABELS_OBJECTIVE,
            assignee="alice",
        )
        for k in range(4):
            kr_iid = iid + 1 + k
            emu.add_issue(
                path,
                f"Grow weekly active users of area {n}.{k} from 10,000 to 15,000",
                description=kr_text(n, k, kr_iid, iid),
                labels=LABELS_KR,
                assignee="bob",
            )
            krs.append((path, kr_iid))
    return krs


def run_rollup(
    url: str, token: str, timeout: float, group: bool = False
) -> tuple[int, float, int, str]:
    """(exit code, wall seconds, peak RSS in bytes, stderr tail) of one ``okrflow rollup``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITLAB_", "OKRFLOW_", "CI_"))}
    env.update(
        GITLAB_URL=url,
        GITLAB_TOKEN=token,
        OKRFLOW_NOW=NOW.isoformat(),
        NO_COLOR="1",
        **({"OKRFLOW_GROUP": "acme"} if group else {"OKRFLOW_PROJECT": PROJECT}),
    )
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [okrflow_script(), "rollup", "--quarter", QUARTER],
            stdout=out,
            stderr=err,
            env=env,
            cwd=tempfile.gettempdir(),
        )
        timer = threading.Timer(timeout, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-400:]
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return child.returncode, wall, usage.ru_maxrss * scale, tail


def measure(
    size: int, latency_ms: float, timeout: float, warm_runs: int = 1, project_count: int = 1
) -> list[dict[str, object]]:
    emu = Emulator.sandbox()
    started = time.perf_counter()
    paths = projects(project_count)
    krs = seed(emu, size, paths)
    # typed over the day before, a second apart (people do not all comment at once)
    typed = NOW - dt.timedelta(days=1)
    for number, (path, iid) in enumerate(krs):
        at = typed + dt.timedelta(seconds=number)
        body = f"Check-in: {10_000 + number % 5_000:,}"
        emu.add_note(path, iid, body, author="alice", created_at=at)
    emu.set_now(NOW)
    seeded = time.perf_counter() - started
    print(f"seeded {size} issues and {len(krs)} comments in {seeded:.1f}s", file=sys.stderr)
    if latency_ms > 0:
        emu.faults.latency(latency_ms / 1000)
    rows: list[dict[str, object]] = []
    with emu.serve(host="127.0.0.1", port=0) as url:
        assert emu.default_token is not None
        for run in ("cold", *["warm"] * warm_runs):
            emu.reset_log()
            # The emulator shares this process: keep its collector from rescanning the
            # whole seeded state during a measured run (a pause GitLab would not have).
            gc.collect()
            gc.freeze()
            code, wall, peak, tail = run_rollup(
                url, emu.default_token, timeout, group=project_count > 1
            )
            counts = emu.counts()
            # the re-check before writing: the issues changed since the read, renewed
            # every 10 s (okrflow's own writes meanwhile among them)
            recheck = sum(1 for r in emu.log if r.method == "GET" and "updated_after" in r.query)
            rows.append(
                {
                    "size": size,
                    "run": run,
                    "exit": code,
                    "GET": counts["GET"],
                    "POST": counts["POST"],
                    "PUT": counts["PUT"],
                    "wall": wall,
                    "peak": peak,
                    "pages": math.ceil(size / 100),
                    "krs": len(krs),
                    "projects": project_count,
                    "recheck": recheck,
                }
            )
            print(f"N={size} {run}: exit {code}, {wall:.1f}s", file=sys.stderr)
            by_route = sorted(emu.counts_by_route().items(), key=lambda kv: (-kv[1], kv[0]))
            print("  " + ", ".join(f"{route} {n}" for route, n in by_route), file=sys.stderr)
            if code != 0:
                print(tail, file=sys.stderr)
    return rows


def table(rows: Sequence[dict[str, object]], latency_ms: float) -> str:
    lines = [
        f"rollup benchmark: `okrflow rollup` as a subprocess against the emulator on 127.0.0.1, "
        f"+{latency_ms:g} ms per request",
        "",
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}",
        "",
        "| issues | projects | run | exit | GET | POST | PUT | requests | re-check | budget "
        "| wall s "
        "| min at 2,000/min | min at 100/min | peak MB |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: "
        "| ---: | ---: | ---: |",
    ]
    for row in rows:
        pages, krs, size = int(str(row["pages"])), int(str(row["krs"])), int(str(row["size"]))
        spread = int(str(row["projects"]))
        # listing pages, the KPIs' page and one page of the issues with no quarter label
        # (adoption); in a group scope also the group's projects
        listings = pages + (3 if spread > 1 else 2)
        if row["run"] == "warm":
            budget = f"GET ≤ {listings}, writes 0"
        else:
            # the listings, the comment events (100 a page, from each project), okrflow's
            # user, the members (of each project whose check-ins are read), one PUT per
            # objective; and the re-check pages, counted apart (they grow with the run's
            # length)
            events = spread * math.ceil(krs / spread / 100)
            budget = f"all ≤ {listings + events + 1 + spread + (size - krs)} + re-check"
        total = sum(int(str(row[verb])) for verb in ("GET", "POST", "PUT"))
        lines.append(
            f"| {size:,} | {spread} | {row['run']} | {row['exit']} | {row['GET']} | {row['POST']} "
            f"| {row['PUT']} | {total:,} | {row['recheck']} | {budget} "
            f"| {float(str(row['wall'])):.2f} "
            f"| {total / 2000:.1f} | {total / 100:.1f} "
            f"| {int(str(row['peak'])) / 2**20:.0f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1250,10000", help="issue counts, comma-separated")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="added per request")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per rollup")
    parser.add_argument("--warm-runs", type=int, default=1, help="warm rollups after the cold one")
    parser.add_argument(
        "--projects", type=int, default=1, help="projects of a group scope (1: one project)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if any(size < 5 or size % 5 for size in sizes):
        parser.error("sizes must be multiples of 5 (objectives with 4 key results each)")
    rows: list[dict[str, object]] = []
    for size in sizes:
        rows.extend(measure(size, args.latency_ms, args.timeout, args.warm_runs, args.projects))
    print(table(rows, args.latency_ms))
    print(
        f"\nbenchmark process peak: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (emulator included)"
    )
    return 0 if all(row["exit"] == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
