"""The seed of ``okrflow sandbox`` and of the test fixtures: users, group, project, tokens."""

from __future__ import annotations

import secrets

from okrflow.sandbox.seeding import SeedingMixin

SANDBOX_URL = "http://gitlab.example"
SANDBOX_USER = "okr-lead"
SANDBOX_GROUP = "acme"
SANDBOX_PROJECT = "acme/okrs"
SANDBOX_TOKEN = "glpat-okrflow-sandbox-lead01"  # api scope, okr-lead (group owner)
SANDBOX_READ_TOKEN = "glpat-okrflow-sandbox-read01"  # read_api scope, okr-lead
SANDBOX_ALICE_TOKEN = "glpat-okrflow-sandbox-alice1"  # api scope, alice (developer)
SANDBOX_OUTSIDER_TOKEN = "glpat-okrflow-sandbox-outsdr"  # api scope, not a member
SANDBOX_JOB_TOKEN = "glcbt-okrflow-sandbox-job001"  # CI job token of okr-lead


def seed_sandbox(emu: SeedingMixin) -> None:
    """Users ``okr-lead`` (owner of ``acme``), ``alice``, ``bob`` (developers) and
    ``outsider`` (no membership); private group ``acme`` with the empty private
    project ``acme/okrs`` (default branch ``main``); the tokens above."""
    emu.add_user(SANDBOX_USER, name="Olivia Lead")
    emu.add_user("alice", name="Alice Archer")
    emu.add_user("bob", name="Bob Baker")
    emu.add_user("outsider", name="Oscar Outsider")
    emu.add_group(
        SANDBOX_GROUP,
        name="Acme",
        members={SANDBOX_USER: "owner", "alice": "developer", "bob": "developer"},
    )
    emu.add_project(SANDBOX_PROJECT, name="OKRs", description="Objectives and key results")
    emu.add_token(SANDBOX_TOKEN, SANDBOX_USER, scopes=("api",))
    emu.add_token(SANDBOX_READ_TOKEN, SANDBOX_USER, scopes=("read_api",))
    emu.add_token(SANDBOX_ALICE_TOKEN, "alice", scopes=("api",))
    emu.add_token(SANDBOX_OUTSIDER_TOKEN, "outsider", scopes=("api",))
    emu.add_token(SANDBOX_JOB_TOKEN, SANDBOX_USER, scopes=("api",), kind="job")
    emu.default_token = SANDBOX_TOKEN
    emu.default_project = SANDBOX_PROJECT


#: the tokens above: published in okrflow's source, so only for a sandbox on loopback
PUBLISHED_TOKENS = frozenset(
    {
        SANDBOX_TOKEN,
        SANDBOX_READ_TOKEN,
        SANDBOX_ALICE_TOKEN,
        SANDBOX_OUTSIDER_TOKEN,
        SANDBOX_JOB_TOKEN,
    }
)


def replace_published_tokens(emu: SeedingMixin) -> None:
    """Give every token whose value is published a new random one (the default token
    too): for a sandbox that others can reach."""
    with emu._lock:
        for row in emu.state.tokens.values():
            if row.token in PUBLISHED_TOKENS:
                fresh = ("glcbt-" if row.kind == "job" else "glpat-") + secrets.token_hex(16)
                if row.token == emu.default_token:
                    emu.default_token = fresh
                row.token = fresh
