"""The core is pure: every module it imports is of the standard library or of the core
itself (an allow list: nothing else gets in unnoticed), and importing the whole core
loads nothing else."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "src" / "okrflow" / "core"
MODULES = sorted(p.stem for p in CORE.glob("*.py") if p.stem != "__init__")
STDLIB = sys.stdlib_module_names


def allowed(module: str) -> bool:
    return (
        module == "okrflow.core"
        or module.startswith("okrflow.core.")
        or (module.split(".")[0] in STDLIB)
    )


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "the core imports by absolute name"
            names.add(node.module or "")
    return names


@pytest.mark.parametrize("module", MODULES)
def test_a_core_module_imports_only_the_standard_library_and_the_core(module: str) -> None:
    tree = ast.parse((CORE / f"{module}.py").read_text(encoding="utf-8"))
    bad = sorted(name for name in imported(tree) if not allowed(name))
    assert not bad, f"okrflow.core.{module} imports {bad}"


def test_the_allow_list_refuses_what_used_to_slip_through() -> None:
    for name in ("okrflow.errors", "okrflow", "okrflow.adapter", "gitlab", "jinja2", "yaml"):
        assert not allowed(name)
    assert allowed("okrflow.core.model") and allowed("collections.abc")


def test_importing_the_whole_core_loads_nothing_but_the_core_and_the_standard_library() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        + "".join(f"import okrflow.core.{m}\n" for m in MODULES)
        + "new = sorted(m for m in set(sys.modules) - before if m.split('.')[0] not in "
        "sys.stdlib_module_names and not m.startswith('okrflow.core') and m != 'okrflow')\n"
        "print(new)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
