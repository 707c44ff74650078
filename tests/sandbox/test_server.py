"""The emulator's HTTP server stays quiet when a client hangs up mid-request."""

from __future__ import annotations

import socket
import struct
import time
from urllib.parse import urlsplit

import pytest
import requests

from okrflow.sandbox import Emulator


def test_a_client_that_resets_its_connection_leaves_no_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    emu = Emulator.sandbox()
    with emu.serve(port=0) as url:
        parts = urlsplit(url)
        for _ in range(3):
            sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
            sock.sendall(b"POST /api/v4/projects/1/issues HTTP/1.1\r\nHost: x\r\n")
            sock.sendall(b"Content-Length: 1000\r\n\r\npartial")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # RST: the server's read fails with ConnectionResetError
        time.sleep(0.3)
        assert requests.get(f"{url}/api/v4/version", timeout=5).status_code in (200, 401)
    assert "Traceback" not in capfd.readouterr().err
