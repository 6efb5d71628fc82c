"""Autograding: a real run over right, blank, raising, unparseable and never-ending submissions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from course_lib.base import paths
from course_lib.instructor.grading import (
    find_submissions,
    grade_directory,
    identify_workbook,
    main,
    record_final_checks,
    write_grades,
)
from course_lib.learning.progress import PROGRESS_ENV, load_progress

WORKBOOK = "00-start-here"
Q1, Q2 = f"{WORKBOOK}:q1", f"{WORKBOOK}:q2"
TIMEOUT = 10  # seconds per notebook (generous: the CPU may be shared while tests run)


def _cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("id") == cell_id)


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade one folder of submissions once with the CLI; share the results."""
    base = tmp_path_factory.mktemp("grading")
    subs = base / "submissions"
    (subs / "dana").mkdir(parents=True)
    solution = paths.SOLUTIONS_DIR / f"{WORKBOOK}.ipynb"
    exercise = paths.EXERCISES_DIR / f"{WORKBOOK}.ipynb"
    (subs / "alice.ipynb").write_bytes(solution.read_bytes())  # right
    (subs / "bob.ipynb").write_bytes(exercise.read_bytes())  # blank
    (subs / "carol.ipynb").write_text('{"cells": [ this is not json', encoding="utf-8")  # unparseable
    forever = nbformat.read(exercise, as_version=4)  # q1 right, then never ends
    _cell(forever, "q1-answer").source = 'ctr = ads["clicks"] / ads["impressions"]\nq1.check()'
    _cell(forever, "q2-answer").source = "while True:\n    pass"
    nbformat.write(forever, subs / "dana" / f"{WORKBOOK}.ipynb")
    raising = nbformat.read(exercise, as_version=4)  # q1 wrong and raises; q2 right, check deleted
    _cell(raising, "q1-answer").source = 'ctr = 100 * ads["clicks"] / ads["impressions"]\nq1.check()\n1 / 0'
    _cell(raising, "q2-answer").source = 'best_ad = (ads["revenue"] / ads["spend"]).idxmax()'
    raising.metadata.pop("micromarketing")  # found through its imports instead
    nbformat.write(raising, subs / "erin.ipynb")
    (subs / ".ipynb_checkpoints").mkdir()
    (subs / ".ipynb_checkpoints" / "alice-checkpoint.ipynb").write_bytes(solution.read_bytes())
    before = _digests(subs)
    out = base / "grades.csv"
    out.write_text("old content\n")
    code = main([str(subs), "--out", str(out), "--timeout", str(TIMEOUT), "--jobs", "2"])
    return {"code": code, "subs": subs, "out": out, "before": before,
            "grades": pd.read_csv(out, keep_default_na=False)}


def test_cli_succeeds_and_writes_one_row_per_submission(graded):
    assert graded["code"] == 0
    grades = graded["grades"]
    assert grades["submission"].tolist() == [
        "alice.ipynb", "bob.ipynb", "carol.ipynb", f"dana/{WORKBOOK}.ipynb", "erin.ipynb"]
    assert list(grades.columns) == ["submission", "workbook", "status", Q1, Q2, "total", "max", "note"]


def _row(graded, name):
    grades = graded["grades"].set_index("submission")
    return grades.loc[name]


def test_right_submission_gets_full_marks(graded):
    row = _row(graded, "alice.ipynb")
    assert (row["status"], row[Q1], row[Q2], row["total"], row["max"], row["note"]) == (
        "ok", "correct", "correct", 2, 2, "")


def test_blank_submission_is_not_attempted(graded):
    row = _row(graded, "bob.ipynb")
    assert (row["status"], row[Q1], row[Q2], row["total"], row["max"]) == (
        "ok", "not_attempted", "not_attempted", 0, 2)


def test_unparseable_submission_gets_a_note(graded):
    row = _row(graded, "carol.ipynb")
    assert row["status"] == "unparseable"
    assert row["note"] == "could not be read as a notebook (not valid notebook JSON)"
    assert (row["total"], row["max"], row["workbook"]) == (0, 0, "")  # no workbook in the name either


def test_never_ending_submission_times_out_and_keeps_earlier_results(graded):
    row = _row(graded, f"dana/{WORKBOOK}.ipynb")
    assert row["status"] == "timeout"
    assert f"stopped after {TIMEOUT} s" in row["note"]
    assert (row[Q1], row[Q2], row["total"]) == ("correct", "not_attempted", 1)


def test_raising_submission_is_graded_on_what_it_left(graded):
    row = _row(graded, "erin.ipynb")
    assert row["status"] == "error"
    assert row["note"].startswith("cell ") and "ZeroDivisionError: division by zero" in row["note"]
    # q2's check line was deleted: the final re-check still grades the variable
    assert (row[Q1], row[Q2], row["total"]) == ("incorrect", "correct", 1)


def test_submissions_are_never_modified(graded):
    assert _digests(graded["subs"]) == graded["before"]


def test_grades_file_replaced_atomically(graded):
    out = graded["out"]
    assert "old content" not in out.read_text()
    assert sorted(p.name for p in out.parent.iterdir()) == ["grades.csv", "submissions"]  # no temp files


# --------------------------------------------------------------------------- smaller pieces


def test_identify_workbook_sources():
    nb = nbformat.read(paths.EXERCISES_DIR / f"{WORKBOOK}.ipynb", as_version=4)
    assert identify_workbook(nb) == WORKBOOK
    nb.metadata.pop("micromarketing")
    assert identify_workbook(nb) == WORKBOOK  # from the import line
    assert identify_workbook({"metadata": {}, "cells": []}, f"x-{WORKBOOK}.ipynb") == WORKBOOK
    assert identify_workbook({"metadata": {}, "cells": []}, "essay.ipynb") is None


def test_unknown_workbook_is_not_executed(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")])
    nbformat.write(nb, tmp_path / "essay.ipynb")
    grades = grade_directory(tmp_path, timeout=5, jobs=1)
    assert grades.loc[0, "status"] == "unknown-workbook"
    assert grades.loc[0, "max"] == 0


def test_unparseable_submission_named_after_its_workbook_keeps_max(tmp_path):
    (tmp_path / "frank").mkdir()
    (tmp_path / "frank" / f"{WORKBOOK}.ipynb").write_text("not a notebook")
    grades = grade_directory(tmp_path, timeout=5, jobs=1)
    row = grades.iloc[0]
    assert (row["status"], row["workbook"], row["total"], row["max"]) == ("unparseable", WORKBOOK, 0, 2)


def test_find_submissions_skips_checkpoints(tmp_path):
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.ipynb").write_text("{}")
    (tmp_path / "a.ipynb").write_text("{}")
    assert [p.relative_to(tmp_path).as_posix() for p in find_submissions(tmp_path)] == ["a.ipynb", "b/x.ipynb"]
    with pytest.raises(ValueError, match="does not exist"):
        find_submissions(tmp_path / "missing")


def test_record_final_checks(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "p.json"))
    record_final_checks(WORKBOOK, {"best_ad": "social-yoga-mats"})
    saved = load_progress()["exercise"]
    assert saved[Q1]["status"] == "not_attempted" and saved[Q2]["status"] == "incorrect"
    with pytest.raises(TypeError):
        record_final_checks(WORKBOOK, [("best_ad", "x")])


def test_argument_validation(tmp_path, capsys):
    with pytest.raises(ValueError, match="timeout"):
        grade_directory(tmp_path, timeout=0)
    with pytest.raises(ValueError, match="jobs"):
        grade_directory(tmp_path, jobs=0)
    assert main([str(tmp_path / "missing"), "--out", str(tmp_path / "g.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["--timeout", "abc"]) == 2
    with pytest.raises(TypeError):
        write_grades([1, 2], tmp_path / "g.csv")


def test_empty_folder_gives_an_empty_table(tmp_path):
    out = tmp_path / "g.csv"
    assert main([str(tmp_path), "--out", str(out)]) == 0
    assert out.read_text().startswith("submission,workbook,status,total,max,note")
