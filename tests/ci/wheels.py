"""Distributions for the pipeline tests: okrflow built from this checkout, the wheels its jobs
install, a PEP 503 index of them on disk, and a small stand-in wheel of another version.

Nothing here reaches a package index except :func:`build_wheelhouse`, which runs pip as the
test environment has it configured: ``pip wheel`` builds okrflow from the checkout (its build
backend, hatchling, comes from pip's index like any build) and ``pip download`` fetches the
wheels the jobs need (okrflow's dependencies, and ``build``, ``twine`` and ``hatchling`` for
the release jobs). The jobs themselves then install from loopback only.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from loopback_gitlab import PackageFile, normalized

RELEASE_TOOLS = ("build", "twine", "hatchling")


@dataclasses.dataclass(frozen=True)
class Wheelhouse:
    okrflow: Path  # the wheel built from this checkout
    deps: Path  # every other wheel the jobs install

    @property
    def version(self) -> str:
        return self.okrflow.name.split("-")[1]


def build_wheelhouse(repo: Path, dest: Path, timeout: float = 300) -> Wheelhouse:
    built, deps = dest / "built", dest / "deps"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _pip([*pip, "wheel", "--no-deps", "-w", str(built), str(repo)], timeout)
    (wheel,) = built.glob("okrflow-*.whl")
    _pip([*pip, "download", "--dest", str(deps), str(wheel), *RELEASE_TOOLS], timeout)
    (deps / wheel.name).unlink(missing_ok=True)
    return Wheelhouse(okrflow=wheel, deps=deps)


def _pip(command: list[str], timeout: float) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[3:5])} failed:\n{done.stdout}{done.stderr}")


def project_name(filename: str) -> str:
    """The distribution name in a wheel or sdist file name (``python_gitlab-8.6.0-...``)."""
    return filename.split("-")[0]


def write_simple_index(wheels: Path, root: Path) -> None:
    """``root/simple/<name>/index.html`` (PEP 503) linking ``root/files/<wheel>#sha256=``."""
    (root / "files").mkdir(parents=True, exist_ok=True)
    by_name: dict[str, list[Path]] = {}
    for wheel in sorted(wheels.iterdir()):
        shutil.copy(wheel, root / "files" / wheel.name)
        by_name.setdefault(normalized(project_name(wheel.name)), []).append(wheel)
    for name, files in by_name.items():
        links = "".join(
            f'<a href="/files/{html.escape(f.name)}#sha256={_sha256(f)}">'
            f"{html.escape(f.name)}</a><br>\n"
            for f in files
        )
        page = root / "simple" / name / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<!DOCTYPE html>\n<html><body>\n{links}</body></html>\n")


def package_file(path: Path, requires_python: str = ">=3.10") -> PackageFile:
    """A wheel or sdist as the registry keeps it after ``twine upload``."""
    name = project_name(path.name)
    version = re.sub(r"\.tar\.gz$", "", path.name).split("-")[1]
    return PackageFile(name, version, path.name, path.read_bytes(), requires_python)


def stand_in_wheel(dest: Path, name: str, version: str) -> Path:
    """A valid wheel of ``name`` ``version`` with no code and no console script.

    A registry that also holds it tells whether a job pinned the version it meant: pip
    picks the newest version unless told otherwise, and this one has no ``okrflow`` command.
    """
    dist = f"{name}-{version}"
    files = {
        f"{dist}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            "Summary: another release in the registry\n"
        ),
        f"{dist}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: okrflow-tests\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
    }
    record = [
        f"{path},sha256={_urlsafe_sha256(text.encode())},{len(text.encode())}"
        for path, text in files.items()
    ]
    record.append(f"{dist}.dist-info/RECORD,,")
    files[f"{dist}.dist-info/RECORD"] = "\n".join(record) + "\n"
    wheel = dest / f"{dist}-py3-none-any.whl"
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
    return wheel


def _urlsafe_sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
