"""The data ``okrflow demo`` plays: a realistic quarter and its config (package data, no
code; the demo itself is :mod:`okrflow.commands.demo`)."""
