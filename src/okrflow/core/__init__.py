"""The pure core of okrflow: plain objects in and out, no network, no GitLab.

Nothing in this package may import ``gitlab``, ``click`` or ``requests``.
"""
