"""Generate the student workbooks in ``exercises/`` from ``solutions/``.

Solutions sit between nbgrader's markers (``### BEGIN SOLUTION`` / ``### END SOLUTION``).
In the student version each region becomes ``name = ____  # your code here`` for every
variable it assigns (or ``# your code here``), and "*Your answer here.*" in Markdown;
outputs, execution counts and widget state are dropped, notebook metadata is kept.
``python -m course_lib exercises [--check]`` (re)writes exercises/ or exits 1 if stale.

>>> print(strip_solutions('x = 1\\n### BEGIN SOLUTION\\nctr = a / b\\n### END SOLUTION\\nq1.check()'))
x = 1
ctr = ____  # your code here
q1.check()
"""

from __future__ import annotations

import ast
import copy
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import nbformat

from course_lib.base import paths
from course_lib.base.files import ArgumentParser, check_writable, staged_folder
from course_lib.learning.progress import atomic_write_text

__all__ = [
    "BEGIN_SOLUTION", "END_SOLUTION", "MarkerError", "strip_solutions", "student_notebook",
    "render_student_version", "generate", "stale_exercises", "main",
]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
PLACEHOLDER_COMMENT = "# your code here"
MARKDOWN_PLACEHOLDER = "*Your answer here.*"


class MarkerError(ValueError):
    """The solution markers in a cell are unbalanced or nested."""


def _assigned_names(region: str) -> list[str]:
    """Top-level variables assigned in ``region``, in order of last assignment."""
    try:
        tree = ast.parse(textwrap.dedent(region))
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            elts = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            for elt in elts:
                if isinstance(elt, ast.Name):
                    if elt.id in names:
                        names.remove(elt.id)
                    names.append(elt.id)
    return names


def strip_solutions(source: str, *, markdown: bool = False, where: str = "cell") -> str:
    """Replace every solution region of one cell's source (``markdown=True`` for a Markdown cell).

    ``MarkerError`` (naming ``where``) for an END without BEGIN, a BEGIN without END, or nesting.

    >>> strip_solutions("### BEGIN SOLUTION\\nprint('hi')\\n### END SOLUTION")
    '# your code here'
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}.")
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith(BEGIN_SOLUTION):
            if region is not None:
                raise MarkerError(f"{where}, line {number}: '{BEGIN_SOLUTION}' inside another solution region.")
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped.startswith(END_SOLUTION):
            if region is None:
                raise MarkerError(f"{where}, line {number}: '{END_SOLUTION}' without '{BEGIN_SOLUTION}'.")
            if markdown:
                out.append(indent + MARKDOWN_PLACEHOLDER)
            else:
                names = _assigned_names("\n".join(region))
                if names:
                    out.extend(f"{indent}{name} = ____  {PLACEHOLDER_COMMENT}" for name in names)
                else:
                    out.append(indent + PLACEHOLDER_COMMENT)
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise MarkerError(f"{where}: '{BEGIN_SOLUTION}' without a matching '{END_SOLUTION}'.")
    return "\n".join(out)


def student_notebook(nb: nbformat.NotebookNode, *, name: str = "notebook") -> nbformat.NotebookNode:
    """Return the student version of a solutions notebook (the input is not modified).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    ...     "### BEGIN SOLUTION\\nbest = 1\\n### END SOLUTION", execution_count=1)])
    >>> student_notebook(nb).cells[0].source
    'best = ____  # your code here'
    """
    if not isinstance(nb, nbformat.NotebookNode):
        raise TypeError(f"nb must be a notebook (nbformat.NotebookNode), got {type(nb).__name__}.")
    out = copy.deepcopy(nb)
    out.metadata.pop("widgets", None)
    for index, cell in enumerate(out.cells):
        where = f"{name} cell {index}"
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where=where)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        elif cell.cell_type == "markdown":
            cell.source = strip_solutions(cell.source, markdown=True, where=where)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    return out


def render_student_version(solution_path: str | os.PathLike[str]) -> str:
    """Read a solutions notebook and return its student version as notebook JSON text."""
    path = Path(solution_path)
    nb = read_notebook(path)
    student = student_notebook(nb, name=path.name)
    return nbformat.writes(student) + "\n"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook; ``ValueError`` naming the file when it is not a readable notebook."""
    try:
        nb = nbformat.read(path, as_version=4)
        if not isinstance(nb.get("cells"), list) or not all(isinstance(c, dict) and "cell_type" in c for c in nb.cells):
            raise ValueError("no list of cells")
        return nb
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds (JSON, schema, OS)
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        raise ValueError(f"{path} is not a readable notebook ({reason}); fix or remove it.") from None


def _pairs(solutions_dir: Path, exercises_dir: Path) -> list[tuple[Path, Path]]:
    if not solutions_dir.is_dir():
        raise ValueError(f"solutions_dir {solutions_dir} is not a folder.")
    return [(src, exercises_dir / src.name) for src in sorted(solutions_dir.glob("*.ipynb"))]


def _as_dir(value: str | os.PathLike[str] | None, default: Path, arg: str) -> Path:
    if value is None:
        return default
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{arg} must be a folder path, got {type(value).__name__}.")
    return Path(value)


def stale_exercises(solutions_dir: str | os.PathLike[str] | None = None,
                    exercises_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Exercise files missing or differing from what would be generated, and those without a solution.

    >>> isinstance(stale_exercises(), list)
    True
    """
    sol = _as_dir(solutions_dir, paths.SOLUTIONS_DIR, "solutions_dir")
    exe = _as_dir(exercises_dir, paths.EXERCISES_DIR, "exercises_dir")
    stale = []
    pairs = _pairs(sol, exe)
    for src, dst in pairs:
        expected = render_student_version(src)
        try:
            current = dst.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current != expected:
            stale.append(dst)
    wanted = {dst.name for _, dst in pairs}
    if exe.is_dir():
        stale += [p for p in sorted(exe.glob("*.ipynb")) if p.name not in wanted]
    return stale


def generate(solutions_dir: str | os.PathLike[str] | None = None,
             exercises_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the student version of every solutions notebook (atomically, only when changed); return the files changed."""
    sol = _as_dir(solutions_dir, paths.SOLUTIONS_DIR, "solutions_dir")
    exe = _as_dir(exercises_dir, paths.EXERCISES_DIR, "exercises_dir")
    check_writable(exe, "exercises_dir")
    texts = {dst: render_student_version(src) for src, dst in _pairs(sol, exe)}  # every notebook read first
    changed = [dst for dst, text in texts.items() if not dst.is_file() or dst.read_text(encoding="utf-8") != text]
    if changed:
        with staged_folder(exe) as stage:  # all the new files or none
            for dst in changed:
                atomic_write_text(stage / dst.name, texts[dst])
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_lib exercises [--check] [--solutions DIR] [--exercises DIR]``."""
    parser = ArgumentParser(prog="python -m course_lib exercises",
                                     description="Generate exercises/ (student workbooks) from solutions/.")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if exercises/ is stale")
    parser.add_argument("--solutions", default=str(paths.SOLUTIONS_DIR), help="folder of solution notebooks")
    parser.add_argument("--exercises", default=str(paths.EXERCISES_DIR), help="folder to write")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.check:
            stale = stale_exercises(args.solutions, args.exercises)
            for path in stale:
                print(f"stale: {path}")
            if stale:
                print("exercises/ is out of date: run `python -m course_lib exercises` (make exercises).")
                return 1
            print("exercises/ is up to date.")
            return 0
        changed = generate(args.solutions, args.exercises)
    except (ValueError, OSError) as exc:  # MarkerError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} exercise notebook(s) updated.")
    return 0
