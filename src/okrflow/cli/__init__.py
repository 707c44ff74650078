"""The command line: click only. Each command converts its options, calls one library
function of :mod:`okrflow.commands` and prints the result it returns.

Owns the lazy command registry (``okrflow --help`` imports no command module),
the options every command shares (:mod:`okrflow.cli.options`: config, connection and
verbosity, before or after the command's name), the terminal (:mod:`okrflow.cli.output`)
and the one error boundary (:mod:`okrflow.cli.main`).

May import: click, ``okrflow.commands``, ``okrflow.core``, ``okrflow.config``,
``okrflow.render``, ``okrflow.errors``, ``okrflow.redaction`` and ``okrflow.sandbox``
(to serve it); never the adapter: commands reach GitLab, the CLI does not.
"""
