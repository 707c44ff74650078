"""okrflow: objectives and key results kept in GitLab."""

__version__ = "0.1.0"
