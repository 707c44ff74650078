"""The pure core of okrflow: what an OKR is and how its numbers come about.

Owns the model (objectives, key results, check-ins, metrics), key-result statements
and values, the fiscal calendar, scoring and health, the lifecycle and its checks,
lint rules, check-in comments and bookkeeping, okrflow's blocks in a description, the
metric maths, how an OKR file differs from GitLab, and the JSON report document.
Plain objects in and out: no network, no files, no templates, no clock of its own.

May import: the standard library and ``okrflow.core`` only (a test holds it to that).
Its errors are its own (:mod:`okrflow.core.errors`); the layers above map them.
"""
