"""The OKR repository: okrflow's only road to GitLab, and the only importer of ``gitlab``
and ``requests``.

Owns: the connection (:mod:`~okrflow.adapter.connection` decides where, :mod:`~okrflow.adapter.http`
talks REST through python-gitlab, retries, and maps every failure to one
:class:`~okrflow.errors.GitLabError` line), plain records of what GitLab holds
(:mod:`~okrflow.adapter.records`), and :class:`OkrRepository`: OKRs loaded into core
objects and saved back, found by reference, key or record block, created once,
commented with markers, labels, board and templates installed, metric sources read.
A dry run plans its writes (:mod:`~okrflow.adapter.planned`) and sends only reads.

May import: the standard library, python-gitlab, requests, ``okrflow.core``,
``okrflow.errors`` and ``okrflow.redaction``. Commands use only the names below.
"""

from okrflow.adapter.comment_events import CommentBatch, CommentEvent
from okrflow.adapter.connection import ConnectionSettings, resolve_connection
from okrflow.adapter.exposure import token_exposures
from okrflow.adapter.install import Place
from okrflow.adapter.issues import DESCRIPTION_MAX
from okrflow.adapter.pace import PRESETS, Budget, Pacer, budget_of
from okrflow.adapter.planned import PlannedBoard, PlannedIssue, PlannedNote, PlannedWrite
from okrflow.adapter.records import IssueRecord, LabelRecord, LinkRecord, NoteRecord
from okrflow.adapter.refs import FORMS, IssueRef, local_iid, parse_ref, scope_ref
from okrflow.adapter.repository import (
    NewIssue,
    OkrRepository,
    RecordKey,
    description_changes,
    label_changes,
    new_description,
)
from okrflow.adapter.snapshot import (
    LoadedIssue,
    LoadedKpi,
    Snapshot,
    assemble,
    is_okr,
    read_kpi_record,
    read_record,
)

__all__ = [
    "DESCRIPTION_MAX",
    "FORMS",
    "PRESETS",
    "Budget",
    "CommentBatch",
    "CommentEvent",
    "ConnectionSettings",
    "IssueRecord",
    "IssueRef",
    "LabelRecord",
    "LinkRecord",
    "LoadedIssue",
    "LoadedKpi",
    "NewIssue",
    "NoteRecord",
    "OkrRepository",
    "Pacer",
    "Place",
    "PlannedBoard",
    "PlannedIssue",
    "PlannedNote",
    "PlannedWrite",
    "RecordKey",
    "Snapshot",
    "assemble",
    "budget_of",
    "description_changes",
    "is_okr",
    "label_changes",
    "local_iid",
    "new_description",
    "parse_ref",
    "read_kpi_record",
    "read_record",
    "resolve_connection",
    "scope_ref",
    "token_exposures",
]
