"""Faults and kill-and-rerun: okrflow under a GitLab that fails, and a run killed at any write."""
