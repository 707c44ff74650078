"""Calling the emulator in the sandbox tests: one request, its status checked, its JSON."""

from __future__ import annotations

from typing import Any

from okrflow.sandbox import SANDBOX_TOKEN, Emulator


def call(
    emu: Emulator,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str = SANDBOX_TOKEN,
    **params: Any,
) -> Any:
    """The JSON answer of a request that must succeed (status below 300)."""
    answer = emu.request(method, path, token=token, json_body=body, params=params)
    assert answer.status < 300, answer.body
    return answer.json()


def get(emu: Emulator, path: str, token: str = SANDBOX_TOKEN, **params: Any) -> Any:
    return call(emu, "GET", path, token=token, **params)
