"""A stateful GitLab REST API v4 emulator (Free tier) for tests, the demo and ``okrflow sandbox``.

One pure dispatch, :meth:`Emulator.handle`, over in-memory state, used three ways:

- ``with emu.mock("http://gitlab.example"):`` answers ``requests`` through ``responses``;
- ``with emu.serve(port=0) as url:`` serves HTTP/1.1 on 127.0.0.1;
- ``okrflow sandbox`` serves the :meth:`Emulator.sandbox` seed until interrupted.

Faults (:class:`Faults`, an outage window), rate limits (:class:`RateLimits`),
pauses that hold a request to force an interleaving (:meth:`Emulator.pause`), a
request log (:class:`RequestRecord`), a settable clock and JSON save/load come
with it. Runtime needs the standard library, requests and markdown-it-py
(``responses`` only for :meth:`Emulator.mock`).

What it models, as GitLab does (``FACTS.md``, GitLab's JSON schemas, GitLab's code)
------------------------------------------------------------------------------------

- **Who**: personal and CI job tokens, scopes, 401/403/404 (404 for what a user
  cannot see); users, groups and subgroups at any depth, projects, direct and
  inherited membership with roles (Guest < Planner < Reporter < Developer <
  Maintainer < Owner) and ``/members``, ``/members/all``; what each role may do
  to issues, notes, labels, links, boards and files (``IssuePolicy``: members
  set metadata on a new issue, Planner+ on an existing one; authors and
  assignees edit their own issue; metadata a caller may not set is dropped
  silently). ``emu.token_for(user)`` / ``emu.as_user(user)`` act as anyone.
- **Issues**: project, group (subgroups included) and global listings with
  GitLab's filters, ordering, offset and keyset pagination; create, update,
  delete; labels auto-created for those who may; system notes for title,
  description, assignee, due date, confidentiality and lock changes; label
  events (``resource_label_events``) for every label change, whoever or
  whatever made it (API, quick action, a card moved on a board).
- **Quick actions** in descriptions (create and update) and notes, only on lines
  that start a top-level paragraph, with the author's rights; commands-only notes
  answer 202 without an ``id``; ``emu.mentions`` records the ``@user``,
  ``@group`` and ``@all`` mentions GitLab turns into to-dos.
- **Notes**: list (``sort``, ``order_by``, ``activity_filter``), create, edit
  (``updated_at`` moves), delete, ``user_notes_count``, internal notes.
- **Events**: ``/projects/:id/events``, ``/events``, ``/users/:id/events`` with
  ``action``/``target_type`` filters, exclusive date-only ``after``/``before``,
  ``sort``, pagination, the note in a comment event, and a retention window.
- **Labels** (project and group, ancestors and descendants), **boards** (project
  boards; on Free a group's one board cannot be made or deleted through the API),
  **issue links** (``relates_to``, across projects), **repository files**
  (Developer+, lenient base64, commits with author and committer,
  ``/repository/commits?path=``), branches, issue templates.
- **Limits**: GitLab.com's request throttle with ``RateLimit-*`` headers on every
  answer and a plain-text 429, note and issue creation limits with GitLab's JSON
  429; windows follow the emulator clock.

What it knowingly does not model
--------------------------------

Merge requests, milestones, epics, iterations, weights, time tracking, award
emoji, to-dos and subscriptions (their quick actions are stripped and recorded
only), notifications and e-mail, cross-reference system notes ("mentioned in
#3"), project and group access tokens as bot users (bots may not use quick
actions on GitLab), multiple group boards and other paid features (refused or
ignored as on Free), GraphQL, webhooks, merge of branches, protected-branch
rules beyond Developer+, ``If-Unmodified-Since``, the spam check, and GitLab's
Markdown extensions beyond tables and front matter (Markdown structure comes
from a CommonMark parser, not GitLab's own). Seeding helpers (``add_issue``,
``add_note`` ...) write state directly: they leave label events and events but
run no quick actions and record no mentions. Every description and note written
through the API is stored as GitLab stores it, without ``\\r`` and without trailing
whitespace, whether or not it held a quick action (``emu.normalize_text = False``
keeps a text without commands as given).
"""

from okrflow.sandbox.clock import Clock
from okrflow.sandbox.emulator import ApiAnswer, Emulator, RequestRecord
from okrflow.sandbox.faults import ConnectionDropped, FaultRule, Faults
from okrflow.sandbox.limits import RateLimits
from okrflow.sandbox.pauses import Pause
from okrflow.sandbox.seed import (
    SANDBOX_ALICE_TOKEN,
    SANDBOX_GROUP,
    SANDBOX_JOB_TOKEN,
    SANDBOX_OUTSIDER_TOKEN,
    SANDBOX_PROJECT,
    SANDBOX_READ_TOKEN,
    SANDBOX_TOKEN,
    SANDBOX_URL,
    SANDBOX_USER,
)
from okrflow.sandbox.server import EmulatorServer, ServedEmulator
from okrflow.sandbox.state import (
    DEVELOPER,
    GUEST,
    MAINTAINER,
    OWNER,
    PLANNER,
    REPORTER,
)

__all__ = [
    "DEVELOPER",
    "GUEST",
    "MAINTAINER",
    "OWNER",
    "PLANNER",
    "REPORTER",
    "SANDBOX_ALICE_TOKEN",
    "SANDBOX_GROUP",
    "SANDBOX_JOB_TOKEN",
    "SANDBOX_OUTSIDER_TOKEN",
    "SANDBOX_PROJECT",
    "SANDBOX_READ_TOKEN",
    "SANDBOX_TOKEN",
    "SANDBOX_URL",
    "SANDBOX_USER",
    "ApiAnswer",
    "Clock",
    "ConnectionDropped",
    "Emulator",
    "EmulatorServer",
    "FaultRule",
    "Faults",
    "Pause",
    "RateLimits",
    "RequestRecord",
    "ServedEmulator",
]
