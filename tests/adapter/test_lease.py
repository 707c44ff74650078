"""okrflow.adapter.lease: the project label a run that creates holds, taken once, waited
for, taken over when expired, renewed while writing, let go by its id."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from okrflow.adapter import ConnectionSettings, OkrRepository
from okrflow.adapter.lease import LEASE_LABEL, Lease
from okrflow.errors import GitLabError
from okrflow.sandbox import SANDBOX_PROJECT, Emulator


def connect(emulator: Emulator) -> OkrRepository:
    settings = ConnectionSettings(
        url=emulator.base_url, token=emulator.default_token, project=SANDBOX_PROJECT
    )
    return OkrRepository(settings)


def held(emulator: Emulator) -> list[dict[str, str]]:
    """The lease labels in the project, their records."""
    labels = [label for label in emulator.labels(SANDBOX_PROJECT) if label.name == LEASE_LABEL]
    return [json.loads((label.description or "")[(label.description or "").index("{") :])
            for label in labels]  # fmt: skip


def take(repo: OkrRepository, command: str, wait: float = 0, ttl: float = 600) -> Lease:
    return repo.take_lease(command, wait=wait, ttl=ttl, notify=lambda line: None)


def test_a_lease_is_one_label_that_a_second_run_cannot_take(emulator: Emulator) -> None:
    first = take(connect(emulator), "apply")
    (record,) = held(emulator)
    assert (record["holder"], record["command"]) == (first.holder, "apply")
    said: list[str] = []
    with pytest.raises(GitLabError, match=r"^another okrflow run holds the lease of acme/okrs"):
        connect(emulator).take_lease("schedule", wait=0, ttl=600, notify=said.append)
    assert len(held(emulator)) == 1 and held(emulator)[0]["holder"] == first.holder


def test_a_waiting_run_says_so_once_and_gives_up_after_its_wait(emulator: Emulator) -> None:
    take(connect(emulator), "apply")
    said: list[str] = []
    with pytest.raises(GitLabError):
        connect(emulator).take_lease("apply", wait=0.6, ttl=600, notify=said.append)
    assert len(said) == 1 and said[0].startswith("waiting up to 0.6s for another okrflow run")


def test_an_expired_lease_is_taken_over_and_the_old_holder_stops_before_its_next_write(
    emulator: Emulator,
) -> None:
    stuck_repo = connect(emulator)
    stuck = take(stuck_repo, "apply", ttl=30)
    label = next(lab for lab in emulator.labels(SANDBOX_PROJECT) if lab.name == LEASE_LABEL)
    label.description = (label.description or "").replace(
        json.dumps(held(emulator)[0]["expires"]), json.dumps("2000-01-01T00:00:00+00:00")
    )
    said: list[str] = []
    second = connect(emulator).take_lease("apply", wait=0, ttl=600, notify=said.append)
    assert [r["holder"] for r in held(emulator)] == [second.holder]
    assert said and said[0].startswith("took over an expired lease of the project (okrflow apply")
    stuck.renewed -= 3600  # it was stuck for long: its next write renews, and finds it gone
    with pytest.raises(GitLabError, match="was taken over by another okrflow run"):
        stuck_repo.keep_lease()
    stuck_repo.release_lease(stuck)  # deletes by its own id: the new lease stays
    assert [r["holder"] for r in held(emulator)] == [second.holder]


def test_release_lets_the_next_run_take_it(emulator: Emulator) -> None:
    repo = connect(emulator)
    repo.release_lease(take(repo, "apply"))
    assert held(emulator) == []
    assert take(connect(emulator), "new").command == "new"


def test_every_lease_request_says_so_in_its_query(emulator: Emulator) -> None:
    repo = connect(emulator)
    emulator.reset_log()
    repo.release_lease(take(repo, "apply"))
    assert emulator.log and all("okrflow=lease" in r.query for r in emulator.log)
    assert emulator.counts(without="okrflow=lease") == {}


def test_the_lease_of_a_killed_run_on_this_machine_is_taken_over_at_once(
    emulator: Emulator,
) -> None:
    take(connect(emulator), "apply")
    label = next(lab for lab in emulator.labels(SANDBOX_PROJECT) if lab.name == LEASE_LABEL)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(ended.stdout)
    label.description = (label.description or "").replace(f'"pid": {os.getpid()}', f'"pid": {dead}')
    said: list[str] = []

    lease = connect(emulator).take_lease("apply", wait=0, ttl=600, notify=said.append)

    assert held(emulator)[0]["holder"] == lease.holder
    assert len(said) == 1 and said[0].startswith("took over")


def test_a_live_holder_on_another_host_is_waited_for(emulator: Emulator) -> None:
    take(connect(emulator), "apply")
    label = next(lab for lab in emulator.labels(SANDBOX_PROJECT) if lab.name == LEASE_LABEL)
    label.description = (
        (label.description or "")
        .replace(json.dumps(socket.gethostname()), json.dumps("another-runner"))
        .replace(f'"pid": {os.getpid()}', '"pid": 999999999')
    )

    with pytest.raises(GitLabError, match="another okrflow run holds the lease"):
        take(connect(emulator), "apply")
