"""Headless Chromium driven over the DevTools protocol on a pipe: no extra package, no port.

``with Browser(profile) as browser: page = browser.open(url, width=390)`` loads a page
at a viewport width (``print_=True`` emulates print media), and the page object can
``evaluate`` JavaScript through DevTools (the page itself may forbid scripts: its
Content-Security-Policy does not apply to DevTools), take a ``screenshot`` (PNG
bytes), ``pdf`` it (A4), and lists every network request the page made
(``requests``). Chromium talks on file descriptors 3 (commands) and 4 (answers),
each message a JSON object ended by a NUL byte.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)
TIMEOUT = 60.0


def flags(profile: Path) -> list[str]:
    """Headless, offline, quiet, with a throwaway profile."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--mute-audio",
        f"--user-data-dir={profile}",
    ]


class Browser:
    def __init__(self, profile: Path) -> None:
        assert BROWSER is not None
        self.profile = profile
        self._id = 0
        self._answers: dict[int, Any] = {}
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Condition()
        self.proc: subprocess.Popen[bytes] | None = None

    # -- the process -------------------------------------------------------------------

    def __enter__(self) -> Browser:
        args = [*flags(self.profile), "--hide-scrollbars", "--remote-debugging-pipe", "about:blank"]
        # fd 3 reads our stdin pipe, fd 4 writes to our stdout pipe
        wrapper = 'exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null'
        self.proc = subprocess.Popen(
            ["bash", "-c", wrapper, str(BROWSER), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=30)

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        buffer = b""
        while chunk := self.proc.stdout.read1(65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                with self._lock:
                    if "id" in message:
                        self._answers[message["id"]] = message
                    else:
                        self._events.append(message)
                    self._lock.notify_all()

    def send(self, method: str, session: str | None = None, **params: Any) -> Any:
        assert self.proc is not None and self.proc.stdin is not None
        with self._lock:
            self._id += 1
            number = self._id
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.proc.stdin.write(json.dumps(message).encode() + b"\0")
        self.proc.stdin.flush()
        deadline = time.monotonic() + TIMEOUT
        with self._lock:
            while number not in self._answers:
                left = deadline - time.monotonic()
                assert left > 0, f"Chromium did not answer {method}"
                self._lock.wait(left)
            answer = self._answers.pop(number)
        assert "error" not in answer, f"{method}: {answer['error']}"
        return answer["result"]

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        with self._lock:
            while True:
                for event in self._events:
                    if event.get("method") == method and event.get("sessionId") == session:
                        self._events.remove(event)
                        return event
                left = deadline - time.monotonic()
                assert left > 0, f"Chromium sent no {method}"
                self._lock.wait(left)

    def events(self, method: str, session: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                e
                for e in self._events
                if e.get("method") == method and e.get("sessionId") == session
            ]

    # -- pages -------------------------------------------------------------------------

    def open(self, url: str, *, width: int, height: int = 900, print_: bool = False) -> Page:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Network.enable", session)
        self.send("Page.enable", session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        if print_:
            self.send("Emulation.setEmulatedMedia", session, media="print")
        self.send("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session)


class Page:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send(
            "Runtime.evaluate", self.session, expression=expression, returnByValue=True
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        shot = self.browser.send(
            "Page.captureScreenshot", self.session, format="png", captureBeyondViewport=True
        )
        return base64.b64decode(shot["data"])

    def pdf(self) -> bytes:
        printed = self.browser.send(
            "Page.printToPDF",
            self.session,
            paperWidth=8.27,
            paperHeight=11.69,
            preferCSSPageSize=True,
            printBackground=True,
        )
        return base64.b64decode(printed["data"])

    @property
    def requests(self) -> list[str]:
        """The URL of every request the page made."""
        sent = self.browser.events("Network.requestWillBeSent", self.session)
        return [e["params"]["request"]["url"] for e in sent]
