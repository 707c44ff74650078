"""The words of key-result statements: verbs, comparators and markdown, for the reader in
:mod:`okrflow.core.statements` (whose docstring states the rules).
"""

from __future__ import annotations

import re
from typing import Final

from okrflow.core.measures import NUMBER_WORDS
from okrflow.core.model import Direction, MetricKind
from okrflow.core.values import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, Quantity

__all__ = [
    "ACTIVITY",
    "ATTAIN",
    "COUNT_VERBS",
    "DECREASE",
    "GROWTH",
    "IMPROVE",
    "JOINED",
    "KEEP",
    "TO",
    "TO_FROM",
    "StatementError",
    "clean",
    "comparator",
    "is_milestone",
    "leading_verb",
    "number_word",
    "verb_end",
]


class StatementError(ValueError):
    """A key result whose statement cannot be read; ``reason`` says why and what to do.

    ``code`` names the problem for tools: ``empty``, ``activity``, ``no-number``,
    ``number-word``, ``placeholder``, ``several-measures``, ``range``, ``relative``,
    ``no-target``, ``no-change``, ``direction``, ``unknown-direction``,
    ``units``, ``ambiguous``, ``out-of-range`` (and, for a KPI, ``not-a-range``).
    ``placeholder`` is true when the number is
    still to be filled in; ``kind`` is then what the statement would be.
    """

    def __init__(
        self, reason: str, *, code: str, placeholder: bool = False, kind: MetricKind | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.placeholder = placeholder
        self.kind = kind


def _forms(*stems: str) -> str:
    """A regex alternation of the verb forms of ``stems`` (reduce, reduces, reduced ...)."""
    words: set[str] = set()
    for stem in stems:
        base = stem[:-1] if stem.endswith("e") else stem
        words |= {stem, f"{stem}s", f"{base}ed", f"{base}ing", f"{stem}es"}
    return r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"


GROWTH: Final = re.compile(
    _forms("increase", "grow", "raise", "boost", "expand", "lift", "double", "triple", "quadruple")
    + r"|\b(?:grew|grown)\b",
    re.IGNORECASE,
)
DECREASE: Final = re.compile(
    _forms("reduce", "decrease", "cut", "lower", "shrink", "drop", "shorten", "halve")
    + "|"
    + _forms("minimise", "minimize", "lessen", "trim", "slash", "eliminate")
    + r"|\b(?:dropped|dropping|trimmed|trimming|cutting)\b",
    re.IGNORECASE,
)
KEEP: Final = re.compile(
    _forms("keep", "maintain", "sustain", "stay", "remain", "preserve", "hold")
    + r"|\b(?:kept|held)\b",
    re.IGNORECASE,
)
MILESTONE_VERBS: Final = frozenset(
    """achieve adopt agree appoint approve attain audit automate become benchmark build
    certify choose commit complete conduct consolidate create decide define deliver deploy
    deprecate design document earn enable establish finalise finalize finish form get hire
    host implement integrate introduce kick lay launch meet migrate move obtain onboard
    open organise organize pass pilot prepare produce prove publish rebuild recruit
    redesign release replace retire rewrite roll run secure select set ship sign stand
    standardise standardize start sunset switch transition upgrade validate write
    identify resume solidify formalise formalize evaluate assess""".split()  # noqa: SIM905
)
DONE: Final = re.compile(
    r"""\b(?:adopted|approved|available|achieved|automated|certified|complete|completed
    |compliant|defined|delivered|deployed|documented|done|enabled|established|finali[sz]ed
    |finished|implemented|in\s+place|in\s+production|integrated|launched|migrated
    |provided|published|released|rolled\s+out|set\s+up|shipped|signed(?:\s+off)?)\b
    |\b(?:is|are|goes|go|went)\s+live\b
    |\b(?:is|are|was|were|been|have|has|had)\s+(?:been\s+)?(?:\w+ly\s+)?
     (?:\w+ed|done|built|made|run|begun|won|held|sent|written|chosen|given|taken)\b""",
    re.IGNORECASE | re.VERBOSE,
)
ACTIVITY: Final = re.compile(r"\bworking\s+(?:on|to|towards?)\b", re.IGNORECASE)
AT_LEAST_BEFORE: Final = re.compile(
    r"""(?:\bat\s+least|\bno\s+(?:less|fewer)\s+than|\bnot\s+(?:less|fewer)\s+than
    |\b(?:a\s+)?minimum(?:\s+of)?|\bmin\.|\bat\s+or\s+above|\b(?:more|greater)\s+than
    |\bover|\babove|(?<!from\s)\bexceed(?:ing)?|>=|≥|>)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
AT_MOST_BEFORE: Final = re.compile(
    r"""(?:\bat\s+most|\bno\s+more\s+than|\bnot\s+more\s+than|\b(?:a\s+)?maximum(?:\s+of)?
    |\bmax\.|\bat\s+or\s+below|\b(?:less|fewer)\s+than|\bbelow|\bunder|\bwithin
    |\b(?:from|not|never|not\s+to)\s+exceed(?:ing)?|<=|≤|<)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
AT_LEAST_AFTER: Final = re.compile(r"\s*or\s+(?:more|higher|above|greater|better)\b", re.IGNORECASE)
AT_MOST_AFTER: Final = re.compile(r"\s*or\s+(?:less|fewer|lower|below|under)\b", re.IGNORECASE)
TO: Final = re.compile(
    r"(?:\s*[^\s\d,;]+){0,3}?\s*(?:to|→|->)\s*"
    r"(?:(?:under|below|over|above|at\s+most|at\s+least|(?:less|more|no\s+more)\s+than)\s+)?",
    re.IGNORECASE,
)
#: "to 75% from current 45%": the target first.
TO_FROM: Final = re.compile(
    r"\s*from\s+(?:(?:current|today'?s?|the|a|baseline|of|an)\s+){0,3}", re.IGNORECASE
)
JOINED: Final = re.compile(r";|,|&|\b(?:and|while|plus|but|also)\b", re.IGNORECASE)
_PLACEHOLDER_MD: Final = re.compile(
    r"\[\s*_*\s*(?P<name>[A-Z](?:\s*<sub>\s*\d+\s*</sub>|\d*)|TBD|TBC|\?+)\s*_*\s*\]"
    r"(?:\s*\[[^\]]*\])?"
)


def clean(text: str) -> str:
    """The statement as plain text: markdown gone, placeholders as ``⟦N3⟧``, no asides."""
    s = text.replace("’", "'").replace("“", '"').replace("”", '"')

    def placeholder(match: re.Match[str]) -> str:
        name = re.sub(r"<[^>]*>|\s", "", match["name"])
        return f"{PLACEHOLDER_OPEN}{name}{PLACEHOLDER_CLOSE}"

    s = _PLACEHOLDER_MD.sub(placeholder, s)
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", s)  # images
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)  # inline links
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)  # reference links
    s = re.sub(r"</?(?:sub|sup|b|i|em|strong|br|span|code|a|u|s|del)\b[^>]*>", "", s)
    s = re.sub(r"\*\*|__|`|~~", "", s)
    s = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:KR\s*\d*\s*[:.)-]\s+)?", "", s, flags=re.I)
    previous = None
    while previous != s:
        previous, s = s, re.sub(r"\([^()]*\)", " ", s)
    s = re.sub(r"\bwe've\b", "we have", s, flags=re.IGNORECASE)
    s = re.sub(r"\bwe're\b", "we are", s, flags=re.IGNORECASE)
    return " ".join(s.split()).strip(" .;:")


IMPROVE: Final = re.compile(
    _forms("improve", "optimise", "optimize", "move"),
    re.IGNORECASE,
)
ATTAIN: Final = frozenset("achieve attain reach hit exceed surpass".split())  # noqa: SIM905
#: Verbs that make things: "Land 5 logos", "Fix 10 bugs" count what they make.
COUNT_VERBS: Final = (
    MILESTONE_VERBS
    | frozenset(
        """add gain acquire close fix generate land win resolve contribute collect book
        schedule hold train interview sell convert sign recruit onboard enroll enrol
        publish ship host run conduct""".split()  # noqa: SIM905
    )
) - ATTAIN
_MILESTONE_NOUNS: Final = frozenset(
    """approval sign-off signoff go-live launch completion kickoff kick-off rollout
    roll-out release decision agreement buy-in certification migration deployment
    implementation publication delivery selection""".split()  # noqa: SIM905
)
_SUBJECT: Final = re.compile(
    r"(?:(?:we|i|the\s+team|our\s+team)\s+(?:will\s+|shall\s+|are\s+going\s+to\s+)?)?"
    r"(?P<verb>[A-Za-z][A-Za-z-]*)(?:\s+(?P<next>[A-Za-z]+))?",
    re.IGNORECASE,
)


def leading_verb(s: str) -> str:
    """The word a statement starts with, after a subject ("We will"), lowercase."""
    match = _SUBJECT.match(s)
    return match["verb"].lower() if match else ""


def verb_end(s: str) -> int:
    """Where the leading verb ends (0 without one)."""
    match = _SUBJECT.match(s)
    return match.end("verb") if match else 0


def number_word(s: str) -> str | None:
    """A number written as a word right after the leading verb ("Run four webinars")."""
    match = _SUBJECT.match(s)
    if match is None:
        return None
    for word in (match["verb"], match["next"]):
        if word and word.lower() in NUMBER_WORDS:
            return word
    return None


_STRICT: Final = re.compile(
    r"(?:less|fewer|more|greater)\s+than|below|under|over|above|exceed(?:ing)?|<|>",
    re.IGNORECASE,
)


def comparator(before: str, after: str, quantity: Quantity) -> tuple[Direction, bool] | None:
    """The direction a comparator around a number states (at most: DECREASE, at least:
    INCREASE) and whether it is strict ("under 2h", "more than 20"); None without one."""
    if most := AT_MOST_BEFORE.search(before):
        return Direction.DECREASE, bool(_STRICT.fullmatch(most.group(0).strip()))
    if AT_MOST_AFTER.match(after):
        return Direction.DECREASE, False
    if least := AT_LEAST_BEFORE.search(before):
        return Direction.INCREASE, bool(_STRICT.fullmatch(least.group(0).strip()))
    if AT_LEAST_AFTER.match(after) or quantity.at_least:
        return Direction.INCREASE, False
    return None


def is_milestone(s: str) -> bool:
    """Whether a statement without a number names something done or not (rule 11)."""
    if leading_verb(s) in MILESTONE_VERBS | _MILESTONE_NOUNS:
        return True
    return DONE.search(s) is not None
