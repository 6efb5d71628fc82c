"""Commands that write several files leave the whole new result or the old one (issue 17), readable by others."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from course_lib.base.files import atomic_write, check_writable, staged_folder
from course_lib.instructor import export, mock_exam, student_version
from course_lib.market import build


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failure_half_way_keeps_the_old_folder_and_no_staging_left(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_text("old a")
    with pytest.raises(RuntimeError), staged_folder(out) as stage:
        atomic_write(stage / "a.txt", "new a")
        raise RuntimeError("disk full half-way")
    assert snapshot(out) == {"a.txt": b"old a"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_mock_exam_failure_half_way_keeps_the_old_paper_and_key(tmp_path, monkeypatch):
    mock_exam.write_mock_exam(mock_exam.build_mock_exam(5, seed=1), tmp_path / "exam")
    before = snapshot(tmp_path / "exam")
    monkeypatch.setattr(mock_exam, "atomic_write_text", fail_on_call(3, atomic_write))
    with pytest.raises(OSError):
        mock_exam.write_mock_exam(mock_exam.build_mock_exam(5, seed=2), tmp_path / "exam")
    assert snapshot(tmp_path / "exam") == before


def fail_on_call(n, real):
    """A stand-in for ``real`` that raises OSError on its n-th call."""
    calls = []

    def flaky(*args):
        calls.append(args)
        if len(calls) == n:
            raise OSError("disk full half-way")
        return real(*args)

    return flaky


def test_exercises_failure_half_way_keeps_the_old_workbooks(tmp_path, monkeypatch):
    out = tmp_path / "exercises"
    out.mkdir()
    (out / "00-start-here.ipynb").write_text("old")
    (out / "01-what-is-micromarketing.ipynb").write_text("old")
    monkeypatch.setattr(student_version, "atomic_write_text", fail_on_call(2, atomic_write))
    with pytest.raises(OSError):
        student_version.generate(exercises_dir=out)
    assert set(snapshot(out).values()) == {b"old"}


def test_slides_failure_half_way_keeps_the_old_decks(tmp_path, monkeypatch):
    out = tmp_path / "slides"
    out.mkdir()
    (out / "index.html").write_text("old")
    monkeypatch.setattr(export, "atomic_write_text", fail_on_call(2, atomic_write))
    with pytest.raises(OSError):
        export.export_slides(out)
    assert snapshot(out) == {"index.html": b"old"}


def test_data_failure_half_way_keeps_the_old_data_and_new_files_follow_the_umask(tmp_path, monkeypatch):
    out = tmp_path / "data"
    out.mkdir()
    (out / "old.txt").write_text("old")
    real = build.write_table
    monkeypatch.setattr(build, "write_table", fail_on_call(3, real))
    with pytest.raises(OSError):
        build.generate_all(out, n_customers=300)
    assert snapshot(out) == {"old.txt": b"old"}
    monkeypatch.setattr(build, "write_table", real)
    old_mask = os.umask(0o022)
    try:
        build.generate_all(out, n_customers=300)
    finally:
        os.umask(old_mask)
    customers = out / "market" / "customers.csv.gz"
    assert stat.S_IMODE(customers.stat().st_mode) == 0o644
    assert (out / "old.txt").read_text() == "old"  # files it does not generate are kept


def test_an_unwritable_place_fails_before_any_work(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setattr(build, "generate_market", lambda *a, **k: pytest.fail("work started"))
    with pytest.raises(ValueError, match="a-file"):
        build.generate_all(blocker / "data", n_customers=300)
    with pytest.raises(ValueError, match="not a folder"):
        check_writable(blocker, "--out")
    with pytest.raises(ValueError, match="not a file"):
        check_writable(tmp_path, "--out", folder=False)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write anywhere, so a read-only folder cannot be made (POSIX only)")
def test_a_read_only_folder_is_refused(tmp_path):
    (tmp_path / "ro").mkdir(mode=0o555)
    with pytest.raises(ValueError, match="cannot be written"):
        check_writable(tmp_path / "ro" / "out", "--out")


def test_grades_csv_is_readable_by_others(tmp_path):
    from course_lib.instructor.grading import write_grades

    old_mask = os.umask(0o022)
    try:
        path = write_grades(pd.DataFrame({"submission": ["a"]}), tmp_path / "g.csv")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
