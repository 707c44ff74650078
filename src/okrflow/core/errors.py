"""The core's own errors: input it cannot accept, with a message meant for people.

The core knows nothing of exit codes or of okrflow's other layers, so it raises these
and the edges map them: a :class:`CoreError` that reaches the command line is bad
input (exit 2), printed as its one-line message.
"""

from __future__ import annotations

__all__ = ["CoreError"]


class CoreError(ValueError):
    """A value the core refuses (an unknown state, a malformed check-in ...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
