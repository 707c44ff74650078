"""The library behind each command: one module per command, a call a pipeline script can
make as well as the command line.

Each takes a :class:`~okrflow.commands.workspace.Workspace` (``Workspace.open(...)``:
config, connection, clock, reporter) and plain arguments, and returns a
:class:`~okrflow.commands.result.Result`: lines to print, a JSON form, and the error the
run ends with. No command prints; progress and warnings during a run go through the
workspace's :class:`~okrflow.commands.reporter.Reporter`.

May import: ``okrflow.adapter`` (its public names only), ``okrflow.core``,
``okrflow.config``, ``okrflow.render``, ``okrflow.errors``, ``okrflow.redaction``, and
``okrflow.sandbox`` for the demo; never python-gitlab, requests or click.
"""
