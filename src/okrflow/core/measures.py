"""What a key result measures: which way is better, shares, and the word it counts.

Rules:

- **Better lower**, whatever the verb: durations to wait or to finish (latency, delays,
  downtime, lead, cycle, load and handle times, response, reply, resolution and
  turnaround times, ``time to ...``, MTTR, MTTA, MTTD), costs (cost, spend, expenses,
  burn, CAC), losses (churn, attrition, turnover, refunds, abandonment, bounce rate),
  problems (incidents, outages, defects, bugs, errors, failures, crashes,
  vulnerabilities, escalations, complaints, detractors, breaches, backlog, tickets, toil,
  debt, variance, rework). ``response``, ``reply``, ``resolution`` and ``resolve`` alone
  are better lower when the number is a time ("7 day resolution"), not when it is a
  share ("100% resolution within 8 days").
- **Better higher**: satisfaction and ratings (NPS, eNPS, CSAT, ratings), money coming in
  (revenue, ARR, MRR, bookings, pipeline, profit, margin, savings), growth (adoption,
  activation, conversion, retention, engagement, attendance, signups, leads, MQLs ...),
  reliability and quality (uptime, availability, SLA, compliance, accuracy, success,
  completion, coverage, throughput, velocity, MTBF), and, as a weaker sign that any word
  above outweighs, the people and accounts counted, in the plural (users, customers,
  accounts, members ...: "customer churn" is churn). For a time, only time well spent is
  better higher (focus, PTO, training, mentoring, uptime, runway, time spent ...); any
  other time is a time something takes, better shorter ("4h of meetings per day").
- A word better higher right before one better lower qualifies it: "NPS detractors",
  "revenue churn", "CSAT response time" are better lower. Other sentences with words of
  both kinds ("churned revenue", "cost of retention") have no direction of their own: the
  reader then asks for one.
- A **share** is a percentage of something: ``N% of <items>``, ``N% of the time``, or a
  percentage with a time limit (``100% resolution within 8 days``). The share meeting the
  condition is the measure, better higher, unless the condition is a failure (failed,
  escalated, reopened, breached, missed, late, overdue, churned, needing help ...), and
  then better lower; ``without``, ``no`` or ``never`` before it makes it a success again.
- The **unit word** is the noun the number counts, read after it: up to four words,
  ending at the first plural noun ("5 large enterprise logos"), before a word such as
  ``of``, ``from``, ``with``, ``by``, ``in`` or a participle that ends it ("6 recruiters
  hired and onboarded"; "50 qualified leads" keeps "qualified"), and
  with a rate after it ("50 PQLs/week": "PQLs per week"; "$90k/month": "per month").
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from okrflow.core.model import Direction

__all__ = [
    "NUMBER_WORDS",
    "Polarity",
    "is_plural",
    "noun_phrase",
    "polarity",
    "share_direction",
    "singular",
    "unit_word_after",
    "words_match",
]

_I = re.IGNORECASE | re.VERBOSE

_LOWER: Final = re.compile(
    r"""\b(?:latenc(?:y|ies)|lag|delays?|downtime|outages?|incidents?|defects?|bugs?
    |errors?|failures?|crash(?:es)?|churn(?:ed|s)?|attrition|turnover|costs?(?![- ]sav)
    |spend(?:ing)?|expenses?|burn(?:[- ]rate)?|cac|debt|backlogs?|escalations?
    |complaints?|detractors?|abandon(?:ment|ed|s)?|bounce[- ]rate|mtt[rad]|tickets?
    |vulnerabilit(?:y|ies)|toil|variance|rework|waste|refunds?|chargebacks?|breach(?:es)?
    |no[- ]shows?|overdue|p(?:50|75|90|95|99)|time[- ]to[- ][a-z]+|lead[- ]times?
    |cycle[- ]times?|load[- ]times?|wait(?:ing)?[- ]times?|handl(?:e|ing)[- ]times?
    |(?:response|resolution|reply|turnaround|processing|build|review|approval|recovery
    |onboarding)[- ]times?|mean[- ]time[- ]to)\b""",
    _I,
)
_LOWER_TIMES: Final = re.compile(
    r"\b(?:responses?|repl(?:y|ies)|resolutions?|resolve[sd]?|turnaround|first[- ]reply)\b",
    re.IGNORECASE,
)
_HIGHER: Final = re.compile(
    r"""\b(?:e?nps|csat|satisfaction|happiness|ratings?|coverage|adoption|revenue|i?arr|mrr
    |bookings|pipeline|profit(?:ability)?|margins?|savings?|retention|retained
    |conversions?|activation|engagement|attendance|uptime|availability|sla|compliance
    |accuracy|success|completion|throughput|velocity|mtbf|mttf|nrr|grr|ltv|quality
    |automation|reuse|referrals?|signups?|sign-ups?|registrations|leads|mqls?|sqls?|pqls?
    |opportunit(?:y|ies)|deals|logos|champions|followers|subscribers|downloads|installs
    |visits|traffic|clicks|ctr|utili[sz]ation|productivity|win[- ]rate|close[- ]rate
    |open[- ]rate|market[- ]share|deploy(?:ment)?[- ]frequency|promoters)\b""",
    _I,
)
_HIGHER_WEAK: Final = re.compile(
    r"""\b(?:users|customers|accounts|members|people|teammates|engineers|developers
    |devs|companies|prospects|partners|participants|attendees|employees|hires)\b""",
    _I,
)
_HIGHER_TIMES: Final = re.compile(
    r"""\b(?:focus|pto|vacation|holidays?|training|learning|mentoring|coaching|uptime
    |availability|runway|deep[- ]work|time[- ]spent|time[- ]in|watch[- ]time|study|sessions?
    |battery|life(?:time)?)\b""",
    _I,
)
_BAD_CONDITION: Final = re.compile(
    r"""(?P<no>\b(?:without|no|never|not|zero)\s+(?:\w+\s+)?)?
    \b(?:fail(?:ed|s|ing|ures?)?|escalat(?:ed|es|ing|ions?)|reopen(?:ed|s)?|breach(?:ed|es)?
    |miss(?:ed|es)?|late|overdue|churn(?:ed|s)?|lost|rolled\s+back|roll-?backs?
    |(?:need|needs|needed|requir(?:e|es|ed|ing)|request(?:s|ed)?)\s+(?:\w+\s+)?help
    |help\s+requests?|engag(?:e|es|ed|ing)\s+engineering)\b""",
    _I,
)

#: Number words a key result should write in digits.
NUMBER_WORDS: Final = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve fifteen twenty
    thirty forty fifty hundred dozen""".split()  # noqa: SIM905
)
_FUNCTION_WORDS: Final = frozenset(
    """a an the of from with in on for by to into onto at as that who which where when
    while and or but per within over under above below across through via before after
    during than are is was were be been being have has had will would can could should
    must may might do does did each every all this these those its their our we they it
    not no only using including if so vs versus about around among between up down out
    off against toward towards without because enabling like such more less most least
    than every each any some""".split()  # noqa: SIM905
)
_IRREGULAR_PLURALS: Final = frozenset({"people", "children", "men", "women", "staff", "data"})
_WORD: Final = re.compile(r"\s*([A-Za-z][\w'’&-]*(?:/[A-Za-z]+)?)")
_RATE: Final = re.compile(
    r"(?:\s*/\s*|\s+per\s+|\s+an?\s+|\s+every\s+|\s+each\s+)"
    r"(?P<period>week|day|month|quarter|year|hour|sprint)s?\b",
    re.IGNORECASE,
)
_PERIOD: Final = re.compile(r"(?:week|day|month|quarter|year|hour|sprint)s?", re.IGNORECASE)
_MORE: Final = re.compile(
    r"(?:\s*or\s+(?:more|higher|above|greater|better|less|fewer|lower|below|under)\b)?",
    re.IGNORECASE,
)


class Polarity(NamedTuple):
    """Which way a measure is better (None: the words do not say) and the word that says."""

    direction: Direction | None
    word: str = ""
    other: str = ""  # with direction None: the word that pulls the other way
    strong: bool = True  # False: only a word for what is counted (users, customers)


def polarity(sentence: str, *, timed: bool = False) -> Polarity:
    """Which way the measure ``sentence`` names is better (see the module rules).

    ``timed``: the number is a time, so response/resolution words are times to wait and
    only time well spent is better higher.
    """
    lower = _LOWER.search(sentence) or (_LOWER_TIMES.search(sentence) if timed else None)
    higher = (_HIGHER_TIMES if timed else _HIGHER).search(sentence)
    if lower is not None and higher is not None:
        if not _adjacent(higher, lower):
            return Polarity(None, lower.group(0), higher.group(0))
        higher = None  # "NPS detractors", "revenue churn": the later word is the measure
    if lower is not None:
        return Polarity(Direction.DECREASE, lower.group(0))
    if higher is not None:
        return Polarity(Direction.INCREASE, higher.group(0))
    if timed:  # a time something takes: better shorter
        return Polarity(Direction.DECREASE, "a duration", strong=False)
    weak = _HIGHER_WEAK.search(sentence)
    if weak is not None:
        return Polarity(Direction.INCREASE, weak.group(0), strong=False)
    return Polarity(None)


def _adjacent(first: re.Match[str], second: re.Match[str]) -> bool:
    """Whether ``first`` stands right before ``second`` (and so qualifies it)."""
    return first.end() < second.start() and not first.string[first.end() : second.start()].strip()


def share_direction(condition: str) -> Direction:
    """Which way a share is better: lower when its ``condition`` is a failure."""
    for match in _BAD_CONDITION.finditer(condition):
        if not match["no"]:
            return Direction.DECREASE
    return Direction.INCREASE


def is_plural(word: str) -> bool:
    """Whether ``word`` reads as a plural noun (``logos``, ``SDRs``, ``people``)."""
    low = word.lower()
    if low in _IRREGULAR_PLURALS:
        return True
    return len(low) > 2 and low.endswith("s") and not low.endswith(("ss", "us", "is"))


def singular(word: str) -> str:
    """``customers`` -> ``customer``, ``studies`` -> ``study``; lowercase."""
    low = word.lower()
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes")):
        return low[:-2]
    if is_plural(low) and low not in _IRREGULAR_PLURALS:
        return low[:-1]
    return low


def noun_phrase(text: str, at: int) -> tuple[list[str], str, int]:
    """The noun phrase a number counts, read from ``text[at:]``: its words, its rate
    (``"week"`` for "/week", ``""`` for none) and where it ends."""
    more = _MORE.match(text, at)
    pos_ = more.end() if more else at
    words: list[str] = []
    period = ""
    while len(words) < 4:
        match = _WORD.match(text, pos_)
        if match is None:
            break
        word, _, per = match.group(1).partition("/")
        if per and not _PERIOD.fullmatch(per):
            word, per = match.group(1), ""  # "customers/prospects": one noun
        low = word.lower()
        if low in _FUNCTION_WORDS or (words and _predicate(text, match, low)):
            break
        words.append(word)
        pos_ = match.end()
        if per:
            period = per.lower().rstrip("s")
            break
        if is_plural(word):
            break
    rate = _RATE.match(text, pos_)
    if rate and not period:
        period, pos_ = rate["period"].lower(), rate.end()
    return words, period, pos_


def _predicate(text: str, match: re.Match[str], low: str) -> bool:
    """An adverb, or a participle that ends the phrase ("6 recruiters hired and ..."), not
    one before a noun ("50 new qualified leads")."""
    if len(low) <= 4 or not low.endswith(("ed", "ly")):
        return False
    following = _WORD.match(text, match.end())
    return low.endswith("ly") or following is None or following.group(1).lower() in _FUNCTION_WORDS


def unit_word_after(text: str, at: int) -> str:
    """The unit word of the number ending at ``text[at]``: "customers", "PQLs per week"."""
    words, period, _ = noun_phrase(text, at)
    shown = " ".join(words)
    if period:
        shown = f"{shown} per {period}".strip()
    return shown


def words_match(given: str, unit_word: str) -> bool:
    """Whether the words of a check-in (``"logos"``, ``"customer"``, ``"/month"``) name the
    key result's unit word: each one is among its words, singular or plural."""
    norm = re.sub(r"\s*/\s*|\s+an?\s+", " per ", f" {given} ", flags=re.IGNORECASE)
    words = [singular(w) for w in norm.split()]
    known = {singular(w) for w in unit_word.split()}
    return bool(words) and all(word in known for word in words)
