"""The one family of errors okrflow raises for things a user can act on.

Every error carries the exit code of DESIGN.md and a one-line message saying what
went wrong, where, and what to do. The CLI catches :class:`OkrflowError` in one
place and prints ``okrflow: <message>``; nothing below the CLI prints.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_FINDINGS = 3


class OkrflowError(Exception):
    """Base class: an expected failure with a message meant for people."""

    exit_code: int = EXIT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(OkrflowError):
    """Bad usage or bad input: wrong option, unreadable file, invalid reference."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """An invalid config or OKR file; the message names file, line and key."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line
        self.key = key


class GitLabError(OkrflowError):
    """GitLab refused or kept failing after retries (exit 1)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FindingsError(OkrflowError):
    """A check found something: lint problems, plan differences (exit 3)."""

    exit_code = EXIT_FINDINGS
