"""Lint: the rules a well-formed set of OKRs follows.

Each rule has a kebab-case id, a default severity and a message that tells the
author what to do. Errors block lifecycle moves (:func:`blocking_findings`);
warnings are reported only. :data:`RULES` lists them all for the docs:

==========================  ========  ==================================================
id                          severity  rule
==========================  ========  ==================================================
``kr-count``                warning   an objective has 3 to 5 key results
``measurable``              error     a key result's statement can be measured
``owner``                   error     every objective and key result has an owner (DRI)
``purpose``                 error     every objective says why it matters
``one-state``               error     exactly one lifecycle state
``quarter``                 error     every objective has a quarter; its KRs agree
``kr-attached``             error     every key result belongs to an objective
``duplicate-key``           error     keys are unique
``active-has-krs``          error     an objective under review or active has key results
``weight-positive``         error     weights are above 0 (0 is a warning: left out)
``statement-placeholder``   warning   no template placeholder is left in the text
``template-sections``       warning   no section of the issue template is left empty
==========================  ========  ==================================================

:class:`RuleSettings` turns rules off or changes their severity; an unknown rule id
is a ``ValueError`` naming the known ones.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from okrflow.core.counts import count as plural_count
from okrflow.core.model import KeyResult, Objective, State

__all__ = [
    "DEFAULT_SETTINGS",
    "KR_MAX",
    "KR_MIN",
    "RULES",
    "Finding",
    "Rule",
    "RuleSettings",
    "Severity",
    "blocking_findings",
    "lint",
]

KR_MIN = 3
KR_MAX = 5


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the default
    summary: str


@dataclasses.dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    key: str
    iid: int | None
    message: str
    project: str = ""  # in a group scope, the path of the OKR's project

    @property
    def where(self) -> str:
        """``#12`` (in a group scope ``acme/sales#12``) once the OKR is in GitLab, else
        its key."""
        return f"{self.project}#{self.iid}" if self.iid is not None else self.key

    def to_json(self) -> dict[str, Any]:
        """The finding as the JSON report document and ``lint --json`` list it."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "where": self.where,
            "iid": self.iid,
            **({"reference": self.where} if self.project else {}),
            "key": self.key,
            "message": self.message,
        }


_E, _W = Severity.ERROR, Severity.WARNING
RULES: Mapping[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("kr-count", _W, f"an objective has {KR_MIN} to {KR_MAX} key results"),
        Rule("measurable", _E, "a key result's statement can be measured"),
        Rule("owner", _E, "every objective and key result has an owner (DRI)"),
        Rule("purpose", _E, "every objective says why it matters"),
        Rule("one-state", _E, "an objective or key result has exactly one lifecycle state"),
        Rule("quarter", _E, "every objective has a quarter and its key results agree"),
        Rule("kr-attached", _E, "every key result belongs to an objective"),
        Rule("duplicate-key", _E, "objective keys and key-result keys are unique"),
        Rule("active-has-krs", _E, "an objective under review or active has key results"),
        Rule(
            "weight-positive",
            _E,
            "weights are above 0 (a weight of 0 is a warning: left out of the rollup)",
        ),
        Rule("statement-placeholder", _W, "no template placeholder is left in titles"),
        Rule("template-sections", _W, "no section of the issue template is left empty"),
    )
}


def _check_ids(ids: Iterable[str]) -> None:
    unknown = sorted(set(ids) - set(RULES))
    if unknown:
        raise ValueError(
            f"unknown rule id {', '.join(unknown)}: known rules are {', '.join(RULES)}"
        )


@dataclasses.dataclass(frozen=True)
class RuleSettings:
    """Which rules run and how severe they are.

    ``disabled``: rule ids that do not run. ``severities``: rule id -> severity
    (``"error"`` or ``"warning"``) replacing the default; for ``weight-positive`` it
    applies to negative and zero weights alike. Unknown ids raise ``ValueError``.
    """

    disabled: Collection[str] = frozenset()
    severities: Mapping[str, Severity | str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_ids([*self.disabled, *self.severities])
        levels: dict[str, Severity] = {}
        for rule, level in self.severities.items():
            try:
                levels[rule] = Severity(level)
            except ValueError:
                raise ValueError(
                    f"severity {level!r} for rule {rule} is unknown: use error or warning"
                ) from None
        object.__setattr__(self, "disabled", frozenset(self.disabled))
        object.__setattr__(self, "severities", levels)

    def severity(self, rule: str, default: Severity | None = None) -> Severity:
        """The severity a finding of ``rule`` gets (``default``: the rule's own)."""
        override = self.severities.get(rule)
        if override is not None:
            return Severity(override)
        return default if default is not None else RULES[rule].severity

    def enabled(self, rule: str) -> bool:
        return rule not in self.disabled


DEFAULT_SETTINGS = RuleSettings()

# Text a template leaves for the author to replace: "<Verb> <measure> from <x> to <y>",
# "[_N<sub>3</sub>_]" (a number kept elsewhere), TODO / TBD / FIXME, XX, ???.
_PLACEHOLDER = re.compile(
    r"<[A-Za-z][^<>]{0,40}>|\[_N[^\]]{0,30}_\]|\b(?:TODO|TBD|TBC|FIXME|X{2,})\b|\?{3,}"
)

_Raw = tuple[str, str, Severity | None]  # rule, message, severity if not the rule's default


def _placeholder(text: str) -> str | None:
    found = _PLACEHOLDER.search(text)
    return found.group(0) if found else None


def _state_check(thing: str, state: State | None, states: tuple[State, ...]) -> str | None:
    """Exactly one lifecycle state: ``state`` set, and at most that one label found."""
    if len(states) > 1:
        titles = " and ".join(s.display for s in states)
        return (
            f"{thing} has several lifecycle states ({titles}): keep exactly one "
            "(okrflow move sets it)"
        )
    if state is None or (states and state not in states):
        return (
            f"{thing} has no lifecycle state: give it exactly one of In Draft, Under Review, "
            "Active or Closed (okrflow move sets it)"
        )
    return None


def _weight_check(thing: str, weight: float) -> tuple[str, Severity] | None:
    if math.isfinite(weight) and weight > 0:
        return None
    if weight == 0:
        return (
            f"{thing} has weight 0, so it is excluded from rollup: give it a positive "
            "weight or remove it",
            Severity.WARNING,
        )
    return f"{thing} has weight {weight}: use a number above 0", Severity.ERROR


def _sections_check(thing: str, missing: tuple[str, ...]) -> _Raw | None:
    if not missing:
        return None
    names = ", ".join(repr(name) for name in missing)
    noun, pronoun = ("section", "it") if len(missing) == 1 else ("sections", "them")
    message = f"{thing} leaves the template {noun} {names} empty: fill {pronoun} in"
    return "template-sections", message, None


def _objective_findings(objective: Objective) -> Iterator[_Raw]:
    count = len(objective.key_results)
    if count < KR_MIN:
        proposed = len(objective.proposed_key_results)
        hint = (
            f" (its description proposes {proposed}: open them with okrflow new kr)"
            if proposed
            else ""
        )
        yield (
            "kr-count",
            f"objective has {plural_count(count, 'key result')}; an objective needs {KR_MIN} to "
            f"{KR_MAX}: add {KR_MIN - count} more{hint}",
            None,
        )
    elif count > KR_MAX:
        yield (
            "kr-count",
            f"objective has {count} key results; an objective needs {KR_MIN} to {KR_MAX}: "
            f"drop {count - KR_MAX} or move {'it' if count - KR_MAX == 1 else 'them'} "
            "to another objective",
            None,
        )
    if not (objective.owner or "").strip():
        yield "owner", "objective has no owner: assign its DRI (the issue's assignee)", None
    if not objective.purpose.strip():
        yield (
            "purpose",
            "objective has no purpose: every goal needs a purpose: say why it matters",
            None,
        )
    problem = _state_check("objective", objective.state, objective.states)
    if problem:
        yield "one-state", problem, None
    if not (objective.quarter or "").strip():
        yield "quarter", "objective has no quarter: label it with one, e.g. FY24-Q1", None
    if objective.state in (State.REVIEW, State.ACTIVE) and not objective.key_results:
        yield (
            "active-has-krs",
            f"objective is {objective.state.display.lower()} but has no key results: add "
            f"{KR_MIN} to {KR_MAX}, or move it back to In Draft",
            None,
        )
    weight = _weight_check("objective", objective.weight)
    if weight:
        yield "weight-positive", weight[0], weight[1]
    for text, what in ((objective.title, "title"), (objective.purpose, "purpose")):
        found = _placeholder(text)
        if found:
            yield (
                "statement-placeholder",
                f"objective {what} still has the placeholder {found!r}: replace it with "
                "the real text",
                None,
            )
    sections = _sections_check("objective", objective.missing_sections)
    if sections:
        yield sections


def _key_result_findings(kr: KeyResult, objective: Objective | None) -> Iterator[_Raw]:
    if kr.metric is None:
        reason = kr.statement_problem or "okrflow cannot read a start and a target from it"
        yield (
            "measurable",
            f"key result is not measurable: {reason}; write it as "
            "'<Verb> <measure> from <x> to <y>' or set start and target",
            None,
        )
    if not (kr.owner or "").strip():
        yield "owner", "key result has no owner: assign its DRI (the issue's assignee)", None
    problem = _state_check("key result", kr.state, kr.states)
    if problem:
        yield "one-state", problem, None
    if (
        objective is not None
        and kr.quarter
        and objective.quarter
        and kr.quarter != objective.quarter
    ):
        yield (
            "quarter",
            f"key result is in {kr.quarter} but its objective is in {objective.quarter}: "
            "give both the same quarter",
            None,
        )
    if objective is None:
        yield (
            "kr-attached",
            "key result is not attached to an objective: link it to one "
            "(okrflow new kr --objective REF) or close it",
            None,
        )
    weight = _weight_check("key result", kr.weight)
    if weight:
        yield "weight-positive", weight[0], weight[1]
    found = _placeholder(kr.title)
    if found:
        yield (
            "statement-placeholder",
            f"key result statement still has the placeholder {found!r}: replace it with "
            "the real number or words",
            None,
        )
    sections = _sections_check("key result", kr.missing_sections)
    if sections:
        yield sections


def lint(
    objectives: Sequence[Objective],
    orphans: Sequence[KeyResult] = (),
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """Check OKRs against :data:`RULES`; findings in a stable order.

    Order: each objective as given, followed by its key results in order, then the
    key results without an objective (``orphans``); for one OKR, rules in the order
    of :data:`RULES`. The second and later uses of a key are ``duplicate-key``
    findings (objective keys and key-result keys are checked separately; orphans
    count among the key results). A key result that counts for several objectives
    (listed under each) is checked once, against its home objective.
    """
    rank = {rule: i for i, rule in enumerate(RULES)}
    findings: list[Finding] = []
    objective_keys: dict[str, Objective] = {}
    kr_keys: dict[str, KeyResult] = {}
    homes = {o.key: o for o in reversed(objectives)}  # a shared key result's home objective

    def emit(okr: Objective | KeyResult, raw: Iterable[_Raw]) -> None:
        batch = sorted(raw, key=lambda item: rank[item[0]])
        for rule, message, level in batch:
            if settings.enabled(rule):
                severity = settings.severity(rule, level)
                findings.append(Finding(rule, severity, okr.key, okr.iid, message, okr.project))

    def duplicate(kind: str, key: str, first: Objective | KeyResult) -> _Raw:
        where = str(first.issue_id) if first.issue_id is not None else f"another {kind}"
        return (
            "duplicate-key",
            f"{kind} key {key!r} is also used by {where}: keys must be unique; "
            "give this one another key",
            None,
        )

    def key_result(kr: KeyResult, objective: Objective | None) -> None:
        if kr_keys.get(kr.key) is kr:
            return  # one key result listed under each objective it counts for: once
        raw = list(_key_result_findings(kr, objective))
        if kr.key in kr_keys:
            raw.append(duplicate("key result", kr.key, kr_keys[kr.key]))
        else:
            kr_keys[kr.key] = kr
        emit(kr, raw)

    for objective in objectives:
        raw = list(_objective_findings(objective))
        if objective.key in objective_keys:
            raw.append(duplicate("objective", objective.key, objective_keys[objective.key]))
        else:
            objective_keys[objective.key] = objective
        emit(objective, raw)
        for kr in objective.key_results:  # judged against its home objective
            key_result(kr, homes.get(kr.objective or "", objective) if kr.also else objective)
    for kr in orphans:
        key_result(kr, None)
    return findings


def blocking_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The error-level findings: these refuse a lifecycle move."""
    return [finding for finding in findings if finding.severity is Severity.ERROR]
