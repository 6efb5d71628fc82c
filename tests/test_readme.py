"""README.md stays true to the repository: the course map matches notebooks/, the commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from course_lib.base.paths import NOTEBOOKS_DIR, REPO_ROOT

README = REPO_ROOT / "README.md"
MAP_RE = re.compile(r"<!-- course-map:start -->(.*?)<!-- course-map:end -->", re.S)
ROW_RE = re.compile(r"^\|\s*\[(\d{2})\]\((notebooks/[^)]+\.ipynb)\)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$", re.M)


def course_map(text: str) -> list[tuple[str, str, str]]:
    """Return (number, path, title) for every row of the README's course map."""
    match = MAP_RE.search(text)
    if not match:
        raise ValueError("README.md has no <!-- course-map:start --> ... <!-- course-map:end --> block")
    return [(num, path, title) for num, path, title, _ in ROW_RE.findall(match[1])]


def title_of(path: Path) -> str:
    first = nbformat.read(path, as_version=4).cells[0].source
    return re.search(r"^# (.+)$", first, re.M)[1].strip()


def map_problems(rows: list[tuple[str, str, str]], notebooks: list[Path], root: Path) -> list[str]:
    problems = []
    listed = {path for _, path, _ in rows}
    actual = {str(p.relative_to(root)) for p in notebooks}
    problems += [f"{p} is in notebooks/ but not in the README course map" for p in sorted(actual - listed)]
    problems += [f"{p} is in the README course map but not in notebooks/" for p in sorted(listed - actual)]
    for num, path, title in rows:
        if path in actual:
            if not Path(path).name.startswith(num):
                problems.append(f"row {num} links to {path}")
            if title != title_of(root / path):
                problems.append(f"{path}: README says {title!r}, the notebook's title is {title_of(root / path)!r}")
    return problems


def test_course_map_matches_the_notebooks_folder() -> None:
    rows = course_map(README.read_text(encoding="utf-8"))
    assert map_problems(rows, sorted(NOTEBOOKS_DIR.glob("*.ipynb")), REPO_ROOT) == []


def test_course_map_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Real title")])
    for name in ["00-a.ipynb", "01-b.ipynb"]:
        nbformat.write(nb, tmp_path / "notebooks" / name)
    text = "<!-- course-map:start -->\n| [00](notebooks/00-a.ipynb) | Wrong title | x |\n| [02](notebooks/02-c.ipynb) | C | y |\n<!-- course-map:end -->"
    problems = map_problems(course_map(text), sorted((tmp_path / "notebooks").glob("*.ipynb")), tmp_path)
    assert any("01-b.ipynb is in notebooks/ but not" in p for p in problems)
    assert any("02-c.ipynb is in the README" in p for p in problems)
    assert any("Wrong title" in p for p in problems)


def test_readme_gives_the_two_commands_first() -> None:
    text = README.read_text(encoding="utf-8")
    lab, test = text.find("make lab"), text.find("make test")
    assert 0 < lab < 2500 and 0 < test < 2500, "the two commands must come first"
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ["lab", "test", "execute", "help", "exercises", "data"]:
        assert re.search(rf"^{target}:", makefile, re.M), f"make {target} is missing"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
