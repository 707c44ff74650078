"""What the fault and kill-and-rerun tests share: an OKR file of any size, the installed
``okrflow`` run as a subprocess against a served emulator, check-ins typed by alice, an
emulator that SIGKILLs its client at the Nth write, and a normalised snapshot of the
whole OKR project to compare two runs with.

Also used by ``benchmarks/faults.py`` (which puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from okrflow.core import description as desc
from okrflow.core.okr_diff import TEXT_KEY, fingerprint
from okrflow.sandbox import SANDBOX_ALICE_TOKEN, ConnectionDropped, Emulator, FaultRule

OKRFLOW = Path(sys.executable).with_name("okrflow")
PROJECT = "acme/okrs"
QUARTER = "FY24-Q1"
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)
WRITES = ("POST", "PUT", "PATCH", "DELETE")
TEAMS = ("Company", "Sales", "Marketing", "Platform", "Support")
OWNERS = ("okr-lead", "alice", "bob")
RUN_TIMEOUT = 150.0


# -- the OKR file -----------------------------------------------------------------------------


def okr_file(objectives: int) -> str:
    """A YAML OKR file of ``objectives`` objectives with 4 key results each.

    The first four are company objectives; the next eight align under one of them, the
    rest under one of those eight, and every seventh serves a second parent too. The
    key results use the four statement forms: from/to, a count, a threshold, a milestone.
    """
    lines = [f"quarter: {QUARTER}", "objectives:"]
    for i in range(objectives):
        team = TEAMS[i % len(TEAMS)]
        lines += [
            f"  - key: obj-{i:03d}",
            f"    title: Make area {i} of the product a delight for {team}",
            f"    team: {team}",
            f"    owner: {OWNERS[i % 3]}",
            f"    purpose: Area {i} matters because customers of {team} use it every day.",
        ]
        if i % 5 == 4:
            lines.append("    kind: aspirational")
        parents = []
        if 4 <= i < 12:
            parents.append(f"obj-{i % 4:03d}")
        elif i >= 12:
            parents.append(f"obj-{4 + i % 8:03d}")
        if parents and i % 7 == 0:
            parents.append(f"obj-{(i + 1) % 4:03d}")
        if parents:
            lines.append(f"    parent: [{', '.join(parents)}]")
        lines += [
            "    key_results:",
            f"      - key: users-{i}",
            f"        title: Grow weekly active users of area {i} from {1000 + i} to {2000 + i}",
            f"        owner: {OWNERS[(i + 1) % 3]}",
            f"        weight: {1 + i % 2}",
            f"      - key: stories-{i}",
            f"        title: Ship {3 + i % 5} customer stories about area {i}",
            f"        owner: {OWNERS[(i + 2) % 3]}",
            f"      - key: incidents-{i}",
            f"        title: Keep P1 incidents in area {i} from exceeding 3",
            f"      - key: launch-{i}",
            "        title: Launch the public learning platform MVP",
            f"        owner: {OWNERS[i % 3]}",
        ]
    return "\n".join(lines) + "\n"


def okr_count(objectives: int) -> int:
    return objectives * 5


# -- running the installed okrflow ----------------------------------------------------------


def env_for(url: str, token: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITLAB_", "OKRFLOW_", "CI_"))}
    env.update(
        GITLAB_URL=url,
        GITLAB_TOKEN=token,
        OKRFLOW_PROJECT=PROJECT,
        OKRFLOW_NOW=NOW.isoformat(),
        NO_COLOR="1",
        **extra,
    )
    return env


@dataclasses.dataclass
class Site:
    """A served emulator and a working directory to run okrflow in."""

    emu: Emulator
    url: str
    cwd: Path
    runs: list[tuple[tuple[str, ...], int, float]] = dataclasses.field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        assert self.emu.default_token is not None
        return env_for(self.url, self.emu.default_token)

    def argv(self, *args: str) -> list[str]:
        return [str(OKRFLOW), *args]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        start = time.perf_counter()
        done = subprocess.run(
            self.argv(*args),
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        self.runs.append((args, done.returncode, time.perf_counter() - start))
        return done

    def until_done(self, *args: str, limit: int = 3) -> list[subprocess.CompletedProcess[str]]:
        """Run until exit 0, at most ``limit`` times; every run's result."""
        results = []
        for _ in range(limit):
            results.append(self.run(*args))
            if results[-1].returncode == 0:
                break
        return results


@contextlib.contextmanager
def site(cwd: Path, emu: Emulator | None = None) -> Iterator[Site]:
    emu = emu or new_emulator()
    with emu.serve("127.0.0.1", 0) as url:
        yield Site(emu, url, cwd)


def new_emulator(cls: type[Emulator] = Emulator) -> Emulator:
    emu = cls.sandbox()
    emu.set_now(NOW)
    return emu


# -- faults ----------------------------------------------------------------------------------------


def inject_faults(emu: Emulator, seed: int) -> dict[str, FaultRule]:
    """The fault mix of the fault test, seeded; the rules by a readable name.

    About 10% of requests answered 500/502/503, 5% answered 429 (Retry-After 0, one in
    ten of them Retry-After 1), 1% of connections dropped: half before GitLab processed
    the request, half after (the answer is lost). On top of the random ones, so that
    every kind happens whatever the seed: three answers lost where a blind retry would
    make a duplicate (the 5th and the 60th issue create, the 10th link), one update lost
    before GitLab saw it, and one 429 with Retry-After 1 on the third issue listing.
    """
    faults = emu.faults
    faults.seed(seed)
    rules = {
        "lost answer, issue create #5": faults.drop(
            method="POST", path=r"/issues$", nth=5, after=True
        ),
        "lost answer, issue create #60": faults.drop(
            method="POST", path=r"/issues$", nth=60, after=True
        ),
        "lost answer, link #10": faults.drop(method="POST", path=r"/links$", nth=10, after=True),
        "lost request, update #7": faults.drop(method="PUT", nth=7),
        "429 Retry-After 1, issue listing #3": faults.rate_limit(
            1, method="GET", path=r"/issues$", nth=3
        ),
    }
    for status in (500, 502, 503):
        rules[f"{status}"] = faults.error(status, probability=0.10 / 3)
    rules["429 Retry-After 0"] = faults.rate_limit(0, probability=0.045)
    rules["429 Retry-After 1"] = faults.rate_limit(1, probability=0.005)
    rules["drop before processing"] = faults.drop(probability=0.005)
    rules["drop after processing"] = faults.drop(probability=0.005, after=True)
    return rules


def scenario(site: Site, objectives: int, *, limit: int = 3) -> dict[str, list[Any]]:
    """init, apply FILE, alice's check-ins, rollup: each run until it exits 0 (at most
    ``limit`` times); every run's CompletedProcess by command."""
    (site.cwd / "okrs.yml").write_text(okr_file(objectives), encoding="utf-8")
    runs = {
        "init": site.until_done("init", limit=limit),
        "apply": site.until_done("apply", "okrs.yml", limit=limit),
    }
    post_checkins(site.emu, objectives)
    runs["rollup"] = site.until_done("rollup", "--quarter", QUARTER, limit=limit)
    return runs


# -- check-ins typed by a person ----------------------------------------------------------------


def okr_keys(emu: Emulator) -> dict[str, int]:
    """okrflow key -> iid, from the metadata of the project's issues."""
    found = {}
    for issue in emu.issues(PROJECT):
        meta = desc.split(issue.description or "").meta or {}
        key = meta.get("key")
        if isinstance(key, str):
            found.setdefault(key, issue.iid)
    return found


def checkins(objectives: int) -> list[tuple[str, str]]:
    """(key result key, comment) alice types: a value on most users KRs, a count on
    every other stories KR, one that is not a check-in, one that cannot be read."""
    out: list[tuple[str, str]] = []
    for i in range(objectives):
        if i % 4 != 3:
            value = 1000 + i + (i * 37) % 1000
            out.append((f"users-{i}", f"Check-in: {value:,} confidence 70%\nOn track, area {i}."))
        if i % 2 == 0:
            out.append((f"stories-{i}", f"check-in: {i % 4}\n"))
    out.append(("incidents-0", "Nice work on the runbook!"))
    out.append(("incidents-1", "Check-in: soon"))
    return out


@contextlib.contextmanager
def faults_suspended(emu: Emulator) -> Iterator[None]:
    rules = emu.faults.rules
    emu.clear_faults()
    try:
        yield
    finally:
        for rule in rules:
            emu.add_fault(rule)


def post_checkins(emu: Emulator, objectives: int) -> int:
    """Post alice's comments through the API (faults suspended: she is not under test)."""
    keys = okr_keys(emu)
    posted = 0
    with faults_suspended(emu):
        for key, body in checkins(objectives):
            objective = key.rsplit("-", 1)[1]
            iid = keys[f"obj-{int(objective):03d}/{key}"]
            answer = emu.request(
                "POST",
                f"/projects/{quote(PROJECT, safe='')}/issues/{iid}/notes",
                token=SANDBOX_ALICE_TOKEN,
                json_body={"body": body},
            )
            assert answer.status == 201, answer.body
            posted += 1
    return posted


# -- the whole state, normalised -----------------------------------------------------------------


def _normalised(meta: Any, refs: Mapping[int, str], names: Mapping[int, Any], key: str = "") -> Any:
    """``meta`` with every comment id replaced by "<issue>.<n>" (its place on its issue):
    ids are global counters that system notes also advance, so they differ between runs
    that did the same thing in a different number of requests; and issue iids by
    ``names``."""
    if isinstance(meta, dict):
        return {k: _normalised(v, refs, names, k) for k, v in meta.items()}
    if isinstance(meta, list):
        return [_normalised(v, refs, names, key) for v in meta]
    if isinstance(meta, int) and key.endswith(("note_id", "comment_id")):
        return refs.get(meta, f"unknown note {meta}")
    if isinstance(meta, int) and (key == "iid" or key.endswith("_iid")):
        return names.get(meta, meta)
    return meta


def _rename_references(text: str, names: Mapping[int, Any]) -> str:
    """``#12`` -> ``#<key of 12>`` outside HTML comments (the templates' hints say "#12")."""
    parts = re.split(r"(<!--.*?-->)", text, flags=re.DOTALL)
    return "".join(
        part
        if part.startswith("<!--")
        else re.sub(r"#(\d+)\b", lambda m: f"#{names.get(int(m.group(1)), m.group(1))}", part)
        for part in parts
    )


def snapshot(emu: Emulator, *, by_key: bool = False) -> dict[str, Any]:
    """What a person sees of the OKR project, comparable between two emulators.

    Issues (title, description with comment ids normalised, sorted labels, state,
    assignees), links (a set of iid pairs), comments (bodies per issue, duplicates
    counted, system notes left out), labels (name, color), boards (name, list labels),
    files. Timestamps and database ids are left out. ``by_key`` names every issue by
    its okrflow key instead of its iid (in references too): for runs that created the
    same issues in another order.
    """
    names: dict[int, Any] = {}
    if by_key:
        names = {iid: key for key, iid in okr_keys(emu).items()}
    with emu._lock:
        state = emu.state
        project = emu.project(PROJECT)
        issues = emu.issues(PROJECT)
        iid_of = {i.id: names.get(i.iid, i.iid) for i in issues}
        users = {u.id: u.username for u in state.users.values()}
        refs: dict[int, str] = {}
        notes: dict[int, list[str]] = {}
        for issue in issues:
            mine = emu.notes(PROJECT, issue.iid)
            notes[iid_of[issue.id]] = sorted(n.body for n in mine)
            for n, note in enumerate(sorted(mine, key=lambda x: x.id)):
                refs[note.id] = f"{iid_of[issue.id]}.{n}"
        shown = {}
        for issue in issues:
            text = issue.description or ""
            parsed = desc.split(text)
            meta = parsed.meta
            if meta is not None:
                meta = _normalised(meta, refs, names)
                if names and TEXT_KEY in meta:  # a hash of text that names iids
                    same = meta[TEXT_KEY] == fingerprint(parsed.human)
                    meta[TEXT_KEY] = "okrflow's text" if same else "a person's text"
                text = desc.with_meta(text, meta)
            if names:
                text = _rename_references(text, names)
            shown[iid_of[issue.id]] = {
                "title": issue.title,
                "description": text,
                "labels": emu.issue_labels(PROJECT, issue.iid),
                "state": issue.state,
                "assignees": sorted(users[a] for a in issue.assignee_ids),
            }
        links = sorted(
            {
                tuple(sorted((iid_of[link.source_id], iid_of[link.target_id]), key=str))
                for link in state.links.values()
                if link.source_id in iid_of and link.target_id in iid_of
            },
            key=str,
        )
        link_rows = [
            (iid_of[link.source_id], iid_of[link.target_id])
            for link in state.links.values()
            if link.source_id in iid_of
        ]
        labels = sorted((lab.name, lab.color) for lab in emu.labels(PROJECT))
        boards = sorted(
            (
                board.name,
                tuple(
                    state.labels[lst.label_id].name
                    for lst in sorted(state.lists.values(), key=lambda x: x.position)
                    if lst.board_id == board.id
                ),
            )
            for board in state.boards.values()
            if board.project_id == project.id
        )
        files = sorted(
            (f.branch, f.path, f.content_b64)
            for f in state.files.values()
            if f.project_id == project.id
        )
    return {
        "issue_count": len(issues),  # an issue under a duplicate key counts here too
        "issues": shown,
        "links": links,
        "link_rows": len(link_rows),
        "notes": notes,
        "labels": labels,
        "boards": boards,
        "files": files,
    }


def differences(got: Mapping[str, Any], want: Mapping[str, Any]) -> list[str]:
    """Readable differences between two snapshots (empty when equal)."""
    out: list[str] = []
    for part in want:
        if got[part] == want[part]:
            continue
        if isinstance(want[part], dict):
            for k in sorted(set(got[part]) | set(want[part]), key=str):
                a, b = got[part].get(k), want[part].get(k)
                if a != b:
                    out.append(f"{part}[{k}]: got {json.dumps(a)[:400]} want {json.dumps(b)[:400]}")
        else:
            a_set, b_set = set(map(str, got[part])), set(map(str, want[part]))
            out.append(
                f"{part}: extra {sorted(a_set - b_set)[:10]} missing {sorted(b_set - a_set)[:10]}"
                f" ({len(got[part])} vs {len(want[part])})"
            )
    return out


def fault_counts(emu: Emulator) -> collections.Counter[str]:
    """Injected faults in the request log: 'status 500', 'rate_limit', 'drop before' ..."""
    counts: collections.Counter[str] = collections.Counter()
    for record in emu.log:
        if record.fault is None:
            continue
        if record.fault == "drop":
            counts["drop after" if record.status else "drop before"] += 1
        elif record.fault == "status":
            counts[f"status {record.status}"] += 1
        else:
            counts[record.fault] += 1
    return counts


def write_count(emu: Emulator) -> int:
    return sum(1 for r in emu.log if r.method in WRITES and r.fault is None)


# -- an emulator that kills its client ------------------------------------------------------------


class KillingEmulator(Emulator):
    """SIGKILLs the watched process at its Nth write request (counted from ``arm()``),
    before GitLab processes it (the request is lost) or after (the answer is lost)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kill_lock = threading.Lock()
        self._pid_known = threading.Event()
        self._pid: int | None = None
        self.kill_at: int | None = None
        self.kill_after = False
        self.writes_seen = 0
        self.killed = False

    def arm(self, nth: int, *, after: bool) -> None:
        self.kill_at, self.kill_after, self.writes_seen, self.killed = nth, after, 0, False
        self._pid, self._pid_known = None, threading.Event()

    def watch(self, pid: int) -> None:
        self._pid = pid
        self._pid_known.set()

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.kill_at is None or method.upper() not in WRITES:
            return super().handle(method, url, headers, body)
        with self._kill_lock:
            self.writes_seen += 1
            fire = self.writes_seen == self.kill_at
        if not fire:
            return super().handle(method, url, headers, body)
        if self.kill_after:
            with contextlib.suppress(ConnectionDropped):
                super().handle(method, url, headers, body)
        self._pid_known.wait(10)
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            self.killed = True
        self.kill_at = None
        raise ConnectionDropped(f"{method} {url} (client killed)")


def run_killed(site: Site, nth: int, *, after: bool, args: tuple[str, ...]) -> int:
    """Run okrflow with ``args``, killed at its ``nth`` write; its exit status."""
    emu = site.emu
    assert isinstance(emu, KillingEmulator)
    emu.arm(nth, after=after)
    proc = subprocess.Popen(
        site.argv(*args),
        cwd=site.cwd,
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    emu.watch(proc.pid)
    try:
        return proc.wait(timeout=RUN_TIMEOUT)
    finally:
        emu.kill_at = None
        if proc.poll() is None:
            proc.kill()
            proc.wait()
