"""A metric source as the OKR file (and ``new kr --source``) writes one, turned into
the :class:`~okrflow.core.model.MetricSource` okrflow keeps."""

from __future__ import annotations

from okrflow.config.okrfile.schema import SourceSpec
from okrflow.config.yamlfile import KeyPath
from okrflow.core.model import MetricSource, SourceKind

__all__ = ["SourceProblem", "metric_source"]


class SourceProblem(Exception):
    """A source mapping that names no source, or two; ``under``: the key it is under."""

    def __init__(self, message: str, under: KeyPath = ()) -> None:
        super().__init__(message)
        self.message, self.under = message, under


def metric_source(source: SourceSpec) -> MetricSource:
    """The metric source a validated source mapping says (the OKR file's, ``new kr
    --source``'s); :class:`SourceProblem` when it names none or several."""
    given = [x for x in (source.initiatives, source.query, source.command) if x is not None]
    if len(given) != 1:
        raise SourceProblem("write exactly one of initiatives:, query: or command:")
    if source.initiatives is not None:
        measure = source.initiatives.measure
        return MetricSource(SourceKind.INITIATIVES, {"measure": measure} if measure else {})
    if source.query is not None:
        query = source.query
        options: dict[str, str | int | float | list[str]] = {
            "labels": list(query.labels),
            "state": query.state,
            "window_days": query.window_days,
            "measure": query.measure,
        }
        if query.project is not None and query.group is not None:
            raise SourceProblem(
                "a query reads one project or one group: write project: or group:, not both",
                ("query",),
            )
        for name in ("project", "group"):
            if getattr(query, name) is not None:
                options[name] = getattr(query, name)
        return MetricSource(SourceKind.QUERY, options)
    assert source.command is not None
    return MetricSource(SourceKind.COMMAND, {"command": source.command})
