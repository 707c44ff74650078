"""The layout shows the architecture, and the code keeps to it.

Read from the source (``ast``), not by importing it: the top level holds only the shared
leaves, every import follows the picture in the README's Architecture section, commands
use the adapter only through its public names, only the adapter talks to GitLab, every
package says what it owns and may import, and no module grows past 450 lines.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "okrflow"
README = (ROOT / "README.md").read_text(encoding="utf-8")
LEAVES = ("okrflow", "okrflow.errors", "okrflow.redaction")  # the version, errors, redaction
MAX_LINES = 450


def packages() -> list[str]:
    return sorted(p.parent.name for p in SRC.glob("*/__init__.py"))


def modules(package: str | None = None) -> list[Path]:
    base = SRC / package if package else SRC
    return sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts)


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """(module imported, line) for every import in ``path``, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno
            if node.module == "okrflow":  # from okrflow import errors -> okrflow.errors
                for alias in node.names:
                    if (SRC / alias.name).is_dir() or (SRC / f"{alias.name}.py").is_file():
                        yield f"okrflow.{alias.name}", node.lineno


def layer_of(module: str) -> str | None:
    """``okrflow.adapter.http`` -> ``adapter``; None for a shared leaf or a third party."""
    parts = module.split(".")
    if parts[0] != "okrflow" or module in LEAVES or len(parts) < 2:
        return None
    return parts[1]


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


# -- the README picture -----------------------------------------------------------------------


def architecture() -> str:
    section = README.split("\n## Architecture\n", 1)
    assert len(section) == 2, "README has no Architecture section"
    return section[1].split("\n## ", 1)[0]


def picture() -> dict[str, set[str]]:
    """The Mermaid picture as package -> the packages it may import."""
    block = re.search(r"```mermaid\n(.*?)```", architecture(), re.S)
    assert block, "the Architecture section has no Mermaid picture"
    lines = [line.strip() for line in block.group(1).splitlines()[1:] if line.strip()]
    allowed: dict[str, set[str]] = {}
    for line in lines:
        edge = re.fullmatch(r"(\w+)\s*-->\s*(\w+)", line)
        if edge:
            allowed.setdefault(edge.group(1), set()).add(edge.group(2))
            allowed.setdefault(edge.group(2), set())
        else:
            assert re.fullmatch(r"\w+", line), f"not a node or an edge: {line!r}"
            allowed.setdefault(line, set())
    return allowed


def test_the_readme_picture_and_its_sentences_name_every_package_and_only_real_ones() -> None:
    drawn = set(picture())
    told = set(re.findall(r"^- `okrflow/(\w+)/`: ", architecture(), re.M))
    assert drawn == set(packages()), "the picture must show each package of src/okrflow"
    assert told == set(packages()), "the section must say, in one line, what each package is"


@pytest.mark.parametrize("package", packages())
def test_every_import_follows_the_readme_picture(package: str) -> None:
    allowed = picture()[package] | {package}
    wrong = [
        f"{where(path, line)} imports {module}"
        for path in modules(package)
        for module, line in imports(path)
        if (layer := layer_of(module)) is not None and layer not in allowed
    ]
    assert not wrong, f"{package} may import only {sorted(allowed)}"


@pytest.mark.parametrize(("package", "leaves"), [("core", ()), ("sandbox", ("okrflow.errors",))])
def test_the_core_and_the_emulator_import_no_other_shared_leaf(
    package: str, leaves: tuple[str, ...]
) -> None:
    """The README: the core "imports only the standard library", the emulator "nothing
    else of okrflow but its errors"."""
    leaked = [
        f"{where(path, line)} imports {module}"
        for path in modules(package)
        for module, line in imports(path)
        if module in LEAVES and module not in leaves
    ]
    assert not leaked


def test_only_the_adapter_imports_gitlab_and_requests() -> None:
    """The README: "outside the emulator, the only importer of `gitlab` and `requests`"."""
    importers: dict[str, set[str]] = {"gitlab": set(), "requests": set()}
    for path in modules():
        for module, _ in imports(path):
            root = module.split(".")[0]
            if root in importers:
                importers[root].add(path.relative_to(SRC).parts[0])
    assert importers["gitlab"] == {"adapter"}
    assert importers["requests"] <= {"adapter", "sandbox"} and "adapter" in importers["requests"]


# -- the layout ---------------------------------------------------------------------------------


def test_the_top_level_holds_only_the_shared_leaves() -> None:
    top = sorted(p.name for p in SRC.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "errors.py", "redaction.py"]


def test_commands_use_only_the_adapters_public_names() -> None:
    inside = [
        f"{where(path, line)} imports {module}"
        for path in modules("commands")
        for module, line in imports(path)
        if module.startswith("okrflow.adapter.")
    ]
    assert not inside, "import from okrflow.adapter, whose __init__ names what commands use"


def test_the_cli_reaches_gitlab_only_through_commands() -> None:
    reached = [
        f"{where(path, line)} imports {module}"
        for path in modules("cli")
        for module, line in imports(path)
        if module.split(".")[0] in ("gitlab", "requests") or layer_of(module) == "adapter"
    ]
    assert not reached


@pytest.mark.parametrize("package", [p for p in packages() if p != "sandbox"])
def test_every_package_says_what_it_owns_and_what_it_may_import(package: str) -> None:
    """The emulator's docstring is its own (its rule is checked above)."""
    doc = ast.get_docstring(ast.parse((SRC / package / "__init__.py").read_text("utf-8")))
    assert doc, f"okrflow.{package} has no docstring"
    if package != "demo":  # data only: it imports nothing
        assert "May import" in doc, f"okrflow.{package} does not say what it may import"


def test_no_module_is_over_450_lines() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these by responsibility: {long}"
