"""The bad-input corpus: malformed, hostile and hand-edited input through the installed okrflow."""
