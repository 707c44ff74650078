"""Look-up indexes over the state's tables, kept up to date without hooks.

Handlers add rows with ``table[row.id] = row`` and delete them with ``del``; an
index must follow both without every writer calling it. Row ids only grow (they
come from :meth:`State.next_id`) and rows are inserted in id order, so an index
remembers the highest id it has seen and, on each look-up, reads only the rows
added since (walking the table from its newest end). Deleted rows are dropped
when read. A look-up therefore costs the rows it returns plus the rows added
since the last one, not the size of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

Row = TypeVar("Row")


class RowIndex(Generic[Row]):
    """Row ids of one table grouped by a key computed from each row."""

    def __init__(self, key: Callable[[Any], Hashable]) -> None:
        self._key = key
        self._seen = 0
        self._ids: dict[Hashable, list[int]] = {}

    def _catch_up(self, rows: dict[int, Row]) -> None:
        fresh: list[int] = []
        for row_id in reversed(rows):
            if row_id <= self._seen:
                break
            fresh.append(row_id)
        if not fresh:
            return
        for row_id in reversed(fresh):
            self._ids.setdefault(self._key(rows[row_id]), []).append(row_id)
        self._seen = max(self._seen, fresh[0])

    def get(self, rows: dict[int, Row], key: Hashable) -> list[Row]:
        """The live rows under ``key``, oldest first."""
        self._catch_up(rows)
        ids = self._ids.get(key)
        if not ids:
            return []
        found = [rows[i] for i in ids if i in rows]
        if len(found) != len(ids):
            self._ids[key] = [i for i in ids if i in rows]
        return found
