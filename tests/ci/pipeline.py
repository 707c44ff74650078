"""Running pipelines with gitlab-ci-local (shell executor) against the loopback GitLab.

A job's environment is this machine's, so it is narrowed to what a runner gives a job:
no GitLab, okrflow, CI or pip setting of this process, a ``HOME`` of its own, pip's
configuration files ignored (``PIP_CONFIG_FILE`` is the null device), and a proxy that
refuses every connection for any host but 127.0.0.1: a job that tried to fetch anything
from anywhere but the loopback servers fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loopback_gitlab import normalized
from wheels import project_name

from e2e.conftest import clean_environ
from okrflow.sandbox import SANDBOX_PROJECT

if TYPE_CHECKING:
    from loopback_gitlab import LoopbackGitLab

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GITLAB_CI_LOCAL = HERE / "node_modules" / ".bin" / "gitlab-ci-local"
VENV_BIN = Path(sys.executable).parent
TIMEOUT = 240
NOW = dt.datetime(2024, 3, 26, 10, 0, tzinfo=dt.timezone.utc)  # FY24-Q1's closing week
NOWHERE = "http://127.0.0.1:9"  # nothing listens on the discard port: every proxied fetch fails
OKRFLOW_PROJECT = "okrflow/okrflow"  # where okrflow lives on the loopback GitLab
OKRFLOW_PROJECT_ID = 42
OKRFLOW_JOB_TOKEN = "glcbt-okrflow-release-job001"  # CI_JOB_TOKEN of okrflow's own pipelines
GIT = ["git", "-c", "user.name=okrflow", "-c", "user.email=okrflow@example.com"]


def missing() -> str | None:
    """Why the pipeline tests cannot run here, or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not installed"
    if shutil.which("rsync") is None:
        return "rsync is not installed (gitlab-ci-local needs it: apt-get install -y rsync)"
    if not GITLAB_CI_LOCAL.exists():
        return "gitlab-ci-local is not installed: run npm ci --prefix tests/ci"
    if not (VENV_BIN / "okrflow").exists():
        return f"the okrflow console script is not installed next to {sys.executable}"
    return None


def job_python(where: Path) -> Path:
    """A fresh virtual environment for a job's ``python`` and ``pip``; its bin directory."""
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    return where / "bin"


def job_env(home: Path, bin_dir: Path, **extra: str) -> dict[str, str]:
    """The environment gitlab-ci-local and its jobs run in (see the module doc)."""
    env = {
        k: v
        for k, v in clean_environ().items()
        if not k.startswith("PIP_")
        and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
        and k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "XDG_CACHE_HOME")
    }
    system_path = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p) != VENV_BIN]
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        PATH=os.pathsep.join([str(bin_dir), *system_path]),
        HOME=str(home),
        NO_COLOR="1",
        PIP_CONFIG_FILE=os.devnull,
        http_proxy=NOWHERE,
        https_proxy=NOWHERE,
        HTTP_PROXY=NOWHERE,
        HTTPS_PROXY=NOWHERE,
        no_proxy="127.0.0.1,localhost",
        NO_PROXY="127.0.0.1,localhost",
    )
    env.update(extra)
    return env


def git_repo(root: Path, origin: str) -> Path:
    """Commit everything under ``root`` on ``main``, with ``origin`` as its remote."""
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "okrflow"],
        ["config", "user.email", "okrflow@example.com"],
        ["remote", "add", "origin", origin],
        ["add", "-A"],
        ["commit", "-q", "-m", "okrflow pipeline test"],
        ["update-ref", "refs/remotes/origin/main", "HEAD"],  # as if pushed: the default branch
        ["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"],
    ):
        subprocess.run([*GIT, *args], cwd=root, check=True, timeout=60, capture_output=True)
    return root


def gitlab_ci_local(
    cwd: Path,
    env: dict[str, str],
    *args: str,
    source: str = "schedule",
    variables: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """gitlab-ci-local with the shell executor, as a pipeline of ``source`` (schedule, push ...).

    ``variables`` are CI/CD variables of the pipeline, such as the predefined ``CI_JOB_TOKEN``
    (a job's ``variables:`` can refer to them, unlike to the process environment).
    """
    command = [str(GITLAB_CI_LOCAL), "--force-shell-executor", "--no-color"]
    for key, value in {"CI_PIPELINE_SOURCE": source, **(variables or {})}.items():
        command += ["--variable", f"{key}={value}"]
    command += ["--ignore-predefined-vars", "CI_PIPELINE_SOURCE", *args]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def passed(output: str, job: str) -> bool:
    return any(line.split() == ["PASS", job] for line in output.splitlines())


def publish_okrflow_project(gitlab: LoopbackGitLab, work: Path, tags: list[str]) -> Path:
    """This checkout (its files as they are now) as the okrflow project on ``gitlab``.

    A working copy in ``work`` (origin: the project's URL on ``gitlab``) whose commit
    carries ``tags``, and its bare repository served over Git HTTP at
    ``<gitlab>/okrflow/okrflow.git``. Returns the working copy.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, work / name)
    git_repo(work, f"{gitlab.url}/{OKRFLOW_PROJECT}.git")
    for tag in tags:
        subprocess.run([*GIT, "tag", tag], cwd=work, check=True, timeout=30)
    bare = gitlab.git_root / f"{OKRFLOW_PROJECT}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True, timeout=60)
    subprocess.run(
        ["git", "config", "uploadpack.allowFilter", "true"], cwd=bare, check=True, timeout=30
    )
    return work


def okr_project(root: Path, gitlab: LoopbackGitLab, ref: str, inputs: dict[str, str]) -> Path:
    """The OKR project: a ``.gitlab-ci.yml`` including the component at ``ref``.

    ``inputs`` maps an input to its value as YAML text.
    """
    root.mkdir(parents=True)
    lines = ["include:", f"  - component: $CI_SERVER_FQDN/{OKRFLOW_PROJECT}/okrflow@{ref}"]
    if inputs:
        lines.append("    inputs:")
        lines += [f"      {key}: {value}" for key, value in inputs.items()]
    (root / ".gitlab-ci.yml").write_text("\n".join(lines) + "\n")
    return git_repo(root, f"{gitlab.url}/{SANDBOX_PROJECT}.git")


def next_minor(version: str) -> str:
    major, minor = version.split(".")[:2]
    return f"{major}.{int(minor) + 1}.0"


def installed(bin_dir: Path) -> set[tuple[str, str]]:
    """(normalized name, version) of every distribution in a job's environment but pip's."""
    listed = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"PIP_CONFIG_FILE": "/dev/null", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    return {
        (normalized(d["name"]), d["version"])
        for d in json.loads(listed.stdout)
        if d["name"] not in ("pip", "setuptools")
    }


def served(files: list[str]) -> set[tuple[str, str]]:
    """(normalized name, version) of the wheels in a list of served file names or paths."""
    names = [Path(f).name for f in files if f.endswith(".whl")]
    return {(normalized(project_name(n)), n.split("-")[1]) for n in names}
