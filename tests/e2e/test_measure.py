"""``okrflow measure`` runs the config's commands where no token is, and ``rollup --values``
takes their values without ever starting a process (the installed okrflow, as a job runs it).

A command a key result names could be anyone's program: it must not be able to obtain the
token by any means a test can think of. The probe below looks everywhere a program can:
its environment, the environment and command line of every ancestor process
(``/proc/<pid>/environ``), every descriptor it inherited, python-gitlab's config files.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import OKRFLOW, clean_environ
from okrflow.adapter.exposure import token_exposures
from okrflow.core.description import with_meta
from okrflow.core.meta import Meta
from okrflow.core.model import MetricSource, SourceKind
from okrflow.core.statements import parse_statement
from okrflow.sandbox import (
    SANDBOX_ALICE_TOKEN,
    SANDBOX_JOB_TOKEN,
    SANDBOX_OUTSIDER_TOKEN,
    SANDBOX_READ_TOKEN,
    SANDBOX_TOKEN,
)

pytestmark = pytest.mark.e2e

TOKENS = (
    SANDBOX_TOKEN,
    SANDBOX_READ_TOKEN,
    SANDBOX_ALICE_TOKEN,
    SANDBOX_OUTSIDER_TOKEN,
    SANDBOX_JOB_TOKEN,
)
CANARY = "canary-in-the-job-shell-7f3a"  # set in the job's shell: the probe must see it

PROBE = textwrap.dedent(
    """\
    import json, os, pathlib, sys

    wanted = [line for line in pathlib.Path(sys.argv[1]).read_text().split()]
    names = ("GITLAB_TOKEN", "CI_JOB_TOKEN", "GITLAB_PRIVATE_TOKEN", "PRIVATE_TOKEN")
    found, looked = [], {"ancestors": 0, "descriptors": 0, "files": 0, "canary": False}

    def search(where, text):
        for token in wanted:
            if token in text:
                found.append(f"{where}: token")
        for name in names:
            if name + "=" in text:
                found.append(f"{where}: {name}")
        if "CANARY_VARIABLE=" + sys.argv[2] in text:
            looked["canary"] = True

    search("environment", "\\0".join(f"{k}={v}" for k, v in os.environ.items()))
    pid = os.getppid()
    while pid > 0:
        proc = pathlib.Path("/proc") / str(pid)
        for part in ("environ", "cmdline"):
            try:
                text = proc.joinpath(part).read_bytes().decode("utf-8", "replace")
                search(f"process {pid} {part}", text)
                looked["ancestors"] += part == "environ"
            except OSError:
                pass
        try:
            pid = int(proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    for fd in os.listdir("/proc/self/fd"):
        looked["descriptors"] += 1
        try:  # a file from its start; a pipe or socket without waiting
            target = os.readlink(f"/proc/self/fd/{fd}")
            try:
                os.lseek(int(fd), 0, os.SEEK_SET)
            except OSError:
                os.set_blocking(int(fd), False)
            text = os.read(int(fd), 1 << 20).decode("utf-8", "replace")
            search(f"descriptor {fd} ({target})", text)
        except OSError:
            pass
    home = pathlib.Path(os.environ.get("HOME", "/nonexistent"))
    for path in (home / ".python-gitlab.cfg", pathlib.Path("/etc/python-gitlab.cfg"),
                 pathlib.Path(os.environ.get("PYTHON_GITLAB_CFG", "/nonexistent"))):
        try:
            search(str(path), path.read_text())
            looked["files"] += 1
        except OSError:
            pass
    pathlib.Path(sys.argv[3]).write_text(json.dumps({"found": found, "looked": looked}))
    print(17)
    """
)


def job(
    tmp_path: Path, *, config: str, shell_env: dict[str, str], measure_env: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``okrflow measure`` as a CI job's script does: from a shell (which stays its
    parent) that has ``shell_env``; ``measure_env`` are ``env`` arguments in between."""
    (tmp_path / "okrflow.yml").write_text(config)
    script = (
        f"env {measure_env} {OKRFLOW} measure --config okrflow.yml --output values.json; exit $?"
    )
    return subprocess.run(
        ["sh", "-c", script],
        cwd=tmp_path,
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with a python-gitlab config that names a GitLab, and no token."""
    where = tmp_path / "home"
    where.mkdir()
    (where / ".python-gitlab.cfg").write_text(
        "[global]\ndefault = work\n\n[work]\nurl = http://127.0.0.1:9\n"
    )
    return where


def probe_config(tmp_path: Path) -> str:
    (tmp_path / "probe.py").write_text(PROBE)
    (tmp_path / "tokens.txt").write_text("\n".join(TOKENS))
    argv = [
        sys.executable,
        str(tmp_path / "probe.py"),
        str(tmp_path / "tokens.txt"),
        CANARY,
        str(tmp_path / "probe.json"),
    ]
    return "metrics:\n  commands:\n    probe: " + json.dumps(argv) + "\n"


def test_a_command_finds_no_token_in_any_place_it_looks(tmp_path: Path, home: Path) -> None:
    shell_env = {**clean_environ(), "HOME": str(home), "CANARY_VARIABLE": CANARY}
    exposed = token_exposures(environ=shell_env)
    if exposed:  # this test's own process tree holds a token: measure would rightly refuse
        pytest.skip(f"a GitLab token is visible to this test process: {exposed[0]}")

    done = job(tmp_path, config=probe_config(tmp_path), shell_env=shell_env)

    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "probe.json").read_text())
    assert report["found"] == []
    looked = report["looked"]
    assert looked["canary"] is True  # it did read its ancestors' environments
    assert looked["ancestors"] >= 2 and looked["descriptors"] >= 3 and looked["files"] >= 1
    values = json.loads((tmp_path / "values.json").read_text())["values"]
    assert [(v["name"], v["value"], v["problem"]) for v in values] == [("probe", 17.0, None)]


@pytest.mark.parametrize(
    ("shell", "between", "config", "said"),
    [
        ({"GITLAB_TOKEN": SANDBOX_TOKEN}, "", "", "GITLAB_TOKEN is set"),
        ({"CI_JOB_TOKEN": SANDBOX_JOB_TOKEN}, "", "", "CI_JOB_TOKEN is set"),
        ({"OKR_TOKEN": SANDBOX_TOKEN}, "", "gitlab:\n  token_env: OKR_TOKEN\n", "OKR_TOKEN is set"),
        (
            {"GITLAB_TOKEN": SANDBOX_TOKEN},
            "-u GITLAB_TOKEN",  # taken out of measure's environment, still in its parent's
            "",
            "GITLAB_TOKEN is in the environment of its ancestor process",
        ),
        (
            {"PYTHON_GITLAB_CFG": "{cfg}"},
            "",
            "",
            "the python-gitlab config {cfg} holds a token (section [work])",
        ),
    ],
    ids=["token-variable", "job-token", "token-env", "held-by-the-parent", "python-gitlab-config"],
)
def test_measure_refuses_to_run_a_command_where_a_token_is_visible(
    tmp_path: Path, home: Path, shell: dict[str, str], between: str, config: str, said: str
) -> None:
    cfg = tmp_path / "work.cfg"
    cfg.write_text(f"[work]\nurl = http://127.0.0.1:9\nprivate_token = {SANDBOX_TOKEN}\n")
    shell = {k: v.format(cfg=cfg) for k, v in shell.items()}
    shell_env = {**clean_environ(), "HOME": str(home), **shell}

    done = job(
        tmp_path, config=probe_config(tmp_path) + config, shell_env=shell_env, measure_env=between
    )

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        "okrflow: okrflow measure runs commands only where no GitLab token is visible, but "
    )
    assert said.format(cfg=cfg) in done.stderr
    assert "run it in a job without the token" in done.stderr
    assert not (tmp_path / "probe.json").exists()  # nothing ran
    assert not (tmp_path / "values.json").exists()
    assert all(token not in done.stderr for token in TOKENS)


# -- rollup --values starts no process -----------------------------------------------------------

QUARTER = "FY24-Q1"
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)

NO_PROCESS = textwrap.dedent(
    """\
    import json, sys
    started = []
    EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
              "os.fork", "os.forkpty", "os.startfile", "pty.spawn")

    def hook(event, args):
        if event in EVENTS:
            started.append(event)

    sys.addaudithook(hook)  # cannot be removed: every process start in this run is seen
    from okrflow.cli.main import main
    try:
        main(sys.argv[2:])
        code = 0
    except SystemExit as exc:
        code = exc.code
    with open(sys.argv[1], "w") as out:
        json.dump({"started": started, "exit": code}, out)
    """
)


def seed_commands(emu: Any) -> None:
    """An objective with a key result measured by the command ``nps`` and one by a query."""
    emu.set_now(NOW - dt.timedelta(days=7))
    emu.add_issue(
        "acme/okrs",
        "Delight developers",
        description=with_meta(
            "## Purpose\n\nHappy.\n", Meta(type="objective", key="dx", iid=1).to_dict()
        ),
        labels=["okr::objective", "okr-status::active", QUARTER],
    )
    sources = [
        (
            "Improve developer NPS from 25 to 35",
            MetricSource(SourceKind.COMMAND, {"command": "nps"}),
        ),
        ("Close 10 support tickets", MetricSource(SourceKind.QUERY, {"labels": ["support"]})),
    ]
    for iid, (title, source) in enumerate(sources, start=2):
        meta = Meta(type="kr", key=f"kr{iid}", iid=iid, objective="dx", objective_iid=1,
                    metric=parse_statement(title), source=source)  # fmt: skip
        emu.add_issue(
            "acme/okrs",
            title,
            description=with_meta("## Objective\n\n#1\n", meta.to_dict()),
            labels=["okr::key result", "okr-status::active", QUARTER],
        )
    emu.set_now(NOW)


def test_rollup_with_values_takes_the_commands_value_and_starts_no_process(
    okrflow_cli: Any, tmp_path: Path
) -> None:
    seed_commands(okrflow_cli.emu)
    config = tmp_path / "okrflow.yml"
    config.write_text("metrics:\n  commands:\n    nps: [python3, -c, 'print(31)']\n")
    values = tmp_path / "values.json"
    at = (NOW - dt.timedelta(hours=1)).isoformat()
    entry = {"name": "nps", "value": 31.0, "printed": "31", "measured_at": at, "problem": None}
    values.write_text(json.dumps({"schema": 1, "measured_at": at, "values": [entry]}))
    (tmp_path / "run.py").write_text(NO_PROCESS)
    out = tmp_path / "run.json"
    env = {**okrflow_cli.env, "OKRFLOW_NOW": NOW.isoformat()}

    subprocess.run(
        [sys.executable, str(tmp_path / "run.py"), str(out), "rollup", "--config", str(config),
         "--quarter", QUARTER, "--values", str(values), "--json"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip

    ran = json.loads(out.read_text())
    assert ran == {"started": [], "exit": 0}
    status = okrflow_cli("status", "--config", str(config), "--quarter", QUARTER, "--json",
                         extra_env={"OKRFLOW_NOW": NOW.isoformat()})  # fmt: skip
    krs = json.loads(status.stdout)["objectives"][0]["key_results"]
    assert [kr["current"] for kr in krs] == [31.0, 0.0]
