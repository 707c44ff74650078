"""Quick actions in issue descriptions and notes: which lines GitLab takes as commands.

As ``Gitlab::QuickActions::Extractor``: a command is a line that *starts* with
``/name`` (any case; no leading space), in a top-level Markdown paragraph
(:func:`okrflow.sandbox.markup.top_level_paragraphs`), not inside an inline code
span. Every line naming a command GitLab knows is removed from the text, whether
or not the command then applies (``/merge`` in an issue, ``/close`` without the
right, ``/weight`` on Free); unknown ``/words`` stay. ``/shrug`` and
``/tableflip`` are substitutions. The text comes back without ``\\r`` and without
trailing whitespace, as GitLab stores it even when it held no command (the
emulator does so for texts without commands unless ``normalize_text`` is off).

What each command does is :mod:`okrflow.sandbox.quick_commands`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date, timedelta

from okrflow.sandbox.markup import top_level_paragraphs

# Every command definition of GitLab (CE and EE, issues, merge requests, commits,
# work items): the extractor strips all of them, whatever the target.
_NAME_LIST = """
    close reopen title label labels unlabel remove_label relabel todo done subscribe
    unsubscribe react award severity confidential due remove_due_date board_move
    duplicate clone move create_merge_request zoom remove_zoom add_email remove_email
    convert_to_ticket promote_to_incident add_contacts remove_contacts timeline assign
    unassign milestone remove_milestone copy_metadata estimate estimate_time spend spent
    spend_time remove_estimate remove_time_estimate remove_time_spent lock unlock relate
    unlink merge rebase draft ready wip target_branch reviewer request_review
    assign_reviewer unassign_reviewer remove_reviewer approve unapprove submit_review
    request_changes tag type promote_to set_parent remove_parent add_child remove_child
    weight clear_weight remove_weight epic remove_epic promote iteration
    remove_iteration health_status clear_health_status publish child_epic
    remove_child_epic parent_epic remove_parent_epic blocks blocked_by unblock status
    assign_me q checkin_reminder
"""
NAMES = frozenset(_NAME_LIST.split())
SHRUG = "¯\\＿(ツ)＿/¯"
TABLEFLIP = "(╯°□°)╯︵ ┻━┻"
SUBSTITUTIONS = {"shrug": SHRUG, "tableflip": TABLEFLIP}


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_COMMANDS = re.compile(
    r"(?P<inline_code>`.+?`)"
    r"|(?P<html>^<[^>]+?>\n.+?\n</[^>]+?>$)"
    rf"|(?:^/(?P<cmd>{_alternation(NAMES)})(?:[ ](?P<arg>[^\n]*))?(?:\s*\n|$))"
    rf"|(?:^/(?P<sub>{_alternation(SUBSTITUTIONS)})(?:[ ](?P<sarg>[^\n]*))?(?:\s*\n|$))",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True)
class Command:
    name: str  # lower case
    arg: str  # stripped, may be empty


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def extract(text: str, *, normalize: bool = True) -> tuple[str, list[Command]]:
    """The text as GitLab stores it (command lines removed, substitutions made,
    ``\\r`` dropped, trailing whitespace stripped) and the commands in order.
    ``normalize=False`` keeps a text that holds no command exactly as given."""
    content = text.replace("\r", "")
    commands: list[Command] = []

    def replace(found: re.Match[str]) -> str:
        if found.group("cmd"):
            commands.append(Command(found.group("cmd").lower(), (found.group("arg") or "").strip()))
            return ""
        if found.group("sub"):
            name = found.group("sub").lower()
            comment = (found.group("sarg") or "").strip()
            commands.append(Command(name, comment))
            ending = "\n" if found.group(0).endswith("\n") else ""
            return f"{comment} {SUBSTITUTIONS[name]}".lstrip() + ending
        return found.group(0)

    paragraphs = top_level_paragraphs(content)
    if paragraphs:
        lines = _lines(content)
        for first, end in paragraphs:
            last = end - 1
            if last + 1 < len(lines) and lines[last + 1] == "\n":
                last += 1
            paragraph = _COMMANDS.sub(replace, "".join(lines[first : last + 1]))
            lines[first : last + 1] = [paragraph] + [""] * (last - first)
        content = "".join(lines)
    if not commands and not normalize:
        return text, commands
    return content.rstrip(), commands


# argument parsing shared by the commands -------------------------------------------
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_LABEL_REF = re.compile(
    r'(?P<project>[A-Za-z0-9_.\-/]+)?~(?:(?P<id>\d+)(?![\w"])|"(?P<quoted>[^"]+)"'
    r"|(?P<bare>[A-Za-z0-9_\-?.&:]+))"
)
_WORD = re.compile(r'"([^"]+)"|([^ ]+)')


def label_arguments(arg: str) -> list[str | int]:
    """Label titles (``str``) and ids (``int``) an argument names: ``~x ~"a b" ~12``;
    without any ``~``, plain words and quoted titles."""
    if "~" not in arg:
        return [quoted or word for quoted, word in _WORD.findall(arg)]
    found: list[str | int] = []
    for match in _LABEL_REF.finditer(arg):
        if match.group("project"):
            continue  # another project's label: never available here
        if match.group("id"):
            found.append(int(match.group("id")))
        else:
            found.append(match.group("quoted") or match.group("bare"))
    return found


def label_reference(title: str) -> str:
    """``~name`` or ``~"two words"``, as GitLab's messages write a label."""
    return f"~{title}" if re.fullmatch(r"[A-Za-z0-9_\-?.&]+", title) else f'~"{title}"'


def plural(word: str, count: int) -> str:
    return word if count == 1 else f"{word}s"


def parse_due(arg: str, today: date) -> date | None:
    """The dates Chronic reads that people type: ISO, today/tomorrow, in N days/
    weeks/months, (this/next) weekday, ``Month 31st[, 2025]``."""
    text = arg.strip().lower().rstrip(".")
    if text in ("today", "now"):
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    found = re.fullmatch(r"in (\d{1,4}) (day|week|month)s?", text)
    if found:
        amount, unit = int(found.group(1)), found.group(2)
        if unit == "month":
            month = today.month - 1 + amount
            year, month = today.year + month // 12, month % 12 + 1
            return date(year, month, min(today.day, 28))
        return today + timedelta(days=amount * (7 if unit == "week" else 1))
    found = re.fullmatch(r"(?:(this|next) )?(\w+day)", text)
    if found and found.group(2) in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(found.group(2)) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead + (7 if found.group(1) == "next" else 0))
    found = re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?", text)
    if found and found.group(1) in _MONTHS:
        try:
            day = date(
                int(found.group(3) or today.year),
                _MONTHS.index(found.group(1)) + 1,
                int(found.group(2)),
            )
        except ValueError:
            return None
        return day if found.group(3) or day >= today else day.replace(year=day.year + 1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
