"""okrflow writes only files it creates on the machine it runs on: ``demo --output`` into
a directory it made (recognised by its marker), never into one it did not; paths the
file system cannot hold are one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrflow.commands.demo import demo_files
from okrflow.commands.local_files import MARKER, OwnDirectory, checked_path, shown
from okrflow.errors import UsageError

OKRFLOW = Path(sys.executable).with_name("okrflow")


def checkout(root: Path) -> dict[str, str]:
    """What a developer keeps in ~/src: an okrflow checkout and files named like the demo's."""
    files = {
        "okrflow/README.md": "# okrflow\n",
        "okrflow/.git/HEAD": "ref: refs/heads/main\n",
        "okrs-2024.yml": "quarter: FY24-Q1\n",
        "okrflow.yml": "# my real config\n",
        "okrflow-report-FY22-Q2.md": "my notes\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return files


def contents(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_directory_okrflow_did_not_make_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    files = checkout(tmp_path)

    with pytest.raises(UsageError, match=r"is not empty and okrflow did not make it"):
        OwnDirectory(tmp_path, demo_files()).claim()

    assert contents(tmp_path) == files


def test_a_new_or_empty_directory_is_made_okrflows(tmp_path: Path) -> None:
    fresh, empty = tmp_path / "a" / "b", tmp_path / "empty"
    empty.mkdir()
    for path in (fresh, empty):
        OwnDirectory(path, demo_files()).claim()
        marker = json.loads((path / MARKER).read_text(encoding="utf-8"))
        assert marker["files"] == list(demo_files())


def test_a_rerun_replaces_only_its_own_files(tmp_path: Path) -> None:
    own = OwnDirectory(tmp_path / "demo", demo_files())
    own.claim()
    for name in demo_files():
        (own.path / name).write_text("old run\n", encoding="utf-8")
    (own.path / "notes.md").write_text("mine\n", encoding="utf-8")
    (own.path / "okrflow-extra").mkdir()

    own.claim()

    assert sorted(p.name for p in own.path.iterdir()) == [MARKER, "notes.md", "okrflow-extra"]


def test_a_forged_marker_deletes_nothing_outside_the_demos_own_names(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    place = tmp_path / "place"
    place.mkdir()
    (place / "okrflow").mkdir()
    (place / "okrflow" / "setup.py").write_text("x\n", encoding="utf-8")
    (place / "link.yml").symlink_to(victim)
    forged = {"files": ["../victim.txt", "okrflow", "okrflow/setup.py", "link.yml", victim.name]}
    (place / MARKER).write_text(json.dumps(forged), encoding="utf-8")

    OwnDirectory(place, demo_files()).claim()

    assert victim.read_text(encoding="utf-8") == "keep\n"
    assert (place / "okrflow" / "setup.py").is_file() and (place / "link.yml").is_symlink()


def test_a_file_where_the_directory_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=r"--output .*out is a file: give a directory"):
        OwnDirectory(tmp_path / "out", demo_files()).claim()


def test_a_path_the_file_system_cannot_hold_is_one_short_line() -> None:
    long = "x" * 100_000
    with pytest.raises(UsageError) as caught:
        checked_path(long, "--output")
    assert caught.value.message == (
        f"--output {shown(long)}: the path (100,000 characters) is longer than this system allows"
    )
    assert len(caught.value.message) < 200
    with pytest.raises(UsageError, match="NUL"):
        checked_path("a\x00b", "--output")


@pytest.mark.e2e
def test_okrflow_demo_output_dot_in_a_source_folder_deletes_nothing(tmp_path: Path) -> None:
    files = checkout(tmp_path)

    run = subprocess.run(
        [str(OKRFLOW), "demo", "--output", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )

    assert run.returncode == 2
    assert run.stderr == (
        "okrflow: --output . is not empty and okrflow did not make it: nothing was written; "
        "give a new directory (okrflow makes it) or an empty one\n"
    )
    assert contents(tmp_path) == files
