"""Every committed notebook follows the course's rules for executable documents.

The rules live in ``notebook_rules`` functions that return a list of problems,
so each one is also tested on a deliberately broken notebook (a rule that
cannot fail proves nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_lib.base.paths import EXERCISES_DIR, NOTEBOOKS_DIR, REPO_ROOT, SOLUTIONS_DIR

MAX_CELL_LINES = 25
NAME_RE = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
ABSOLUTE_PATH_RE = re.compile(r"""(?<![\w.])(?:/(?:home|root|tmp|work|Users|mnt|var|opt)/|[A-Za-z]:\\\\)""")
NETWORK_RE = re.compile(r"load_dataset\(|https?://|urlopen|requests\.(get|post)|urllib\.request|pd\.read_\w+\(\s*['\"]http")


def all_notebooks() -> list[Path]:
    return sorted(p for d in (NOTEBOOKS_DIR, SOLUTIONS_DIR, EXERCISES_DIR) for p in d.glob("*.ipynb"))


def _text_of_outputs(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        for value in out.get("data", {}).values():
            if isinstance(value, str):
                parts.append(value)
    return "\n".join(parts)


def check_kernelspec(nb) -> list[str]:
    name = nb.metadata.get("kernelspec", {}).get("name")
    return [] if name == "python3" else [f"kernelspec is {name!r}, expected 'python3'"]


def check_first_cell(nb) -> list[str]:
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        return ["the first cell must be Markdown with a title, learning objectives and an estimated time"]
    text = nb.cells[0].source
    problems = []
    if not re.search(r"^# \S", text, re.M):
        problems.append("first cell has no '# Title' heading")
    if "learning objectives" not in text.lower():
        problems.append("first cell does not list 'Learning objectives'")
    if not re.search(r"estimated time", text, re.I):
        problems.append("first cell does not give an 'Estimated time'")
    return problems


def check_executed(nb) -> list[str]:
    """Committed outputs exist and were produced by one clean top-to-bottom run."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.get("execution_count") for c in code]
    if code and counts != list(range(1, len(code) + 1)):
        return [f"execution counts are {counts}, expected 1..{len(code)} in order (run `make execute`)"]
    return []


def check_cleared(nb) -> list[str]:
    """Student workbooks ship without outputs."""
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
    return [f"cells {dirty} have outputs; exercises/ must be generated with outputs cleared"] if dirty else []


def check_no_errors_or_stderr(nb) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i} has an error output ({out.get('ename')})")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {i} printed to stderr (a warning?): {''.join(out.get('text', ''))[:80]!r}")
    return problems


def check_paths_and_network(nb) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if ABSOLUTE_PATH_RE.search(cell.source) or ABSOLUTE_PATH_RE.search(_text_of_outputs(cell)):
            problems.append(f"cell {i} contains an absolute path")
        if NETWORK_RE.search(cell.source):
            problems.append(f"cell {i} reaches for the network (URL, load_dataset or a web request)")
    return problems


def check_cell_length(nb, limit: int = MAX_CELL_LINES) -> list[str]:
    return [
        f"code cell {i} has {n} lines (keep cells under {limit} for students; move logic to course_lib)"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (n := len(cell.source.splitlines())) > limit
    ]


def check_name(path: Path) -> list[str]:
    return [] if NAME_RE.match(path.name) else [f"file name {path.name!r} is not NN-kebab-case.ipynb"]


def problems_of(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    problems = check_name(path) + check_kernelspec(nb) + check_first_cell(nb)
    problems += check_paths_and_network(nb) + check_cell_length(nb)
    if path.parent == EXERCISES_DIR:
        problems += check_cleared(nb)
    else:
        problems += check_executed(nb) + check_no_errors_or_stderr(nb)
    return problems


def test_there_are_notebooks() -> None:
    assert (NOTEBOOKS_DIR / "00-start-here.ipynb").exists()


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_notebook_follows_the_rules(path: Path) -> None:
    problems = problems_of(path)
    assert not problems, f"{path.relative_to(REPO_ROOT)}:\n  " + "\n  ".join(problems)


# --- the rules themselves can fail -------------------------------------------------------------


def _nb(*cells, kernel="python3"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    nb.cells = list(cells)
    return nb


GOOD_FIRST = nbformat.v4.new_markdown_cell("# Title\n\n**Learning objectives**\n- x\n\n*Estimated time: 5 minutes*")


def _code(source: str, count: int | None = None, outputs=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.execution_count = count
    cell.outputs = list(outputs)
    return cell


def test_rules_accept_a_good_notebook() -> None:
    nb = _nb(GOOD_FIRST, _code("x = 1", 1), _code("x", 2, [nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=2)]))
    assert check_kernelspec(nb) + check_first_cell(nb) + check_executed(nb) + check_no_errors_or_stderr(nb) == []
    assert check_paths_and_network(nb) + check_cell_length(nb) == []


def test_rules_reject_a_bad_notebook() -> None:
    stderr = nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: x")
    error = nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])
    nb = _nb(
        nbformat.v4.new_markdown_cell("Some notes"),
        _code("df = pd.read_csv('/home/me/data.csv')", 2, [stderr]),
        _code("sns.load_dataset('tips')", 1, [error]),
        _code("\n".join(f"x{i} = {i}" for i in range(30)), None),
        kernel="ir",
    )
    assert check_kernelspec(nb)
    assert check_first_cell(nb)
    assert check_executed(nb)
    assert len(check_no_errors_or_stderr(nb)) == 2
    assert len(check_paths_and_network(nb)) == 2
    assert check_cell_length(nb)
    assert check_cleared(nb)
    assert check_name(Path("Intro Notebook.ipynb")) and not check_name(Path("03-data-for-micromarketing.ipynb"))


# --------------------------------------------------------------------------- estimated times

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("estimate_time", REPO_ROOT / "tools" / "estimate_time.py")
estimate_time = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(estimate_time)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_stated_time_matches_the_estimate(path: Path) -> None:
    """The time a chapter states is within 10 minutes of tools/estimate_time.py's estimate (the method is in
    instructors/guide.md): reading at 120 words a minute, 1.5 minutes a code cell, 3 an explorer, 1 a quiz question."""
    stated = estimate_time.stated_minutes(path)
    assert stated is not None, f"{path.name}: the first cell should say 'Estimated time: N minutes'"
    estimate = estimate_time.estimate_minutes(path)
    low, high = stated
    assert low - 10 <= estimate <= high + 10, (
        f"{path.name} says {low}-{high} minutes; the estimate is {estimate} (python tools/estimate_time.py {path})")


def test_time_estimate_grows_with_the_work(tmp_path: Path) -> None:
    short = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\n\n*Estimated time: 5 minutes.*")])
    long = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("word " * 1200)]
                                    + [nbformat.v4.new_code_cell("x = 1") for _ in range(10)])
    nbformat.write(short, tmp_path / "98-a.ipynb")
    nbformat.write(long, tmp_path / "99-b.ipynb")
    assert estimate_time.estimate_minutes(tmp_path / "98-a.ipynb") == 5
    assert estimate_time.estimate_minutes(tmp_path / "99-b.ipynb") == 25  # 10 reading + 15 code
    assert estimate_time.stated_minutes(tmp_path / "98-a.ipynb") == (5, 5)
    assert estimate_time.stated_minutes(tmp_path / "99-b.ipynb") is None
