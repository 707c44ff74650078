"""The HTML report in a real browser: headless Chromium draws it and reads it back.

Skipped when no Chromium is installed (Debian: ``apt-get install chromium``). Chromium
runs offline against a file, with a throwaway profile.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest
from chromium import BROWSER, flags
from report_samples import sample_doc

from okrflow.render import render

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (apt-get install chromium)"),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    command = [BROWSER, *flags(tmp_path / "profile"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render(sample_doc(), "html"), encoding="utf-8")
    return path


def test_chromium_draws_the_report(report_file: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = chromium(
        tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", report_file.as_uri()
    )
    assert shot.is_file(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1600)
    assert len(data) > 50_000  # charts, tables and colour, not a blank page


def test_chromium_finds_no_script_and_shows_hostile_titles_as_text(
    report_file: Path, tmp_path: Path
) -> None:
    done = chromium(tmp_path, "--dump-dom", report_file.as_uri())
    dom = done.stdout
    assert "OKR closing ceremony" in dom, done.stderr[-2000:]
    assert "<script" not in dom.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ x }} {% raw %}" in dom
    assert dom.count("<svg") >= 3
