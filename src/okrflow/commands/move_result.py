"""What ``okrflow move`` did: the issues moved, left alone, skipped, and refused.

The result of :func:`okrflow.commands.move.move` and
:func:`~okrflow.commands.move.move_bulk`; a refused move ends the run with exit 3
(:meth:`MoveResult.error`).
"""

from __future__ import annotations

import dataclasses

from okrflow.commands.result import Line, Result, Style, plain
from okrflow.core.lifecycle import states_text
from okrflow.core.model import Outcome, State
from okrflow.core.rules import Finding
from okrflow.errors import FindingsError, OkrflowError
from okrflow.render.display import count, score

__all__ = ["Blocked", "MoveResult", "Moved"]


@dataclasses.dataclass(frozen=True)
class Moved:
    """One issue moved (or, in a dry run, that would be)."""

    iid: int
    title: str
    objective: bool
    from_states: tuple[State, ...]
    to: State
    outcome: Outcome | None = None
    score: float | None = None
    cascaded: bool = False  # moved with its objective
    reference: str = ""  # in a group scope: acme/sales#12

    @property
    def shown(self) -> str:
        return self.reference or f"#{self.iid}"

    def line(self, dry_run: bool = False) -> str:
        verb = "would move" if dry_run else "moved"
        what = "objective" if self.objective else "key result"
        text = (
            f"{verb} {what} {self.shown} from {states_text(self.from_states)} "
            f"to {self.to.display}: {self.title}"
        )
        if self.to is State.CLOSED and self.outcome is not None:
            shown = "" if self.score is None else f", score {score(self.score)}"
            text += f" (outcome {self.outcome.value}{shown})"
        return text


@dataclasses.dataclass(frozen=True)
class Blocked:
    """An objective (or key result) the checks kept where it is."""

    iid: int
    title: str
    to: State
    findings: tuple[Finding, ...]
    reference: str = ""  # in a group scope: acme/sales#12

    @property
    def shown(self) -> str:
        return self.reference or f"#{self.iid}"

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(f.rule for f in self.findings))

    def message(self) -> str:
        reasons = "; ".join(f"{f.where} {f.rule}: {f.message}" for f in self.findings)
        return (
            f"{self.shown} cannot move to {self.to.display}, it breaks {', '.join(self.rules)}: "
            f"{reasons}. Fix that (okrflow lint lists every finding) and move it again"
        )


@dataclasses.dataclass
class MoveResult(Result):
    to: State
    moved: list[Moved] = dataclasses.field(default_factory=list)
    unchanged: list[int] = dataclasses.field(default_factory=list)  # already there
    # (iid, why, as output names it: #12, or acme/sales#12 in a group scope)
    skipped: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    blocked: list[Blocked] = dataclasses.field(default_factory=list)
    across: bool = False  # a group scope: the JSON form names each issue in full
    unchanged_references: list[str] = dataclasses.field(default_factory=list)

    def lines(self, style: Style = plain) -> list[str | Line]:
        out: list[str | Line] = [moved.line(dry_run=self.dry_run) for moved in self.moved]
        out += [f"skipped {shown}: {why}" for _, why, shown in self.skipped]
        out += [Line(blocked.message(), "warning") for blocked in self.blocked]
        return [*out, self.summary()]

    def summary(self) -> str:
        head = "move (dry run)" if self.dry_run else "move"
        parts = [
            f"{len(self.moved)} {'would move' if self.dry_run else 'moved'}",
            f"{len(self.unchanged)} already {self.to.display}",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.blocked:
            parts.append(f"{len(self.blocked)} refused")
        return f"{head} to {self.to.display}: " + ", ".join(parts)

    def error(self) -> OkrflowError | None:
        """A :class:`FindingsError` (exit 3) naming the refused moves and their rules."""
        if not self.blocked:
            return None
        if len(self.blocked) == 1:
            return FindingsError(self.blocked[0].message())
        names = ", ".join(f"{b.shown} ({', '.join(b.rules)})" for b in self.blocked)
        return FindingsError(
            f"{count(len(self.blocked), 'objective')} cannot move to {self.to.display} while "
            f"they break rules: {names}. Fix them (okrflow lint shows the findings) and move again"
        )

    def to_json(self) -> dict[str, object]:
        def named(reference: str) -> dict[str, str]:
            return {"reference": reference} if self.across else {}

        return {
            "to": self.to.value,
            "dry_run": self.dry_run,
            "moved": [
                {
                    "iid": m.iid,
                    **named(m.shown),
                    "title": m.title,
                    "type": "objective" if m.objective else "key result",
                    "from": [s.value for s in m.from_states],
                    "to": m.to.value,
                    "outcome": m.outcome.value if m.outcome else None,
                    "score": m.score,
                }
                for m in self.moved
            ],
            "unchanged": self.unchanged,
            **({"unchanged_references": self.unchanged_references} if self.across else {}),
            "skipped": [
                {"iid": iid, **named(shown), "reason": why} for iid, why, shown in self.skipped
            ],
            "blocked": [
                {"iid": b.iid, **named(b.shown), "rules": b.rules, "message": b.message()}
                for b in self.blocked
            ],
        }
