"""The one adapter between okrflow and GitLab.

``okrflow.adapter.client`` is the only module in okrflow that imports python-gitlab;
it speaks in plain records (:mod:`okrflow.adapter.records`) and raises only
okrflow's own errors. ``okrflow.adapter.connection`` decides where to connect.
"""

from okrflow.adapter.connection import ConnectionSettings, resolve_connection
from okrflow.adapter.records import IssueRecord, LabelRecord, LinkRecord, NoteRecord

__all__ = [
    "ConnectionSettings",
    "IssueRecord",
    "LabelRecord",
    "LinkRecord",
    "NoteRecord",
    "resolve_connection",
]
