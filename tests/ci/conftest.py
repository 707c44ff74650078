"""Fixtures of the pipeline tests: one loopback GitLab (emulator, package registry, Git) with the
okrflow project in it, the wheels its jobs install, and the public index they fall back to.

``wheelhouse`` (session)
    okrflow's wheel built from this checkout and the wheels of everything the jobs install
    (see :mod:`wheels`).
``public_index`` (session)
    The dependency wheels as a PEP 503 index on 127.0.0.1 (``.url + "/simple"``; ``.requested``
    logs what it served): what GitLab's package registry forwards a name it does not hold to
    (the public index, there).
``gitlab``
    A :class:`~loopback_gitlab.LoopbackGitLab` served on 127.0.0.1: the sandbox emulator
    (OKR project ``acme/okrs``, whose jobs hold ``SANDBOX_JOB_TOKEN``) and a PyPI registry
    with the private project ``okrflow/okrflow`` (ID 42, its jobs hold ``OKRFLOW_JOB_TOKEN``;
    ``acme/okrs`` on its job token allowlist). Its registry is empty and its Git has no
    repository until a test publishes one (:func:`pipeline.publish_okrflow_project`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback_gitlab import LoopbackGitLab, PypiRegistry, StaticSite, serve_directory
from pipeline import OKRFLOW_JOB_TOKEN, OKRFLOW_PROJECT, OKRFLOW_PROJECT_ID, REPO, missing
from wheels import Wheelhouse, build_wheelhouse, write_simple_index

from okrflow.sandbox import SANDBOX_JOB_TOKEN, SANDBOX_PROJECT, Emulator


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Wheelhouse:
    reason = missing()
    if reason:
        pytest.skip(reason)
    return build_wheelhouse(REPO, tmp_path_factory.mktemp("wheelhouse"))


@pytest.fixture(scope="session")
def public_index(
    wheelhouse: Wheelhouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StaticSite]:
    root = tmp_path_factory.mktemp("public-index")
    write_simple_index(wheelhouse.deps, root)
    with serve_directory(root) as site:
        yield site


@pytest.fixture
def gitlab(tmp_path: Path, public_index: StaticSite) -> Iterator[LoopbackGitLab]:
    registry = PypiRegistry(forward_to=f"{public_index.url}/simple")
    okrflow = registry.add_project(OKRFLOW_PROJECT_ID, OKRFLOW_PROJECT)
    okrflow.allowlist.add(SANDBOX_PROJECT)
    registry.add_job_token(OKRFLOW_JOB_TOKEN, OKRFLOW_PROJECT)
    registry.add_job_token(SANDBOX_JOB_TOKEN, SANDBOX_PROJECT)
    front = LoopbackGitLab(Emulator.sandbox(), registry, tmp_path / "git")
    with front.serve():
        yield front
