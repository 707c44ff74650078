"""The core is pure: importing it pulls in no GitLab client, no CLI and no HTTP library,
and its source names none of them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "src" / "okrflow" / "core"
FORBIDDEN = ("gitlab", "click", "requests", "responses", "jinja2", "okrflow.adapter")
MODULES = sorted(p.stem for p in CORE.glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("module", MODULES)
def test_core_module_imports_nothing_impure(module: str) -> None:
    tree = ast.parse((CORE / f"{module}.py").read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    bad = {name for name in imported for f in FORBIDDEN if name == f or name.startswith(f + ".")}
    assert not bad, f"okrflow.core.{module} imports {sorted(bad)}"


def test_importing_the_whole_core_loads_no_impure_module() -> None:
    code = (
        "import sys\n"
        + "".join(f"import okrflow.core.{m}\n" for m in MODULES)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN[:5]!r}))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
