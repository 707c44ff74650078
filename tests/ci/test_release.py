"""okrflow's own pipeline on a release tag publishes what the CI/CD component then installs.

The okrflow project (this checkout, tagged with its version, its remote the loopback GitLab of
``conftest``) runs the tag pipeline's ``release-check``, ``build`` and ``publish-pypi`` jobs of
``.gitlab-ci.yml`` under gitlab-ci-local (shell executor): ``build`` makes the sdist and wheel
(``build`` and hatchling from the loopback public index, ``PIP_INDEX_URL``), ``publish-pypi``
uploads them with twine and the job token to the project's PyPI package registry as GitLab's
API takes them. An OKR project then includes the component at a partial version (``@0.1``,
which gitlab-ci-local resolves from the okrflow repository's tags into
``$[[ component.version ]]``, as GitLab does for catalog releases) with no inputs, and its job
installs exactly the uploaded wheel.

Not run here: ``publish-image`` (Buildah, a container runtime this machine lacks), ``release``
(GitLab's ``release`` keyword, which gitlab-ci-local does not carry out), and the
``ruff``/``mypy``/``pytest`` jobs (the suite itself is what they run).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from loopback_gitlab import LoopbackGitLab, StaticSite
from pipeline import (
    NOW,
    OKRFLOW_JOB_TOKEN,
    OKRFLOW_PROJECT,
    OKRFLOW_PROJECT_ID,
    VENV_BIN,
    gitlab_ci_local,
    installed,
    job_env,
    job_python,
    next_minor,
    okr_project,
    passed,
    publish_okrflow_project,
)
from wheels import Wheelhouse, package_file, stand_in_wheel

from okrflow.sandbox import SANDBOX_JOB_TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def tag_pipeline(
    work: Path, env: dict[str, str], tag: str, *jobs: str, project: str = OKRFLOW_PROJECT
) -> subprocess.CompletedProcess[str]:
    """The jobs of okrflow's pipeline for ``tag``, as the okrflow project's pipeline runs them."""
    variables = {
        "CI_COMMIT_TAG": tag,
        "CI_PROJECT_ID": str(OKRFLOW_PROJECT_ID),
        "CI_PROJECT_PATH": project,
        "CI_JOB_TOKEN": OKRFLOW_JOB_TOKEN,
    }
    return gitlab_ci_local(work, env, *jobs, source="push", variables=variables)


def uploads(gitlab: LoopbackGitLab) -> list[int]:
    return [status for method, _, status in gitlab.registry.log if method == "POST"]


def test_a_release_tag_publishes_the_package_the_component_then_installs(
    gitlab: LoopbackGitLab, wheelhouse: Wheelhouse, public_index: StaticSite, tmp_path: Path
) -> None:
    version = wheelhouse.version
    work = publish_okrflow_project(gitlab, tmp_path / "okrflow", [version])
    # one job Python for the release jobs and the OKR project's job (a fresh virtual
    # environment costs seconds; okrflow is never installed in it before the component does)
    bin_dir = job_python(tmp_path / "job-python")
    env = job_env(
        tmp_path / "home",
        bin_dir,
        PIP_INDEX_URL=f"{public_index.url}/simple",  # the public index, for build and twine
    )

    done = tag_pipeline(work, env, version, "release-check", "build", "publish-pypi")

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for job in ("release-check", "build", "publish-pypi"):
        assert passed(output, job), output
    assert f"okrflow {version}, installed by its component from {OKRFLOW_PROJECT}" in output
    files = gitlab.registry.projects[OKRFLOW_PROJECT_ID].files
    assert sorted(files) == [f"okrflow-{version}-py3-none-any.whl", f"okrflow-{version}.tar.gz"]
    assert {f.version for f in files.values()} == {version}
    assert files[f"okrflow-{version}.tar.gz"].requires_python == ">=3.10"
    assert uploads(gitlab) == [201, 201]
    assert OKRFLOW_JOB_TOKEN not in output

    # a retried publish job uploads nothing (GitLab would answer 400) and passes
    again = tag_pipeline(work, env, version, "publish-pypi")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (again.stdout + again.stderr).count("in the package registry already, unchanged") == 2
    assert uploads(gitlab) == [201, 201]

    # the component, included at 0.1 with no inputs, installs the uploaded wheel, not a newer one
    newer = stand_in_wheel(tmp_path / "newer", "okrflow", next_minor(version))
    gitlab.registry.publish(OKRFLOW_PROJECT_ID, package_file(newer))
    partial = version.rsplit(".", 1)[0]
    project = okr_project(tmp_path / "okrs", gitlab, partial, inputs={})
    assert "okrflow" not in {name for name, _ in installed(bin_dir)}
    job = job_env(
        tmp_path / "okrs-home",
        bin_dir,
        GITLAB_TOKEN=gitlab.emu.default_token or "",
        OKRFLOW_NOW=NOW.isoformat(),
    )
    ran = gitlab_ci_local(
        project, job, "okrflow-rollup", variables={"CI_JOB_TOKEN": SANDBOX_JOB_TOKEN}
    )
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output
    assert passed(output, "okrflow-rollup"), output
    assert f"okrflow, version {version}" in output
    assert [d.filename for d in gitlab.registry.downloads] == [
        f"okrflow-{version}-py3-none-any.whl"
    ]
    assert ("okrflow", version) in installed(bin_dir)


REFUSED = [  # (tag, the project's path, what release-check says)
    (
        "9.9.9",
        OKRFLOW_PROJECT,
        'tag 9.9.9 is not okrflow\'s version {v}: set __version__ = "9.9.9"',
    ),
    (
        "v{v}",
        OKRFLOW_PROJECT,
        "release tags are a version without a v, such as 1.2.0; v{v} is not one",
    ),
    (
        "{v}",
        "platform/okrflow",
        "installs okrflow from the package registry of okrflow/okrflow, but this project "
        "is platform/okrflow: set spec:inputs:registry_project:default to platform/okrflow",
    ),
]


def test_release_check_stops_a_tag_the_component_would_not_install(
    gitlab: LoopbackGitLab, wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    v = wheelhouse.version
    work = publish_okrflow_project(gitlab, tmp_path / "okrflow", [])  # one copy for every tag
    env = job_env(tmp_path / "home", VENV_BIN)
    for tag, project, says in REFUSED:
        done = tag_pipeline(work, env, tag.format(v=v), "release-check", project=project)
        output = done.stdout + done.stderr
        assert done.returncode != 0, (tag, output)
        assert says.format(v=v) in output, (tag, output)
        assert not passed(output, "release-check"), tag


RELEASE_JOBS = ["release-check", "publish-pypi", "publish-image", "release"]


def test_the_release_jobs_run_for_a_version_tag_only(
    gitlab: LoopbackGitLab, tmp_path: Path
) -> None:
    work = publish_okrflow_project(gitlab, tmp_path / "okrflow", [])
    env = job_env(tmp_path / "home", VENV_BIN)
    for tag, listed in [("0.1.0", RELEASE_JOBS), ("", [])]:
        variables = {"CI_COMMIT_TAG": tag} if tag else {}
        done = gitlab_ci_local(work, env, "--list", source="push", variables=variables)
        assert done.returncode == 0, done.stdout + done.stderr
        jobs = [line.split()[0] for line in done.stdout.splitlines()[1:] if line.strip()]
        assert [job for job in jobs if job in RELEASE_JOBS] == listed, tag
        assert {"ruff", "mypy", "pytest", "build"} <= set(jobs), tag
