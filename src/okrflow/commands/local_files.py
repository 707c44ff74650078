"""Files okrflow writes on the machine it runs on: only its own, at paths that can exist.

- :func:`checked_path`: a path given on the command line (``--output``) that the file
  system cannot hold (too long, a NUL byte in it) is bad input, one line naming the
  option, before anything is read or written; :func:`shown` keeps a path short in a
  message.
- :class:`OwnDirectory`: a directory okrflow writes a set of files into (the demo's).
  It is either made by okrflow (a fresh directory, or an empty one, gets a marker file
  :data:`MARKER` naming what okrflow writes there) or refused when it holds anything
  and no marker: okrflow never deletes or overwrites what it did not write. Rerun into
  its own directory, it removes only its own files (names it writes that the marker
  lists; never a directory, never a path outside).
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable
from pathlib import Path

from okrflow.errors import UsageError

__all__ = ["MARKER", "OwnDirectory", "checked_path", "shown"]

MARKER = ".okrflow-demo"
_SHOWN = 80


def shown(path: Path | str) -> str:
    """``path`` for a message: at most 80 characters (the end is what tells it apart)."""
    text = str(path)
    return text if len(text) <= _SHOWN else "…" + text[-(_SHOWN - 1) :]


def checked_path(path: Path | str, option: str) -> Path:
    """``path`` as given, once the file system can hold it; else a :class:`UsageError`."""
    text = str(path)
    if "\x00" in text:
        raise UsageError(f"{option}: a path cannot hold a NUL character")
    try:
        os.lstat(text)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise UsageError(
                f"{option} {shown(text)}: the path ({len(text):,} characters) is longer than "
                "this system allows"
            ) from None
    return Path(text)


class OwnDirectory:
    """A directory okrflow writes ``names`` into, and nothing else (see the module)."""

    def __init__(self, path: Path, names: Iterable[str], *, option: str = "--output") -> None:
        self.path = checked_path(path, option)
        self.names = tuple(names)
        self.option = option

    def claim(self) -> None:
        """Make the directory, or take it back from an earlier run; refuse another's."""
        path = self.path
        try:
            if path.exists() and not path.is_dir():
                raise UsageError(f"{self.option} {shown(path)} is a file: give a directory")
            if path.is_dir() and not (path / MARKER).is_file() and any(path.iterdir()):
                raise UsageError(
                    f"{self.option} {shown(path)} is not empty and okrflow did not make it: "
                    "nothing was written; give a new directory (okrflow makes it) or an "
                    "empty one"
                )
            path.mkdir(parents=True, exist_ok=True)
            self._remove_own()
            marker = {"written_by": "okrflow demo", "files": list(self.names)}
            (path / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"{self.option} {shown(path)}: cannot write there ({exc.strerror or exc})"
            ) from None

    def _remove_own(self) -> None:
        """Delete the files of an earlier run: names this writes that the marker lists."""
        try:
            listed = json.loads((self.path / MARKER).read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return
        ours = set(self.names) & {name for name in listed if isinstance(name, str)}
        for name in sorted(ours):
            target = self.path / name
            if target.is_symlink() or target.is_file():
                target.unlink()
