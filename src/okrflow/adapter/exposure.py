"""Where a GitLab token is visible to this process: what ``okrflow measure`` refuses to run beside.

A program okrflow starts can read whatever okrflow's process can: the environment it
inherits; the environment every ancestor process was started with (Linux shows it in
``/proc/<pid>/environ`` to processes of the same user, and root can even ``ptrace`` a
parent), so removing a variable from a child's environment protects nothing while a
parent holds it; open file descriptors; and files such as python-gitlab's config.
:func:`token_exposures` lists each place a token is found, so a run can refuse to start
a command there instead of trying to hide the token from it.

Looked at, in order: the variables named by ``gitlab.token_env`` (default
``GITLAB_TOKEN``), ``GITLAB_TOKEN``, ``GITLAB_PRIVATE_TOKEN``, ``CI_JOB_TOKEN`` and the
predefined variables that carry the job token (:data:`JOB_TOKEN_CARRIERS`, and any URL
with ``gitlab-ci-token:<token>@`` in it) in this process's environment; the first three
in the environment of every ancestor
(a GitLab job's own ``CI_JOB_TOKEN`` may be in the job's shell, which a job cannot
avoid: see the README's Security model); python-gitlab config files holding a token
(the config's ``gitlab.python_gitlab_config_file``, ``PYTHON_GITLAB_CFG``,
``/etc/python-gitlab.cfg``, ``~/.python-gitlab.cfg``). Standard library only.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = ["JOB_TOKEN_CARRIERS", "PYTHON_GITLAB_FILES", "TOKEN_VARIABLES", "token_exposures"]

#: environment variables that hold a GitLab token (besides the config's ``token_env``)
TOKEN_VARIABLES = ("GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_JOB_TOKEN")
#: GitLab's predefined CI/CD variables that hold the job's token too
JOB_TOKEN_CARRIERS = ("CI_REGISTRY_PASSWORD", "CI_DEPENDENCY_PROXY_PASSWORD", "CI_REPOSITORY_URL")
#: a URL with a job token in it (``https://gitlab-ci-token:<token>@gitlab.example.com/...``)
_JOB_TOKEN_URL = re.compile(r"gitlab-ci-token:[^@\s/]+@")
#: python-gitlab's own config files, read when no file is named
PYTHON_GITLAB_FILES = ("/etc/python-gitlab.cfg", "~/.python-gitlab.cfg")
_TOKEN_OPTIONS = ("private_token", "oauth_token", "job_token", "http_password")
_MAX_ANCESTORS = 64


def _ancestors(proc: Path) -> Iterator[int]:
    """This process's parent, its parent's parent ... up to the first process."""
    pid = os.getppid()
    for _ in range(_MAX_ANCESTORS):
        if pid <= 0:
            return
        yield pid
        try:
            stat = (proc / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
            pid = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold ") "
        except (OSError, ValueError, IndexError):
            return


def _environ_of(proc: Path, pid: int) -> dict[str, str]:
    """The environment process ``pid`` started with; empty when it cannot be read."""
    try:
        raw = (proc / str(pid) / "environ").read_bytes()
    except OSError:
        return {}
    found: dict[str, str] = {}
    for entry in raw.split(b"\0"):
        name, sep, value = entry.partition(b"=")
        if sep:
            found[name.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
    return found


def _config_files(named: str | None, environ: Mapping[str, str]) -> list[Path]:
    home = environ.get("HOME")
    files = [named, environ.get("PYTHON_GITLAB_CFG"), *PYTHON_GITLAB_FILES]
    out: list[Path] = []
    for name in files:
        if not name:
            continue
        if name.startswith("~"):
            if not home:
                continue
            name = home + name[1:]
        path = Path(name)
        if path not in out:
            out.append(path)
    return out


def _config_token(path: Path) -> str | None:
    """The section of a readable python-gitlab config file that holds a token, or None."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not there, or not readable (then not by a command either)
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error:
        return "a section it cannot parse" if "token" in text.lower() else None
    for section in parser.sections():
        if any(parser.get(section, option, fallback="").strip() for option in _TOKEN_OPTIONS):
            return f"section [{section}]"
    return None


def token_exposures(
    *,
    token_env: str = "GITLAB_TOKEN",
    python_gitlab_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    proc: Path = Path("/proc"),
) -> list[str]:
    """Each place a GitLab token is visible to this process, said in a few words
    (``GITLAB_TOKEN is set``); empty when there is none."""
    env = os.environ if environ is None else environ
    names = list(dict.fromkeys([token_env, *TOKEN_VARIABLES]))
    found = [f"{name} is set" for name in [*names, *JOB_TOKEN_CARRIERS] if env.get(name)]
    found += [
        f"{name} holds a job token"
        for name, value in sorted(env.items())
        if name not in JOB_TOKEN_CARRIERS and _JOB_TOKEN_URL.search(value)
    ]
    inherited = [name for name in names if name != "CI_JOB_TOKEN"]
    if proc.is_dir():
        for pid in _ancestors(proc):
            held = [name for name, value in _environ_of(proc, pid).items() if value]
            for name in inherited:
                if name in held:
                    found.append(f"{name} is in the environment of its ancestor process {pid}")
    for path in _config_files(python_gitlab_file, env):
        section = _config_token(path)
        if section is not None:
            found.append(f"the python-gitlab config {path} holds a token ({section})")
    return found
