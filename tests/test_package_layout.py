"""The shape of course_lib: small, layered, one way to do each thing (issue 16).

- Layers import downwards only: base < market < analysis < learning < instructor < chapters.
- No module imports another module's private (``_name``) objects.
- YAML is parsed in one place, ``course_lib/base/content.py``.
- The package stays small: at most 15,000 lines and 16 top-level modules.
- Each chapter module is named after its notebook; each workbook's checks are declared in data.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from course_lib.base import paths

PACKAGE = paths.REPO_ROOT / "course_lib"
LAYERS = ["base", "market", "analysis", "learning", "instructor", "chapters"]
MAX_LINES = 15_000
MAX_TOP_LEVEL_MODULES = 16
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 and rel[0] in LAYERS else None


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, imported names) for every course_lib import, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course_lib"):
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names if a.name.startswith("course_lib")]
    return found


def _target_layer(module: str, names: list[str]) -> list[str]:
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS:
        return [parts[1]]
    return [n for n in names if n in LAYERS]  # `from course_lib import market`


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downwards_only(path):
    layer = _layer(path)
    if layer is None:
        return  # __init__.py / __main__.py at the top may use the command line
    rank = LAYERS.index(layer)
    upward = [f"line {line}: {module}" for line, module, names in _imports(path)
              for target in _target_layer(module, names) if LAYERS.index(target) > rank]
    assert not upward, f"{path.name} ({layer}) imports from a higher layer: {upward}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_names_imported_across_modules(path):
    private = [f"line {line}: from {module} import {name}" for line, module, names in _imports(path)
               for name in names if name.startswith("_") and name != "____"]
    assert not private, f"{path.name} imports private names: {private}"


def test_yaml_is_parsed_in_one_place():
    users = [str(p.relative_to(PACKAGE)) for p in MODULES
             if p.name != "content.py" or p.parent.name != "base"
             if "import yaml" in p.read_text(encoding="utf-8") or "yaml.safe_load" in p.read_text(encoding="utf-8")]
    assert not users, f"parse YAML with course_lib.base.content.read_yaml, not yaml directly: {users}"


def test_the_package_is_small():
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES)
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert lines <= MAX_LINES, f"course_lib has {lines:,} lines; the limit is {MAX_LINES:,}"
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(LAYERS)


def test_every_layer_says_what_it_holds():
    for layer in LAYERS:
        assert ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8"))), layer


def test_chapter_modules_are_named_after_their_notebooks():
    stems = {p.stem.replace("-", "_") for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")}
    for path in (PACKAGE / "chapters").glob("*.py"):
        if path.name == "__init__.py":
            continue
        assert path.stem.startswith("ch") and path.stem[2:] in stems, \
            f"{path.name}: a chapter module is named ch<notebook stem>, e.g. ch05_rfm_micro_segments.py"


def test_every_workbook_declares_its_checks():
    from course_lib.learning.exercises import load_workbook

    workbooks = sorted(p.stem for p in paths.SOLUTIONS_DIR.glob("*.ipynb"))
    specs = sorted(p.stem for p in (paths.DATA_DIR / "exercises").glob("*.yaml"))
    assert workbooks == specs
    for stem in workbooks:
        exercises = load_workbook(stem)
        assert [ex.id for ex in exercises] == [f"q{i}" for i in range(1, len(exercises) + 1)], stem
