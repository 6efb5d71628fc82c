"""Student versions: solution regions replaced, outputs cleared, exercises/ never stale."""

from __future__ import annotations

import contextlib
import io
import json

import nbformat
import pytest

from course_lib.base import paths
from course_lib.learning.exercises import workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV, load_progress
from course_lib.instructor.student_version import (
    BEGIN_SOLUTION,
    END_SOLUTION,
    MarkerError,
    generate,
    main,
    render_student_version,
    stale_exercises,
    strip_solutions,
    student_notebook,
)

SOLUTION_NOTEBOOKS = sorted(paths.SOLUTIONS_DIR.glob("*.ipynb"))


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


# --------------------------------------------------------------------------- strip_solutions


def test_region_becomes_placeholder_assignments():
    src = f"x = 1\n{BEGIN_SOLUTION}\nroas = a / b\nbest, worst = roas.idxmax(), roas.idxmin()\n{END_SOLUTION}\nq2.check()"
    assert strip_solutions(src) == (
        "x = 1\nroas = ____  # your code here\nbest = ____  # your code here\n"
        "worst = ____  # your code here\nq2.check()"
    )


def test_region_without_assignment_becomes_a_comment_and_keeps_indentation():
    src = f"def f(x):\n    {BEGIN_SOLUTION}\n    return x * 2\n    {END_SOLUTION}\n"
    assert strip_solutions(src) == "def f(x):\n    # your code here\n"


def test_indented_assignment_and_reassignment_order():
    src = f"if True:\n    {BEGIN_SOLUTION}\n    a = 1\n    b = a\n    a += b\n    {END_SOLUTION}"
    assert strip_solutions(src) == "if True:\n    b = ____  # your code here\n    a = ____  # your code here"


def test_several_regions_in_one_cell():
    src = f"{BEGIN_SOLUTION}\na = 1\n{END_SOLUTION}\nmiddle()\n{BEGIN_SOLUTION}\nb = 2\n{END_SOLUTION}"
    out = strip_solutions(src)
    assert out == "a = ____  # your code here\nmiddle()\nb = ____  # your code here"
    assert "= 1" not in out and "= 2" not in out


def test_markdown_region():
    src = f"Why?\n\n{BEGIN_SOLUTION}\nBecause ROAS compares revenue with spend.\n{END_SOLUTION}"
    assert strip_solutions(src, markdown=True) == "Why?\n\n*Your answer here.*"


@pytest.mark.parametrize(
    ("src", "message"),
    [
        (f"{BEGIN_SOLUTION}\nx = 1\n", "without a matching"),
        (f"x = 1\n{END_SOLUTION}", "without '### BEGIN SOLUTION'"),
        (f"{BEGIN_SOLUTION}\n{BEGIN_SOLUTION}\n{END_SOLUTION}", "inside another"),
    ],
)
def test_unbalanced_markers_raise_with_location(src, message):
    with pytest.raises(MarkerError, match=message) as info:
        strip_solutions(src, where="nb.ipynb cell 3")
    assert "nb.ipynb cell 3" in str(info.value)


def test_strip_solutions_type_check():
    with pytest.raises(TypeError):
        strip_solutions(["x = 1"])


# --------------------------------------------------------------------------- whole notebooks


def _solution_nb() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["widgets"] = {"state": "random ids"}
    cell = nbformat.v4.new_code_cell(f"{BEGIN_SOLUTION}\nctr = 0.5\n{END_SOLUTION}\nq1.check()", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Correct: well done.\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), cell]
    return nb


def test_student_notebook_clears_outputs_keeps_metadata_and_does_not_mutate():
    nb = _solution_nb()
    before = json.dumps(nb, sort_keys=True)
    student = student_notebook(nb)
    assert json.dumps(nb, sort_keys=True) == before  # input untouched
    code = student.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert code.source == "ctr = ____  # your code here\nq1.check()"
    assert student.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in student.metadata
    assert student.cells[0].source == "# Title"
    with pytest.raises(TypeError):
        student_notebook({"cells": []})


def test_committed_exercises_are_up_to_date():
    stale = stale_exercises()
    assert stale == [], f"exercises/ is stale, run `python -m course_lib exercises`: {stale}"


def test_generate_and_check_on_a_temporary_tree(tmp_path, capsys):
    sol, exe = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    nbformat.write(_solution_nb(), sol / "01-demo.ipynb")
    assert main(["--check", "--solutions", str(sol), "--exercises", str(exe)]) == 1  # missing file
    assert "stale" in capsys.readouterr().out
    assert main(["--solutions", str(sol), "--exercises", str(exe)]) == 0
    assert (exe / "01-demo.ipynb").read_text() == render_student_version(sol / "01-demo.ipynb")
    assert main(["--check", "--solutions", str(sol), "--exercises", str(exe)]) == 0
    assert generate(sol, exe) == []  # nothing changes the second time
    # a hand edit in exercises/ makes it stale again
    (exe / "01-demo.ipynb").write_text((exe / "01-demo.ipynb").read_text().replace("____", "42"))
    assert stale_exercises(sol, exe) == [exe / "01-demo.ipynb"]
    # an exercise whose solution was deleted is reported
    (exe / "02-orphan.ipynb").write_text("{}")
    assert exe / "02-orphan.ipynb" in stale_exercises(sol, exe)


def test_main_reports_marker_errors(tmp_path, capsys):
    sol = tmp_path / "solutions"
    sol.mkdir()
    nb = _solution_nb()
    nb.cells[1].source = f"{BEGIN_SOLUTION}\nx = 1"
    nbformat.write(nb, sol / "01-demo.ipynb")
    assert main(["--solutions", str(sol), "--exercises", str(tmp_path / "ex")]) == 2
    assert "01-demo.ipynb cell 1" in capsys.readouterr().err


@pytest.mark.parametrize("solution", SOLUTION_NOTEBOOKS, ids=lambda p: p.stem)
def test_no_solution_code_leaks_into_exercises(solution):
    exercise = paths.EXERCISES_DIR / solution.name
    text = exercise.read_text(encoding="utf-8")
    assert BEGIN_SOLUTION not in text and END_SOLUTION not in text
    nb = nbformat.read(exercise, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def _run_cells(nb_path) -> str:
    """Run a notebook's code cells in-process (no kernel) and return what they printed."""
    from IPython.display import display

    nb = nbformat.read(nb_path, as_version=4)
    namespace: dict = {"__name__": "__main__", "display": display}  # a kernel provides display() as a builtin
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{nb_path.name}:{cell.get('id')}", "exec"), namespace)
    return out.getvalue()


@pytest.mark.parametrize("solution", SOLUTION_NOTEBOOKS, ids=lambda p: p.stem)
def test_solutions_pass_every_check(solution):
    printed = _run_cells(solution)
    saved = load_progress()["exercise"]
    for ex in workbook_exercises(solution.stem):
        assert saved[ex.key]["status"] == "correct", (ex.key, printed)
    assert "Incorrect" not in printed and "Not attempted" not in printed


@pytest.mark.parametrize("solution", SOLUTION_NOTEBOOKS, ids=lambda p: p.stem)
def test_generated_exercises_run_and_say_not_attempted(solution):
    printed = _run_cells(paths.EXERCISES_DIR / solution.name)
    saved = load_progress()["exercise"]
    for ex in workbook_exercises(solution.stem):
        assert saved[ex.key]["status"] == "not_attempted", (ex.key, printed)
    assert printed.count("Not attempted yet:") == len(workbook_exercises(solution.stem))
    assert "Incorrect:" not in printed
