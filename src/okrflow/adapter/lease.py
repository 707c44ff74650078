"""The lease: one okrflow run at a time creates things in a project.

Commands that create (apply, new, schedule, report --post, carry, init, lint --comment)
hold a lease while they run, so that two runs started at once (two pipelines, a pipeline
and a terminal) never both decide that an issue is missing and both create it.

The lease is a project label named :data:`LEASE_LABEL`. GitLab keeps label names unique
in a project and answers a second create with ``409 Label already exists``, so creating
it is a test-and-set every run sees. Its description is a one-line record (JSON):
``holder`` (a random id of this run), ``command``, ``job`` (the CI job URL, when there is
one), ``host`` and ``pid`` (of the process), ``taken`` and ``expires``.

- :meth:`LeaseApi.take_lease` creates the label. A 409 means another run holds it: read
  it; while it has not expired, wait (polling, with one line to say so) at most ``wait``
  seconds, then give up (:class:`~okrflow.errors.GitLabError`, exit 1). An expired lease
  (a run that was killed), or one whose holder ran on this machine (same host name) as a
  process that is gone, is taken over: it is read again and deleted *by its id*, then
  created anew. If the run that held it finished and another took it meanwhile, the new
  label has another id, the delete answers 404 and nothing of the new run's is touched;
  two runs taking over the same expired lease race on the create, and one waits.
- While it writes, the holder renews the lease (every half of ``ttl``, on its next write):
  a run lasts as long as it needs to, and a killed one holds the project for at most
  ``ttl``. A renewal that finds the label gone (the run was stuck longer than ``ttl`` and
  another took over) stops the run before its next write.
- :meth:`LeaseApi.release_lease` deletes the label by its id, on success, error or
  Ctrl-C alike.

What remains: a run stuck for longer than ``ttl`` (not killed) and then woken may make one
write between the other run's take-over and its own next renewal check. A pipeline's
``resource_group`` serialises okrflow's own jobs in one project before any of this; it
does nothing for a run from a terminal or for a person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from okrflow.adapter.http import as_dict, enc
from okrflow.adapter.session import Session
from okrflow.errors import GitLabError

__all__ = ["LEASE_LABEL", "LEASE_QUERY", "Lease", "LeaseApi"]

LEASE_LABEL = "okrflow::lease"
# in the query of every request about the lease (GitLab ignores an unknown parameter):
# a request log, GitLab's or the emulator's, tells them from okrflow's writes to OKRs
LEASE_QUERY = "okrflow=lease"
_COLOUR = "#737278"
_FIRST_POLL = 0.5  # seconds; doubling up to _LAST_POLL
_LAST_POLL = 5.0


def _now() -> dt.datetime:
    """The real time (not the workspace's pretend clock): leases are about this machine."""
    return dt.datetime.now(dt.timezone.utc)


@dataclasses.dataclass
class Lease:
    """A lease this run holds."""

    label_id: int
    holder: str
    command: str
    ttl: float
    renewed: float = dataclasses.field(default_factory=time.monotonic)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock, repr=False)


def _record(holder: str, command: str, ttl: float) -> str:
    now = _now()
    data = {
        "holder": holder,
        "command": command,
        "job": os.environ.get("CI_JOB_URL") or "",
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "taken": now.isoformat(timespec="seconds"),
        "expires": (now + dt.timedelta(seconds=ttl)).isoformat(timespec="seconds"),
    }
    return (
        "okrflow holds this label while a run creates things; it deletes it when done. "
        + json.dumps(data, sort_keys=True)
    )


def _read_record(description: str) -> dict[str, Any]:
    start = description.find("{")
    try:
        data = json.loads(description[start:]) if start >= 0 else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _expiry(data: dict[str, Any]) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(data.get("expires")))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _gone(data: dict[str, Any]) -> bool:
    """Whether the lease's holder was a process of this machine that no longer runs (a
    killed run here: its lease need not wait for its expiry)."""
    pid = data.get("pid")
    if data.get("host") != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it runs, as another user
        return False
    return False


def _who(data: dict[str, Any]) -> str:
    command = str(data.get("command") or "?")[:40]
    job = str(data.get("job") or "")[:200]
    taken = str(data.get("taken") or "?")[:40]
    return f"okrflow {command}" + (f" in {job}" if job else "") + f", since {taken}"


class LeaseApi(Session):
    """Taking, renewing and releasing the lease (see the module's docstring)."""

    lease: Lease | None = None

    def _label(self) -> dict[str, Any] | None:
        """The lease label as GitLab has it now; None when there is none."""
        found = self.http.call_or_none(
            lambda: self.http.gl.http_get(self.api("labels", enc(LEASE_LABEL)) + "?" + LEASE_QUERY),
            "read the okrflow lease",
            (404,),
        )
        return as_dict(found) if found is not None else None

    def _create_label(self, holder: str, command: str, ttl: float) -> int | None:
        """The new label's id; None when another run holds it (409)."""
        data = {"name": LEASE_LABEL, "color": _COLOUR, "description": _record(holder, command, ttl)}

        def ours() -> dict[str, Any] | None:  # after a lost answer: did it take?
            label = self._label()
            if label and _read_record(label.get("description") or "").get("holder") == holder:
                return label
            return None

        try:
            created = self.http.create_once(
                self.api("labels") + "?" + LEASE_QUERY, data, ours, "take the okrflow lease"
            )
        except GitLabError as exc:
            if exc.status == 409 or (exc.status == 400 and "taken" in exc.message):
                return None
            raise
        return int(created["id"])

    def _delete_label(self, label_id: int, what: str) -> bool:
        """Delete the lease with this id; False when it was gone (another id now, or none)."""
        done = self.http.call_or_none(
            lambda: self.http.gl.http_delete(self.api("labels", label_id) + "?" + LEASE_QUERY),
            what,
            (404,),
        )
        return done is not None

    def take_lease(
        self, command: str, *, wait: float, ttl: float, notify: Callable[[str], None]
    ) -> Lease:
        """Hold the project's lease for ``command``, waiting at most ``wait`` seconds for
        another run's; raises :class:`GitLabError` when it is still held then."""
        holder = uuid.uuid4().hex
        deadline = time.monotonic() + wait
        pause, told = _FIRST_POLL, False
        while True:
            label_id = self._create_label(holder, command, ttl)
            if label_id is not None:
                self.lease = Lease(label_id, holder, command, ttl)
                return self.lease
            label = self._label()
            if label is None:
                continue  # released between our create and our read: try again
            data = _read_record(label.get("description") or "")
            expires = _expiry(data)
            if expires is None or expires <= _now() or _gone(data):
                again = self._label()  # read again: still the same, expired one?
                if again is not None and again.get("id") == label.get("id"):
                    self._delete_label(int(label["id"]), "take over an expired okrflow lease")
                    notify(f"took over an expired lease of the project ({_who(data)})")
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise GitLabError(
                    f"another okrflow run holds the lease of {self.project_path} ({_who(data)}, "
                    f"until {data.get('expires')}): not started; run again when it is done (a "
                    f"killed run's lease expires by itself; the label {LEASE_LABEL!r} holds it)"
                )
            if not told:
                notify(f"waiting up to {wait:g}s for another okrflow run to finish ({_who(data)})")
                told = True
            time.sleep(min(pause, left))
            pause = min(pause * 2, _LAST_POLL)

    def keep_lease(self) -> None:
        """Before a write: renew the lease when half its time has gone; stop the run when
        another has taken it over."""
        lease = self.lease
        if lease is None or self.dry_run:
            return
        with lease.lock:
            if time.monotonic() - lease.renewed < lease.ttl / 2:
                return
            data = {"description": _record(lease.holder, lease.command, lease.ttl)}
            renewed = self.http.call_or_none(
                lambda: self.http.gl.http_put(
                    self.api("labels", lease.label_id) + "?" + LEASE_QUERY, post_data=data
                ),
                "renew the okrflow lease",
                (404,),
            )
            if renewed is None:
                self.lease = None
                raise GitLabError(
                    f"the lease of {self.project_path} was taken over by another okrflow run "
                    f"while this one was stuck for more than {lease.ttl:g}s: stopped before "
                    "writing more; run again (it resumes safely)"
                )
            lease.renewed = time.monotonic()

    def release_lease(self, lease: Lease) -> None:
        """Let the lease go (deleting its label by id; one already gone is fine)."""
        if self.lease is lease:
            self.lease = None
        self._delete_label(lease.label_id, "release the okrflow lease")
