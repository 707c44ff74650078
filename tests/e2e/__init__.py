"""End-to-end tests (a package, so their module names may repeat those of unit tests)."""
