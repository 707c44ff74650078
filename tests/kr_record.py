"""What okrflow records of an issue, read from the emulator: its own metadata block and,
for a key result, the entry its objective keeps of it (:mod:`okrflow.core.kr_records`).
Shared by the command tests and the bad-input cases."""

from __future__ import annotations

from okrflow.core import kr_records
from okrflow.core.description import split
from okrflow.core.meta import Meta
from okrflow.sandbox import SANDBOX_PROJECT, Emulator


def meta_of(emu: Emulator, iid: int, project: str = SANDBOX_PROJECT) -> Meta:
    """The issue's own metadata block."""
    data = split(emu.issue(project, iid).description).meta
    assert data is not None, f"#{iid} has no okrflow record"
    return Meta.from_dict(data)[0]


def record_of(emu: Emulator, iid: int, project: str = SANDBOX_PROJECT) -> Meta:
    """Key result ``iid``'s own block merged with the entry its objective keeps of it
    (its own block alone when the objective keeps none)."""
    own = meta_of(emu, iid, project)
    if own.objective_iid is None:
        return own
    kept = kr_records.entries(meta_of(emu, own.objective_iid, project))
    return kr_records.merged(own, kept.get(str(iid)))
