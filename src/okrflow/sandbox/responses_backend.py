"""The emulator behind ``responses``: every ``requests`` call to the base URL, no sockets.

Requests to any other URL are not passed through (``responses`` refuses them with a
ConnectionError). A dropped-connection fault raises ``requests.ConnectionError``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import requests

from okrflow.sandbox.faults import ConnectionDropped

if TYPE_CHECKING:
    import responses

    from okrflow.sandbox.emulator import Emulator

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


Answer = tuple[int, dict[str, str], bytes] | Exception


def _callback(emulator: Emulator) -> Callable[[requests.PreparedRequest], Answer]:
    def answer(
        request: requests.PreparedRequest,
    ) -> Answer:
        body = request.body
        data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
        if not isinstance(data, bytes):  # a file-like or generator body
            data = b"".join(data)
        try:
            return emulator.handle(
                request.method or "GET", request.url or "", dict(request.headers), data
            )
        except ConnectionDropped as exc:
            return requests.ConnectionError(f"Connection aborted: {exc}", request=request)

    return answer


def register(emulator: Emulator, rsps: responses.RequestsMock, base_url: str) -> None:
    """Answer every method under ``base_url`` from the emulator in ``rsps``."""
    pattern = re.compile(re.escape(base_url.rstrip("/")) + r"(?:[/?#].*)?\Z", re.DOTALL)
    callback = _callback(emulator)
    for method in METHODS:
        rsps.add_callback(method, pattern, callback=callback)


@contextlib.contextmanager
def mock(emulator: Emulator, base_url: str) -> Iterator[responses.RequestsMock]:
    """A started ``responses.RequestsMock`` wired to ``emulator`` at ``base_url``."""
    import responses as responses_lib

    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(emulator, rsps, base_url)
        yield rsps
