"""The OKRs-as-code file of ``okrflow apply`` and ``okrflow plan``: schema, loader, checks.

:func:`load_okr_file` reads a YAML file (``config/okrs.example.yml`` shows every key)
into an :class:`OkrFile` of core :class:`~okrflow.core.model.Objective` objects with
their :class:`~okrflow.core.model.KeyResult` objects attached. It reads the file and
nothing else. The first mistake is one :class:`~okrflow.errors.ConfigError` (exit 2)
naming file, line and key path: ``okrs.yml:14: objectives[1].key_results[0].title: ...``.

Modules: ``schema`` (the pydantic models), ``loader`` (checks and conversion), ``kpis``
(the ``kpis:`` entries).

Rules:

- ``quarter`` is required and must be a quarter of the fiscal calendar; it is written
  the calendar's way (``fy22 q2`` becomes ``FY22-Q2``).
- Keys are letters, digits, ``-``, ``_`` and ``.``, starting with a letter or digit (not
  ``iid-<n>``, which names issues okrflow has no key for). Objective keys are unique in
  the file, key-result keys unique within their objective. A key result's key is
  qualified by its objective's: ``company-valuable/wau`` (what GitLab's metadata holds).
- ``parent`` is a key or a list of keys, at any depth. A key in the file must not lead
  back to itself (a cycle); a key not in the file names an objective already in GitLab,
  looked up when the file is applied (:attr:`OkrFile.external_parents`).
- A key result's metric is read from its ``title`` (``parse_statement`` of
  :mod:`okrflow.core.statements`). Explicit ``start``, ``target``, ``unit`` and
  ``direction`` win over what the statement says; a statement that cannot be read
  needs at least ``start`` and ``target``. With explicit numbers, a count that no
  longer starts at 0 or a milestone that is no longer 0 -> 1 becomes a from/to metric;
  a threshold whose start and target differ too; a from/to metric needs a start
  different from its target.
- Defaults: ``kind: committed``, ``level: team``, ``weight: 1``, ``source: manual``; a
  key result's owner is its objective's owner unless it names its own.
- ``source`` is ``manual``, ``initiatives``, ``{initiatives: {measure: share | count}}``,
  ``{query: {labels, state, window_days, measure, project | group}}`` (``project`` or
  ``group``, not both: where it lists issues, default the scope; ``apply`` refuses one
  outside the scope and ``metrics.allowed_scopes``) or ``{command: <name>}`` (a command
  of the config's ``metrics.commands``). ``new kr --source`` takes the same
  (:func:`source_from_text`).
- ``also`` (a key result): the keys of further objectives it counts for, in the file or
  already in GitLab, of the file's quarter: one issue, counted once in each.
- ``kpis`` (optional; a file may hold KPIs only, but not nothing) lists standing
  measures: ``key`` (unique among the KPIs), ``title`` (the measure, its healthy range
  read from it unless ``low``/``high``/``unit`` say it), ``owner``, ``team`` and
  ``source`` (``manual`` or a query or command); see :mod:`~okrflow.config.okrfile.kpis`.
  An objective's ``kpis`` names the KPIs it protects: keys of the file's KPIs or of KPIs
  already in GitLab (looked up when the file is applied: :attr:`OkrFile.external_kpis`).
"""

from __future__ import annotations

from okrflow.config.okrfile.loader import (
    OkrFile,
    Place,
    kr_key,
    load_okr_file,
    source_from_text,
)
from okrflow.config.okrfile.schema import (
    KEY_PATTERN,
    InitiativesSpec,
    KeyResultSpec,
    KpiSpec,
    ObjectiveSpec,
    OkrFileSpec,
    QuerySpec,
    SourceSpec,
)

__all__ = [
    "KEY_PATTERN",
    "InitiativesSpec",
    "KeyResultSpec",
    "KpiSpec",
    "ObjectiveSpec",
    "OkrFile",
    "OkrFileSpec",
    "Place",
    "QuerySpec",
    "SourceSpec",
    "kr_key",
    "load_okr_file",
    "source_from_text",
]
