"""Saved progress: location, atomic writes, corrupted files, the report."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

from course_lib.learning import progress
from course_lib.learning.progress import (
    PROGRESS_ENV,
    ProgressWarning,
    atomic_write_text,
    load_progress,
    progress_path,
    progress_report,
    record_result,
    reset_progress,
    results_frame,
)


@pytest.fixture
def pfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "progress.json"
    monkeypatch.setenv(PROGRESS_ENV, str(path))
    return path


def test_default_location_is_in_home(monkeypatch, tmp_path):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert progress_path() == tmp_path / ".micromarketing-course" / "progress.json"


def test_environment_variable_overrides_location(pfile):
    assert progress_path() == pfile
    record_result("quiz", "basics-01", "correct", topic="basics")
    assert pfile.exists()
    assert json.loads(pfile.read_text())["quiz"]["basics-01"]["status"] == "correct"


def test_missing_file_gives_empty_sections(pfile):
    data = load_progress()
    assert data["exercise"] == {} and data["quiz"] == {} and data["flashcard"] == {}
    assert not pfile.exists()


def test_latest_result_wins_and_attempts_are_counted(pfile):
    record_result("exercise", "00-start-here:q1", "incorrect", topic="metrics", notebook="00-start-here")
    record_result("exercise", "00-start-here:q1", "correct", topic="metrics", notebook="00-start-here")
    rec = load_progress()["exercise"]["00-start-here:q1"]
    assert rec["status"] == "correct"
    assert rec["attempts"] == 2
    assert rec["notebook"] == "00-start-here"


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("exam", "correct", ValueError),
        ("quiz", "not_attempted", ValueError),  # quizzes have no "not attempted"
        ("flashcard", "correct", ValueError),
        ("exercise", "right", ValueError),
    ],
)
def test_invalid_kind_or_status_is_rejected(pfile, kind, status, error):
    with pytest.raises(error, match="must be one of"):
        record_result(kind, "x", status)
    assert not pfile.exists()


def test_bad_item_id_and_topic_types(pfile):
    with pytest.raises(TypeError, match="item_id"):
        record_result("quiz", "", "correct")
    with pytest.raises(TypeError, match="topic"):
        record_result("quiz", "a", "correct", topic=3)
    with pytest.raises(TypeError, match="path"):
        load_progress(42)


def test_corrupted_file_is_moved_aside_with_a_warning(pfile):
    pfile.write_text("{ this is not json", encoding="utf-8")
    with pytest.warns(ProgressWarning, match="corrupt-1"):
        data = load_progress()
    assert data["quiz"] == {}
    aside = pfile.with_name("progress.json.corrupt-1")
    assert aside.read_text(encoding="utf-8") == "{ this is not json"  # nothing lost
    assert not pfile.exists()
    # a second corruption goes to -2, the first is kept
    pfile.write_text("[1, 2", encoding="utf-8")
    with pytest.warns(ProgressWarning, match="corrupt-2"):
        record_result("quiz", "basics-01", "correct")
    assert aside.exists() and pfile.with_name("progress.json.corrupt-2").exists()
    assert load_progress()["quiz"]["basics-01"]["status"] == "correct"


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        '{"version": 1, "quiz": []}',
        '{"version": 1, "quiz": {"a": {"status": "maybe"}}}',
        '{"version": 99}',
    ],
)
def test_valid_json_with_wrong_structure_is_also_moved_aside(pfile, content):
    pfile.write_text(content, encoding="utf-8")
    with pytest.warns(ProgressWarning):
        load_progress()
    assert pfile.with_name("progress.json.corrupt-1").read_text(encoding="utf-8") == content


def test_atomic_write_leaves_old_file_when_replace_fails(pfile, monkeypatch):
    record_result("quiz", "basics-01", "correct")
    before = pfile.read_text()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(progress.os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(pfile, "garbage")
    assert pfile.read_text() == before
    assert sorted(p.name for p in pfile.parent.iterdir()) == [".progress.json.lock", "progress.json"]  # no temp file


def test_unwritable_progress_warns_instead_of_failing(pfile, monkeypatch):
    def fail(path, text):
        raise OSError("read-only file system")

    monkeypatch.setattr(progress, "atomic_write_text", fail)
    with pytest.warns(ProgressWarning, match="Could not save progress"):
        record_result("quiz", "basics-01", "correct")


def test_no_temporary_files_left_after_writes(pfile):
    for i in range(5):
        record_result("quiz", f"q-{i}", "correct")
    assert sorted(p.name for p in pfile.parent.iterdir()) == [".progress.json.lock", "progress.json"]


def test_reset_progress(pfile):
    record_result("quiz", "basics-01", "correct")
    reset_progress()
    assert load_progress()["quiz"] == {}


def test_results_frame_columns(pfile):
    record_result("flashcard", "term-ctr", "dont_know", topic="metrics")
    frame = results_frame()
    assert list(frame.columns) == ["kind", "item", "status", "topic", "notebook", "attempts", "success", "first_success"]
    assert frame["success"].tolist() == [False]
    assert frame["status"].tolist() == ["dont_know"]


def test_progress_report_scores_by_topic_weakest_first(pfile):
    outcomes = {
        ("quiz", "b-1", "basics"): "correct",
        ("quiz", "b-2", "basics"): "correct",
        ("quiz", "b-3", "basics"): "incorrect",
        ("exercise", "00:q1", "metrics"): "not_attempted",
        ("exercise", "00:q2", "metrics"): "correct",
        ("flashcard", "term-x", "metrics"): "dont_know",
        ("flashcard", "term-y", "levels"): "know",
    }
    for (kind, item, topic), status in outcomes.items():
        record_result(kind, item, status, topic=topic)
    report = progress_report()
    # independent reference: count successes by hand
    expected = {}
    for (_, item, topic), status in outcomes.items():
        ok = status in {"correct", "know"}
        att, cor, todo = expected.get(topic, (0, 0, []))
        expected[topic] = (att + 1, cor + ok, todo + ([] if ok else [item]))
    assert list(report.columns) == ["topic", "attempted", "right_first_time", "score", "revise_next"]
    assert report["topic"].tolist() == ["metrics", "basics", "levels"]  # 1/3, 2/3, 1/1
    for row in report.itertuples():
        att, cor, todo = expected[row.topic]
        assert (row.attempted, row.right_first_time) == (att, cor)
        assert row.score == pytest.approx(cor / att, abs=1e-3)
        assert sorted(filter(None, row.revise_next.split(", "))) == sorted(todo)


def test_progress_report_empty(pfile):
    report = progress_report()
    assert report.empty
    assert list(report.columns) == ["topic", "attempted", "right_first_time", "score", "revise_next"]
    assert isinstance(report, pd.DataFrame)


def test_explicit_path_argument_ignores_environment(pfile, tmp_path):
    other = tmp_path / "sub" / "other.json"
    record_result("quiz", "basics-01", "incorrect", path=other)
    assert other.exists() and not pfile.exists()
    assert load_progress(other)["quiz"]["basics-01"]["status"] == "incorrect"
    assert os.path.isdir(tmp_path / "sub")


def test_atomic_write_gives_normal_permissions_and_keeps_existing_ones(tmp_path):
    """mkstemp creates owner-only files; written pages, grades and papers must be readable like any file."""
    import os
    import stat

    from course_lib.learning.progress import atomic_write_text

    old = os.umask(0o022)
    try:
        new = tmp_path / "page.html"
        atomic_write_text(new, "x")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        kept = tmp_path / "grades.csv"
        kept.write_text("old")
        kept.chmod(0o640)
        atomic_write_text(kept, "new")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "new"
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- first attempts (issue 20)


def test_wrong_then_right_stays_a_weakness(pfile):
    record_result("quiz", "levels-01", "incorrect", topic="segmentation-levels")
    record_result("quiz", "levels-01", "correct", topic="segmentation-levels")
    record_result("quiz", "basics-01", "correct", topic="basics")
    rec = load_progress()["quiz"]["levels-01"]
    assert (rec["status"], rec["first_status"], rec["attempts"]) == ("correct", "incorrect", 2)
    report = progress_report().set_index("topic")
    assert report.loc["segmentation-levels", "right_first_time"] == 0
    assert report.loc["segmentation-levels", "score"] == 0.0
    assert report.loc["segmentation-levels", "revise_next"] == "levels-01"
    assert report.index[0] == "segmentation-levels"  # weakest first
    assert report.loc["basics", "score"] == 1.0


def test_a_blank_exercise_is_not_the_first_attempt(pfile):
    record_result("exercise", "00-start-here:q1", "not_attempted", topic="metrics")
    record_result("exercise", "00-start-here:q1", "correct", topic="metrics")
    assert load_progress()["exercise"]["00-start-here:q1"]["first_status"] == "correct"


def test_old_progress_files_still_load(pfile):
    """A file written before first_status was kept: its records count by their saved status."""
    old = {"version": 1, "exercise": {}, "flashcard": {},
           "quiz": {"basics-01": {"status": "correct", "attempts": 2, "topic": "basics", "updated": "2024-01-01"},
                    "basics-02": {"status": "incorrect", "attempts": 1, "topic": "basics"}}}
    pfile.write_text(json.dumps(old))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ProgressWarning: the file is not moved aside
        frame = results_frame()
    assert frame.set_index("item")["first_success"].to_dict() == {"basics-01": True, "basics-02": False}
    record_result("quiz", "basics-02", "correct", topic="basics")
    assert load_progress()["quiz"]["basics-02"]["first_status"] == "incorrect"
    assert pfile.with_name(pfile.name + ".corrupt-1").exists() is False


# --------------------------------------------------------------------------- issue 17: no lost work


def _record_many(path: str, worker: int, n: int) -> None:
    for i in range(n):
        record_result("quiz", f"w{worker}-{i}", "correct", path=path)


def test_several_processes_recording_at_once_lose_nothing(pfile):
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_record_many, args=(str(pfile), w, 40)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0] * 4
    assert len(load_progress()["quiz"]) == 4 * 40


def _load_quietly(path: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_progress(path)


def test_a_corrupt_file_found_by_several_processes_is_moved_aside_once(pfile):
    import multiprocessing

    pfile.write_text("{ broken", encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_load_quietly, args=(str(pfile),)) for _ in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0] * 4
    asides = sorted(p.name for p in pfile.parent.glob("progress.json.corrupt-*"))
    assert asides == ["progress.json.corrupt-1"]
    assert pfile.with_name(asides[0]).read_text(encoding="utf-8") == "{ broken"


def _deep(n: int) -> str:
    return "[" * n + "]" * n


@pytest.mark.parametrize("content", [
    b"\x00\x01\xff\xfe binary", "{}".encode("utf-16"), '{"version": 1, "quiz": {"a": "correct"}}'.encode(),
    b'{"version": 1, "quiz": {"a": {"status": "correct", "attempts": "many"}}}',
    b'{"version": 1, "quiz": {"a": {"status": "correct", "topic": ["x"]}}}',
    _deep(100_000).encode(), b'{"version": 1, "quiz": {"a": {"status": "correct", "attempts": 1e400}}}',
], ids=["binary", "utf-16", "record-not-dict", "attempts-text", "topic-list", "deep", "huge-float"])
def test_an_unreadable_file_never_raises_into_the_notebook(pfile, content):
    pfile.write_bytes(content)
    with pytest.warns(ProgressWarning, match="could not be read") as caught:
        assert progress_report().empty
    assert "\n" not in str(caught[0].message)
    assert pfile.with_name("progress.json.corrupt-1").read_bytes() == content
    record_result("quiz", "basics-01", "correct")
    assert results_frame()["item"].tolist() == ["basics-01"]


def test_a_folder_in_place_of_the_progress_file_is_moved_aside(pfile):
    pfile.mkdir()
    (pfile / "keep.txt").write_text("x")
    with pytest.warns(ProgressWarning, match="could not be read"):
        record_result("quiz", "basics-01", "correct")
    assert (pfile.with_name("progress.json.corrupt-1") / "keep.txt").exists()
    assert load_progress()["quiz"]["basics-01"]["status"] == "correct"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads any file, so a file without read permission cannot be made (POSIX only)")
def test_a_file_without_read_permission_is_moved_aside(pfile):
    pfile.write_text("{}")
    pfile.chmod(0)
    with pytest.warns(ProgressWarning, match="could not be read"):
        assert load_progress()["quiz"] == {}
    assert pfile.with_name("progress.json.corrupt-1").exists()
