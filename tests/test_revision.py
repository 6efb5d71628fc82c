"""The revision drill: weights follow the progress file, weak topics get more questions, nothing repeats."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from course_lib.progress import record_result
from course_lib.quiz import load_bank
from course_lib.revision import EXCLUDED, allocate, drill, drill_questions, topic_weights


@pytest.fixture
def progress(tmp_path):
    return tmp_path / "progress.json"


def _answer_all(path, topic, status, n=None):
    qs = [q for q in load_bank() if q.topic == topic][:n]
    for q in qs:
        record_result("quiz", q.id, status, topic=topic, path=path)
    return qs


def test_weights_without_progress_are_equal(progress):
    w = topic_weights(progress)
    assert set(w["weight"]) == {1.0 + 3.0 * 0.5}
    assert w["attempted"].sum() == 0 and w["score"].isna().all()
    assert not set(w["topic"]) & set(EXCLUDED)


def test_weights_follow_the_formula(progress):
    _answer_all(progress, "rfm", "incorrect", n=3)
    record_result("quiz", "metrics-01", "correct", topic="metrics", path=progress)
    record_result("quiz", "metrics-02", "incorrect", topic="metrics", path=progress)
    record_result("flashcard", "term-x", "know", topic="basics", path=progress)
    w = topic_weights(progress, base=1.0, boost=3.0).set_index("topic")
    assert w.loc["rfm", ["attempted", "correct"]].tolist() == [3, 0]
    assert w.loc["rfm", "weight"] == pytest.approx(4.0)      # all wrong: base + boost
    assert w.loc["metrics", "weight"] == pytest.approx(2.5)  # half right
    assert w.loc["basics", "weight"] == pytest.approx(1.0)   # all known
    assert w.index[0] == "rfm"                               # weakest first


def test_weak_topics_get_more_questions(progress):
    _answer_all(progress, "rfm", "incorrect")
    _answer_all(progress, "clustering", "correct")
    picked = drill_questions(30, seed=2, progress_path=progress)
    by_topic = Counter(q.topic for q in picked)
    assert by_topic["rfm"] > by_topic["clustering"]
    assert len({q.id for q in picked}) == 30


def test_unsolved_questions_come_first_inside_a_topic(progress):
    rfm = [q for q in load_bank() if q.topic == "rfm"]
    for q in rfm[:-2]:
        record_result("quiz", q.id, "correct", topic="rfm", path=progress)
    for q in rfm[-2:]:
        record_result("quiz", q.id, "incorrect", topic="rfm", path=progress)
    bank = rfm  # drill over one topic only
    picked = drill_questions(2, seed=5, progress_path=progress, bank=bank)
    assert {q.id for q in picked} == {q.id for q in rfm[-2:]}


def test_same_seed_same_drill_and_different_seed_differs(progress):
    a = [q.id for q in drill_questions(15, seed=1, progress_path=progress)]
    assert a == [q.id for q in drill_questions(15, seed=1, progress_path=progress)]
    assert a != [q.id for q in drill_questions(15, seed=2, progress_path=progress)]


def test_allocation_is_proportional_and_capped():
    w = pd.DataFrame({"topic": ["a", "b", "c"], "questions": [10, 10, 1], "weight": [3.0, 1.0, 4.0]})
    got = allocate(9, w)
    assert got == {"a": 6, "b": 2, "c": 1}
    assert sum(allocate(21, w).values()) == 21


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_bad_counts_are_rejected(bad, progress):
    with pytest.raises(ValueError, match="n_questions"):
        drill_questions(bad, progress_path=progress)


def test_bad_weights_are_rejected(progress):
    with pytest.raises(ValueError, match="boost must be a number >= 0"):
        topic_weights(progress, boost=-1)
    with pytest.raises(ValueError, match="cannot both be 0"):
        topic_weights(progress, base=0, boost=0)
    with pytest.raises(ValueError, match="only has"):
        drill_questions(100000, progress_path=progress)


def test_drill_widget_has_the_questions(progress):
    quiz = drill(6, seed=4, progress_path=progress)
    assert len(quiz.questions) == 6
