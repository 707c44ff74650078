"""An OKR file being put together from another format (a spreadsheet, a handbook page).

:class:`Draft` takes objectives and key results one row or line at a time, each with
where it came from (``row 7``, ``line 12``), checks what the OKR file would refuse,
and gives the data of an OKR file (:func:`okrflow.core.okr_export.apply_data`'s
shape) with notes for the comments above an OKR. Nothing is half done: every
problem of every row is collected in :attr:`Draft.errors`, and the caller writes
nothing while there is one.

- Keys are made from titles (team first for an objective), unique in the file.
- A statement okrflow cannot read, and with no start and target given, is taken as a
  milestone (done or not, 0 to 1) and named in :attr:`Draft.unreadable`, so a person
  can give its numbers.
- A title longer than GitLab's 255 characters is shortened (and said so); an owner
  that is no GitLab username (a display name) is left out (and said so); an e-mail
  address gives its local part (``alice@example.com`` is ``alice``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from typing import Any

from okrflow.core.keys import slugify, unique_key
from okrflow.core.statements import StatementError, read_statement
from okrflow.core.values import parse_value

__all__ = ["MAX_TITLE", "Draft", "Found"]

MAX_TITLE = 255
_USERNAME = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.\-]*)")
_EMAIL = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.\-+]*)@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@\-]{0,99}")


@dataclasses.dataclass(frozen=True)
class Found:
    """A row or line worth telling a person about: where, and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Draft:
    def __init__(self, source: str) -> None:
        self.source = source
        self.quarter: str | None = None
        self.objectives: list[dict[str, Any]] = []
        self.notes: dict[tuple[int, int | None], list[str]] = {}
        self.errors: list[Found] = []
        self.warnings: list[Found] = []
        self.unreadable: list[Found] = []
        self.places: dict[tuple[int, int | None], str] = {}  # where each OKR came from
        self._keys: set[str] = set()
        self._kr_keys: dict[int, set[str]] = {}

    # -- checks ------------------------------------------------------------------------

    def error(self, where: str, message: str) -> None:
        self.errors.append(Found(where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Found(where, message))

    def _title(self, where: str, raw: str | None, what: str) -> str | None:
        title = _one_line(raw or "")
        if not title:
            self.error(where, f"no {what}")
            return None
        if len(title) > MAX_TITLE:
            self.warn(
                where,
                f"the {what} has {len(title)} characters; GitLab titles hold "
                f"{MAX_TITLE}: shortened",
            )
            title = title[: MAX_TITLE - 1].rstrip() + "…"
        return title

    def owner(self, where: str, raw: str | None) -> str | None:
        text = (raw or "").strip()
        if not text:
            return None
        email = _EMAIL.fullmatch(text)
        if email:
            return email.group(1)
        name = _USERNAME.fullmatch(text)
        if name:
            return name.group(1)
        self.warn(
            where,
            f"owner {text!r} is not a GitLab username: left out (give the "
            "username, or map it in the mapping file's owners:)",
        )
        return None

    def _number(self, where: str, raw: Any, what: str) -> float | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, (int, float)):
            return float(raw)
        try:
            return parse_value(str(raw), "")
        except ValueError as exc:
            self.error(where, f"{what}: {exc}")
            return None

    def _key(self, where: str, raw: str | None, fallback: str, taken: set[str]) -> str:
        key = (raw or "").strip()
        if key and not _KEY.fullmatch(key):
            self.error(where, f"key {key!r}: letters, digits, '-', '_', '.', '@' only")
            key = ""
        return unique_key(key or slugify(fallback), taken)

    # -- building -------------------------------------------------------------------------

    def objective(
        self,
        where: str,
        *,
        title: str | None,
        team: str | None = None,
        owner: str | None = None,
        purpose: str = "",
        kind: str | None = None,
        level: str | None = None,
        parents: Sequence[str] = (),
        weight: Any = None,
        key: str | None = None,
    ) -> int | None:
        """Add an objective; its index, or None when it has an error."""
        shown = self._title(where, title, "objective title")
        if shown is None:
            return None
        entry: dict[str, Any] = {}
        team = _one_line(team or "") or None
        if team and ("," in team or len(team) > 255):
            self.error(
                where, f"team {team!r}: a GitLab label has no comma and at most 255 characters"
            )
        base = f"{team} {shown}" if team and not key else shown
        entry["key"] = self._key(where, key, base, self._keys)
        self._keys.add(entry["key"])
        entry["title"] = shown
        if team:
            entry["team"] = team
        if level and level != "team":
            entry["level"] = level
        who = self.owner(where, owner)
        if who:
            entry["owner"] = who
        choice = (kind or "").strip().casefold()
        if choice.startswith("aspiration") or choice in ("stretch", "moonshot", "roofshot"):
            entry["kind"] = "aspirational"
        elif choice and not choice.startswith("commit"):
            self.error(where, f"kind {kind!r}: committed or aspirational")
        if parents:
            entry["parent"] = parents[0] if len(parents) == 1 else list(parents)
        number = self._number(where, weight, "weight")
        if number is not None and number <= 0:
            self.error(where, f"weight {weight!r} must be above 0")
        elif number is not None and number != 1:
            entry["weight"] = int(number) if number.is_integer() else number
        if purpose and purpose.strip():
            entry["purpose"] = purpose.strip()
        self.objectives.append(entry)
        self.places[(len(self.objectives) - 1, None)] = where
        return len(self.objectives) - 1

    def key_result(
        self,
        where: str,
        objective: int,
        *,
        title: str | None,
        owner: str | None = None,
        weight: Any = None,
        start: Any = None,
        target: Any = None,
        unit: str | None = None,
        key: str | None = None,
        direction: str | None = None,
        source: str | None = None,
    ) -> None:
        shown = self._title(where, title, "key result statement")
        if shown is None:
            return
        taken = self._kr_keys.setdefault(objective, set())
        entry: dict[str, Any] = {"key": self._key(where, key, shown, taken), "title": shown}
        taken.add(entry["key"])
        who = self.owner(where, owner)
        if who and who != self.objectives[objective].get("owner"):
            entry["owner"] = who
        number = self._number(where, weight, "weight")
        if number is not None and number <= 0:
            self.error(where, f"weight {weight!r} must be above 0")
        elif number is not None and number != 1:
            entry["weight"] = int(number) if number.is_integer() else number
        first, last = self._number(where, start, "start"), self._number(where, target, "target")
        if direction and direction.strip():
            if direction.strip() not in ("increase", "decrease"):
                self.error(where, f"direction {direction!r}: increase or decrease")
            else:
                entry["direction"] = direction.strip()
        if source and source.strip() not in ("", "manual"):
            entry["source"] = self._source(where, source.strip())
        krs = self.objectives[objective].setdefault("key_results", [])
        read = read_statement(shown)
        if first is not None and last is not None:
            entry.update(start=_plain(first), target=_plain(last))
            if unit and unit.strip():
                entry["unit"] = unit.strip()
        elif isinstance(read, StatementError):
            reason = read.reason
            self.unreadable.append(Found(where, f"cannot read {shown!r} ({reason})"))
            note = (
                f"okrflow cannot read a start and target from this statement ({reason}): "
                "tracked as done or not until you give start: and target:"
            )
            self.notes.setdefault((objective, len(krs)), []).append(note)
            entry.update(start=0, target=1)
        self.places[(objective, len(krs))] = where
        krs.append(entry)

    def _source(self, where: str, raw: str) -> Any:
        if raw == "initiatives":
            return raw
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        if not isinstance(found, dict):
            self.error(where, f"source {raw!r}: manual, initiatives, or a query as JSON")
            return None
        return found

    def data(self) -> dict[str, Any]:
        return {"quarter": self.quarter or "", "objectives": self.objectives}

    def where(self, key_path: str | None) -> str:
        """Where the OKR of an OKR file's key path (``objectives[3].key_results[1].title``)
        came from; the source itself when the path names none."""
        found = re.match(r"objectives\[(\d+)\](?:\.key_results\[(\d+)\])?", key_path or "")
        if found is None:
            return self.source
        kr = int(found.group(2)) if found.group(2) is not None else None
        return self.places.get((int(found.group(1)), kr), self.source)


def _plain(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x
