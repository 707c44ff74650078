"""okrflow's CI/CD component (templates/okrflow.yml) runs green under gitlab-ci-local, as shipped.

An OKR project (``acme/okrs``, a git repository whose remote is the loopback GitLab) includes
the component as a platform engineer would: ``include: component:
$CI_SERVER_FQDN/okrflow/okrflow/okrflow@<version>``. gitlab-ci-local clones the component from
the okrflow project (this checkout, tagged with its version, served over Git HTTP on loopback)
and runs its jobs with the shell executor as a scheduled pipeline, against the GitLab emulator
behind the same loopback URL, seeded with a quarter of OKRs.

With no inputs the jobs install okrflow from the okrflow project's PyPI package registry on
that GitLab (the wheel built from this checkout, next to a newer release they must not take),
with their job token, and its dependencies from where the registry forwards them (a loopback
index of wheels; see ``conftest``). The other tests pass ``install: "true"`` and run this
environment's okrflow: they are about which jobs run and what they do with a job token only.

The component's version reaches the jobs through ``$[[ component.version ]]`` and
``$[[ component.reference ]]`` (GitLab 18.6+). gitlab-ci-local (4.73.0, pinned in
``tests/ci/package.json``) fills ``reference`` as GitLab does but leaves ``version`` unset for a
full version such as ``@0.1.0`` (GitLab sets it for a CI/CD catalog release); the component
takes ``reference`` when ``version`` is empty, so both give ``okrflow==0.1.0``. A partial
version (``@0.1``), which gitlab-ci-local resolves from the repository's tags, is in
``test_release``.

Needs Node, ``npm ci --prefix tests/ci``, Debian's ``rsync`` and git; skipped with the reason
when any is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from loopback_gitlab import LoopbackGitLab, StaticSite, normalized
from pipeline import (
    NOW,
    OKRFLOW_PROJECT,
    OKRFLOW_PROJECT_ID,
    VENV_BIN,
    gitlab_ci_local,
    installed,
    job_env,
    job_python,
    missing,
    next_minor,
    okr_project,
    passed,
    publish_okrflow_project,
    served,
)
from wheels import Wheelhouse, package_file, stand_in_wheel

from okrflow.sandbox import SANDBOX_JOB_TOKEN

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "commands"))
from okr_seed import PROJECT, sample_objectives, seed

JOBS = ("okrflow-rollup", "okrflow-lint", "okrflow-report", "okrflow-schedule")

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def okrflow_release(gitlab: LoopbackGitLab, wheelhouse: Wheelhouse, tmp_path: Path) -> str:
    """The okrflow project tagged with this checkout's version; returns the version."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    publish_okrflow_project(gitlab, tmp_path / "okrflow", [wheelhouse.version])
    return wheelhouse.version


def okr_issues(gitlab: LoopbackGitLab, label: str) -> list[Any]:
    emu = gitlab.emu
    return [i for i in emu.issues(PROJECT) if label in emu.issue_labels(PROJECT, i.iid)]


def test_with_no_inputs_every_job_installs_the_components_own_version_from_the_registry(
    okrflow_release: str,
    gitlab: LoopbackGitLab,
    wheelhouse: Wheelhouse,
    public_index: StaticSite,
    tmp_path: Path,
) -> None:
    version = okrflow_release
    newer = stand_in_wheel(tmp_path / "newer", "okrflow", next_minor(version))
    for wheel in (wheelhouse.okrflow, newer):
        gitlab.registry.publish(OKRFLOW_PROJECT_ID, package_file(wheel))
    gitlab.emu.set_now(NOW)
    seed(gitlab.emu, sample_objectives())
    project = okr_project(tmp_path / "okrs", gitlab, version, inputs={})
    bin_dir = job_python(tmp_path / "job-python")
    env = job_env(
        tmp_path / "home",
        bin_dir,
        GITLAB_TOKEN=gitlab.emu.default_token or "",
        OKRFLOW_NOW=NOW.isoformat(),
    )
    already_served = len(public_index.requested)

    done = gitlab_ci_local(project, env, variables={"CI_JOB_TOKEN": SANDBOX_JOB_TOKEN})

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for job in JOBS:
        assert passed(output, job), output
    assert f"okrflow, version {version}" in output
    # okrflow came from the okrflow project's registry, pinned: not the newer release there
    assert [d.filename for d in gitlab.registry.downloads] == [wheelhouse.okrflow.name]
    # every distribution the jobs installed was served on loopback, by the registry or the
    # index it forwards to: pip reached no other index (and could not: see pipeline.job_env)
    fetched = served([d.filename for d in gitlab.registry.downloads])
    fetched |= served(public_index.requested[already_served:])
    assert installed(bin_dir) == fetched
    assert normalized("python-gitlab") in {name for name, _ in fetched}  # forwarded
    assert SANDBOX_JOB_TOKEN not in output
    assert gitlab.emu.default_token not in output
    artifacts = project / ".gitlab-ci-local" / "artifacts" / "okrflow-report" / "okrflow-report"
    for fmt in ("md", "html", "json"):
        assert (artifacts / f"okrflow-report-FY24-Q1.{fmt}").stat().st_size > 0
    titles = sorted(i.title for i in okr_issues(gitlab, "okr::report"))
    assert titles.count("OKR closing ceremony: FY24-Q1") == 1
    assert "OKR planning: FY24-Q2" in titles


def test_without_access_to_the_okrflow_registry_the_install_fails_and_says_nothing_secret(
    okrflow_release: str, gitlab: LoopbackGitLab, wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    gitlab.registry.publish(OKRFLOW_PROJECT_ID, package_file(wheelhouse.okrflow))
    gitlab.registry.projects[OKRFLOW_PROJECT_ID].allowlist.clear()  # acme/okrs not allowed
    project = okr_project(tmp_path / "okrs", gitlab, okrflow_release, inputs={})
    env = job_env(
        tmp_path / "home",
        job_python(tmp_path / "job-python"),
        GITLAB_TOKEN=gitlab.emu.default_token or "",
    )

    done = gitlab_ci_local(
        project, env, "okrflow-rollup", variables={"CI_JOB_TOKEN": SANDBOX_JOB_TOKEN}
    )

    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"okrflow=={okrflow_release}" in output  # pip names what it could not install
    assert (
        "GET",
        f"/projects/{OKRFLOW_PROJECT.replace('/', '%2F')}/packages/pypi/simple/okrflow/",
        404,
    ) in (gitlab.registry.log)
    assert gitlab.registry.downloads == []
    assert SANDBOX_JOB_TOKEN not in output


@pytest.fixture
def installed_okrflow_project(
    okrflow_release: str, gitlab: LoopbackGitLab, tmp_path: Path
) -> tuple[Path, dict[str, str]]:
    """The OKR project with ``install: "true"`` (this environment's okrflow) and its env."""
    project = okr_project(
        tmp_path / "okrs",
        gitlab,
        okrflow_release,
        inputs={"install": '"true"', "quarter": "FY24-Q1", "post_report": "true"},
    )
    return project, job_env(tmp_path / "home", VENV_BIN, OKRFLOW_NOW=NOW.isoformat())


@pytest.mark.parametrize(
    ("source", "runs"),
    [("schedule", True), ("web", True), ("api", True), ("push", False), ("trigger", False)],
)
def test_the_jobs_run_for_schedules_and_on_demand_only(
    installed_okrflow_project: tuple[Path, dict[str, str]], source: str, runs: bool
) -> None:
    project, env = installed_okrflow_project
    listed = gitlab_ci_local(project, env, "--list", source=source)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    jobs = [line.split()[0] for line in listed.stdout.splitlines() if line.startswith("okrflow-")]
    assert jobs == (list(JOBS) if runs else [])


def test_a_job_token_alone_fails_the_schedule_job_with_a_clear_message(
    installed_okrflow_project: tuple[Path, dict[str, str]], gitlab: LoopbackGitLab
) -> None:
    project, env = installed_okrflow_project
    seed(gitlab.emu, sample_objectives())
    done = gitlab_ci_local(
        project, env, "okrflow-schedule", variables={"CI_JOB_TOKEN": SANDBOX_JOB_TOKEN}
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "only CI_JOB_TOKEN is available" in output
    assert "masked CI/CD variable named GITLAB_TOKEN" in output
    assert SANDBOX_JOB_TOKEN not in output
    assert okr_issues(gitlab, "okr::report") == []


def test_the_pages_job_publishes_the_dashboard_listing_every_quarter(
    okrflow_release: str, gitlab: LoopbackGitLab, tmp_path: Path
) -> None:
    from okrflow.core.archive import document_block

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
    from report_samples import story_doc

    gitlab.emu.set_now(NOW)
    seed(gitlab.emu, sample_objectives())  # FY24-Q1, in its closing week
    closed = story_doc(quarter="FY23-Q4")  # the quarter before, as its closing kept it
    gitlab.emu.add_issue(
        PROJECT,
        "OKR closing ceremony: FY23-Q4",
        description=f"# OKR closing ceremony: FY23-Q4\n\n{document_block(closed)}\n",
        labels=["okr::report", "FY23-Q4"],
        state="closed",
    )
    project = okr_project(
        tmp_path / "okrs", gitlab, okrflow_release, inputs={"install": '"true"', "pages": "true"}
    )
    env = job_env(
        tmp_path / "home", VENV_BIN, GITLAB_TOKEN=gitlab.emu.default_token or "",
        OKRFLOW_NOW=NOW.isoformat(),
    )  # fmt: skip
    listed = gitlab_ci_local(project, env, "--list")
    assert "pages" in [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]

    done = gitlab_ci_local(project, env, "pages")

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert passed(output, "pages"), output
    public = project / ".gitlab-ci-local" / "artifacts" / "pages" / "public"
    index = (public / "index.html").read_text()
    assert index.index('href="FY24-Q1/"') < index.index('href="FY23-Q4/"')  # newest first
    for quarter in ("FY24-Q1", "FY23-Q4"):
        assert (public / quarter / "index.html").stat().st_size > 0
        assert (public / quarter / "report.json").stat().st_size > 0
    assert "<script" not in index.lower()
    assert gitlab.emu.default_token not in output
