"""Value types of the okrflow config: colours, label names, rule ids, and their checks."""

from __future__ import annotations

import difflib
import functools
import importlib
import re
import string
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from okrflow.config.yamlfile import TypeName, invalid, show_value
from okrflow.core.calendar import FiscalCalendar

__all__ = [
    "COLOUR_NAMES",
    "TOKEN_KEYS",
    "Argv",
    "Colour",
    "CommandName",
    "Fraction",
    "LabelName",
    "RuleId",
    "ScopePath",
    "Username",
    "Weeks",
    "check_annual_label_format",
    "check_env_name",
    "check_gitlab_url",
    "check_label_format",
    "check_month",
    "check_project",
    "check_username",
    "not_above",
    "not_below",
    "to_tuple",
    "unique",
]

#: Colour names accepted besides ``#RRGGBB`` (CSS names), stored as lowercase hex.
COLOUR_NAMES: Mapping[str, str] = {
    "red": "#ff0000",
    "crimson": "#dc143c",
    "tomato": "#ff6347",
    "coral": "#ff7f50",
    "salmon": "#fa8072",
    "orange": "#ffa500",
    "gold": "#ffd700",
    "yellow": "#ffff00",
    "olive": "#808000",
    "lime": "#00ff00",
    "green": "#008000",
    "teal": "#008080",
    "turquoise": "#40e0d0",
    "cyan": "#00ffff",
    "blue": "#0000ff",
    "navy": "#000080",
    "indigo": "#4b0082",
    "purple": "#800080",
    "violet": "#ee82ee",
    "orchid": "#da70d6",
    "magenta": "#ff00ff",
    "pink": "#ffc0cb",
    "brown": "#a52a2a",
    "maroon": "#800000",
    "black": "#000000",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "white": "#ffffff",
}

_TOKEN_KEY = (
    "a token must not be stored in the config file: remove it and put the token in the "
    "environment variable named by gitlab.token_env (default GITLAB_TOKEN)"
)
TOKEN_KEYS = dict.fromkeys(
    ("token", "private_token", "job_token", "access_token", "oauth_token", "password"), _TOKEN_KEY
)


# --- value types --------------------------------------------------------------------------


def to_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _colour(value: Any) -> Any:
    if value is None:
        raise invalid(
            "expected a colour, got nothing: an unquoted # starts a YAML comment, "
            "so quote the colour ('#1f75cb')",
            show_input=False,
        )
    if not isinstance(value, str):
        raise invalid("expected a colour such as '#1f75cb' or 'green'")
    text = value.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return text
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        return "#" + "".join(c * 2 for c in text[1:])
    if text in COLOUR_NAMES:
        return COLOUR_NAMES[text]
    close = difflib.get_close_matches(text, list(COLOUR_NAMES), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise invalid(
        "must be a colour as '#RRGGBB' or a CSS colour name (red, green, ...), "
        f"got {show_value(value)}{hint}",
        show_input=False,
    )


def _label_name(value: str) -> str:
    if not value.strip():
        raise invalid("must not be empty", show_input=False)
    if value != value.strip():
        raise invalid("must not start or end with a space")
    if "," in value or "\n" in value:
        raise invalid("must not contain a comma or a line break (GitLab refuses it)")
    if len(value) > 255:
        raise invalid("must be at most 255 characters (GitLab refuses longer labels)")
    return value


def check_project(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        if value <= 0:
            raise invalid("must be a project path like group/project or a positive project id")
        return str(value)
    if isinstance(value, str):
        text = value.strip().strip("/")
        if re.match(r"(?i)https?://", text):
            raise invalid("must be a project path like group/project or an id, not a URL")
        if not text:
            raise invalid("must not be empty", show_input=False)
        return text
    return value


def check_gitlab_url(value: str | None) -> str | None:
    if value is None:
        return None
    parsed = urllib.parse.urlsplit(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise invalid("must be a URL starting with https:// (or http://)")
    if parsed.username or parsed.password:
        raise invalid(
            "must not contain a user name or token: put the token in the environment "
            "variable named by gitlab.token_env",
            show_input=False,
        )
    return value.strip().rstrip("/")


def check_env_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise invalid(
            "must be the name of the environment variable that holds the token "
            "(such as GITLAB_TOKEN), not the token itself",
            show_input=False,
        )
    return value


def check_quarter(cls: Any, value: str | None, info: ValidationInfo) -> str | None:
    """A field validator: ``quarter:`` takes what ``--quarter`` takes (a label written in
    the config's fiscal year, or current, next, previous)."""
    fiscal = info.data.get("fiscal_year")
    if value is None or fiscal is None:  # no quarter, or a fiscal_year already refused
        return value
    calendar = FiscalCalendar(
        first_month=fiscal.first_month,
        naming=fiscal.naming,
        label_format=fiscal.label_format,
        annual_label_format=fiscal.annual_label_format,
    )
    try:
        calendar.parse_asked(value)
    except ValueError as exc:
        raise invalid(str(exc), show_input=False) from None
    return value.strip()


def check_month(value: int) -> int:
    if not 1 <= value <= 12:
        raise invalid("must be a month number from 1 to 12")
    return value


def check_label_format(value: str) -> str:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        sample = value.format(yyyy="2024", yy="24", q=1)
    except (ValueError, KeyError, IndexError, AttributeError):
        fields = {"?"}
        sample = ""
    if fields - {"yyyy", "yy", "q"} or "q" not in fields or not fields & {"yy", "yyyy"}:
        raise invalid("must contain {q} and {yy} or {yyyy}, and no other placeholder")
    _label_name(sample)
    return value


def check_annual_label_format(value: str) -> str:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        sample = value.format(yyyy="2024", yy="24")
    except (ValueError, KeyError, IndexError, AttributeError):
        fields = {"?"}
        sample = ""
    if fields - {"yyyy", "yy"} or not fields:
        raise invalid("must contain {yy} or {yyyy}, and no other placeholder")
    _label_name(sample)
    return value


@functools.lru_cache(maxsize=1)
def _known_rules() -> tuple[str, ...] | None:
    """The rule ids of okrflow.core.rules, when that module is there."""
    try:
        module = importlib.import_module("okrflow.core.rules")
    except ImportError:
        return None
    rules = getattr(module, "RULES", None)
    return tuple(rules) if isinstance(rules, Mapping) else None


def _rule_id(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        raise invalid("must be a rule id in kebab-case, such as kr-count")
    known = _known_rules()
    if known is not None and value not in known:
        close = difflib.get_close_matches(value, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known rules: {', '.join(known)}"
        raise invalid(f"unknown rule id {show_value(value)}; {hint}", show_input=False)
    return value


_USERNAME = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.\-]*)")


def check_username(value: str) -> str:
    """A GitLab username, written ``alice`` or ``@alice``; stored without the ``@``."""
    match = _USERNAME.fullmatch(value.strip())
    if match is None:
        raise invalid("must be a GitLab username, such as alice or @alice")
    return match.group(1)


def _command_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", value):
        raise invalid(
            "a command name is up to 64 letters, digits, '-', '_' or '.', starting with a "
            "letter or digit"
        )
    return value


def _argv(value: Any) -> Any:
    if isinstance(value, str):
        raise invalid(
            "write the command as a list of words, the program first, as it is run (no "
            "shell): [python3, scripts/nps.py, --quarter, current]",
            show_input=False,
        )
    if isinstance(value, list) and not value:
        raise invalid("must name a program: [program, arguments ...]")
    return tuple(value) if isinstance(value, list) else value


def _scope_path(value: str) -> str:
    """``acme/support``: a project or group path, never an id, a URL or ``..``."""
    text = value.strip().strip("/")
    parts = text.split("/")
    if not text or any(not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", p) for p in parts):
        raise invalid("must be a project or group path like acme/support (no URL, no id)")
    if any(set(part) <= {"."} for part in parts):
        raise invalid("must be a project or group path like acme/support, without '.' or '..'")
    return text


Colour = Annotated[str, BeforeValidator(_colour), TypeName("colour")]
Username = Annotated[str, AfterValidator(check_username), TypeName("username")]
CommandName = Annotated[str, AfterValidator(_command_name), TypeName("command name")]
Argv = Annotated[
    tuple[Annotated[str, Field(min_length=1)], ...],
    BeforeValidator(_argv),
    TypeName("list of words"),
]
ScopePath = Annotated[str, AfterValidator(_scope_path), TypeName("project or group path")]
LabelName = Annotated[str, AfterValidator(_label_name), TypeName("label name")]
RuleId = Annotated[str, AfterValidator(_rule_id), TypeName("rule id")]
Fraction = Annotated[float, Field(ge=0, le=1), TypeName("number from 0 to 1")]
Weeks = Annotated[int, Field(ge=0, le=13), TypeName("weeks (0 to 13)")]


def unique(what: str, name: Callable[[Any], str] = str) -> Callable[[Any], Any]:
    """A field validator: the items of a list are unique."""

    def check(items: tuple[Any, ...]) -> tuple[Any, ...]:
        seen: set[str] = set()
        for item in items:
            if name(item) in seen:
                raise invalid(f"{what} {name(item)!r} is listed twice", show_input=False)
            seen.add(name(item))
        return items

    return check


def not_above(limits: Mapping[str, str]) -> Callable[[Any, Any, ValidationInfo], Any]:
    """A field validator: a value is not above the value of another, earlier field."""

    def check(cls: Any, value: Any, info: ValidationInfo) -> Any:
        other = limits[info.field_name or ""]
        if other in info.data and value > info.data[other]:
            raise invalid(f"must not be more than {other} ({info.data[other]})")
        return value

    return check


def not_below(limits: Mapping[str, str]) -> Callable[[Any, Any, ValidationInfo], Any]:
    """A field validator: a value is not below the value of another, earlier field."""

    def check(cls: Any, value: Any, info: ValidationInfo) -> Any:
        other = limits[info.field_name or ""]
        if other in info.data and value < info.data[other]:
            raise invalid(f"must not be less than {other} ({info.data[other]})")
        return value

    return check
