"""The revision drill: weights follow the progress file, weak topics get more questions, nothing repeats."""

from __future__ import annotations

import re

from collections import Counter

import pandas as pd
import pytest

from course_lib.learning.progress import record_result
from course_lib.learning.quiz import load_bank
from course_lib.learning.revision import EXCLUDED, allocate, drill, drill_questions, topic_weights


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
    assert w.loc["rfm", ["attempted", "right_first_time"]].tolist() == [3, 0]
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


# --- revision content: notes, comparisons, the test-and-learn loop, the exam-practice widget ----------

import yaml  # noqa: E402

from course_lib.learning.quiz import load_topics  # noqa: E402
from course_lib.learning.revision import (  # noqa: E402
    REVISION_PATH,
    ExamPractice,
    RevisionError,
    _md_html,
    _read_yaml,
    comparison_names,
    exam_practice,
    exam_text,
    learning_loop,
    load_exam_questions,
    load_notes,
    load_revision_comparison,
    notes_markdown,
)

RAW_REVISION = yaml.safe_load(REVISION_PATH.read_text(encoding="utf-8"))


def test_notes_cover_every_topic_in_topic_order():
    notes = load_notes()
    topics = list(load_topics())
    assert notes["topic"].unique().tolist() == topics
    assert notes.groupby("topic")["point"].size().min() >= 3
    assert notes.loc[notes["topic"] == "rfm", "chapters"].iloc[0] == "05"
    assert "StudySmarter" in notes.loc[notes["topic"] == "segmentation-levels", "sources"].iloc[0]


def test_notes_for_one_topic_or_a_list():
    assert set(load_notes("metrics")["topic"]) == {"metrics"}
    picked = load_notes(["rfm", "basics"])
    assert picked["topic"].unique().tolist() == ["rfm", "basics"]
    text = notes_markdown(["rfm", "basics"])
    assert text.index("(`rfm`)") < text.index("(`basics`)")
    assert text.count("\n- ") == len(picked)


@pytest.mark.parametrize("bad, error", [("astrology", ValueError), (["rfm", "astrology"], ValueError),
                                        (5, TypeError), ([], TypeError)])
def test_bad_note_topics_are_rejected(bad, error):
    with pytest.raises(error):
        load_notes(bad)


def _revision_copy(tmp_path, mutate):
    data = yaml.safe_load(REVISION_PATH.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "revision.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["notes"].update(astrology={"chapters": ["01"], "sources": [], "points": ["x"]}), "not a topic"),
        (lambda d: d["notes"]["rfm"].update(points=[]), "points must be a non-empty list"),
        (lambda d: d["notes"]["rfm"].update(chapters=["5"]), "two-digit"),
        (lambda d: d["notes"]["rfm"].update(sources=["wikipedia"]), "sources must be a list of keys"),
        (lambda d: d["notes"]["rfm"].pop("sources"), "exactly chapters, sources and points"),
        (lambda d: d.pop("notes"), "must have a mapping 'notes'"),
    ],
)
def test_broken_notes_are_reported(tmp_path, mutate, message):
    with pytest.raises(RevisionError, match=message):
        load_notes(path=_revision_copy(tmp_path, mutate))


def test_a_changed_file_is_read_again(tmp_path):
    path = _revision_copy(tmp_path, lambda d: None)
    before = load_notes("rfm", path=path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["notes"]["rfm"]["points"].append("A brand-new point about RFM that makes the file longer.")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert len(load_notes("rfm", path=path)) == len(before) + 1
    data, _ = _read_yaml(path, REVISION_PATH, "revision")
    data["notes"]["rfm"]["points"][0] = "changed"  # the cache hands out copies, not its own dict
    assert load_notes("rfm", path=path).loc[0, "point"] == before.loc[0, "point"]


def test_comparisons_for_revision():
    assert {"mass-vs-micro", "micro-vs-macro", "micro-vs-niche"} <= set(comparison_names())
    mass = load_revision_comparison("mass-vs-micro")
    assert mass.index[:4].tolist() == ["Audience size", "Message", "Data use", "Cost and efficiency"]
    assert mass.columns.tolist() == ["Mass marketing", "Micromarketing", "source"]
    niche = load_revision_comparison("micro-vs-niche", sources=False)  # chapter 01's table, reused
    assert niche.columns.tolist() == ["Niche marketing", "Micromarketing"]
    assert load_revision_comparison("micro-vs-macro").attrs["title"] == "Micromarketing vs macromarketing"


def test_bad_comparisons_are_reported(tmp_path):
    with pytest.raises(ValueError, match="no comparison 'micro-vs-magic'"):
        load_revision_comparison("micro-vs-magic")
    with pytest.raises(TypeError, match="name must be a str"):
        load_revision_comparison(3)
    path = _revision_copy(tmp_path, lambda d: d["comparisons"]["mass-vs-micro"]["rows"][0].update(source="blog"))
    with pytest.raises(RevisionError, match="source 'blog'"):
        load_revision_comparison("mass-vs-micro", path=path)


def test_learning_loop():
    loop = learning_loop()
    assert loop.index.tolist() == list(range(1, len(RAW_REVISION["test_and_learn"]) + 1))
    assert loop["step"].iloc[-1] == "Document"
    assert loop["source"].str.len().min() > 10  # a citation, not a key


def test_broken_learning_loop(tmp_path):
    path = _revision_copy(tmp_path, lambda d: d["test_and_learn"][0].pop("what"))
    with pytest.raises(RevisionError, match="step 1"):
        learning_loop(path=path)


VALUES = {"micro_revenue": 121807.91, "micro_spend": 15278.76, "micro_roas": 7.972}


def test_exam_practice_hides_answers_until_revealed():
    practice = exam_practice(2, VALUES)
    assert isinstance(practice, ExamPractice)
    assert all(a.selected_index is None for a in practice.accordions.values())
    first = practice.questions[0].id
    practice.reveal(first)
    assert practice.accordions[first].selected_index == 0
    with pytest.raises(ValueError, match="no question 'exam-9-99'"):
        practice.reveal("exam-9-99")


def test_exam_practice_text_fallback_shows_answers_and_schemes():
    practice = exam_practice(2, VALUES)
    text = practice._repr_mimebundle_()["text/plain"]
    assert text == repr(practice) == exam_text(practice.questions, VALUES, title=practice.title)
    flat = " ".join(text.split())  # the text view rewraps long lines
    for q in practice.questions:
        assert q.question in flat
    assert "ROAS = 7.97" in flat and text.count("Marking scheme (2 marks)") == len(practice.questions)
    assert max(len(line) for line in text.splitlines()) <= 110


def test_exam_practice_needs_the_values():
    with pytest.raises(ValueError, match="needs value"):
        exam_practice(10)  # 10-mark answers carry numbers from the course data
    with pytest.raises(ValueError, match="no exam questions"):
        exam_practice(2, VALUES, topic="clustering")


def test_plain_text_reflows_paragraphs_and_items():
    from course_lib.learning.revision import _wrap_text

    text = "A paragraph\nover two lines.\n\n1. first\n   step\n2. second\n- bullet " + "word " * 30
    out = _wrap_text(text, width=40)
    assert out.splitlines()[0] == "A paragraph over two lines."
    assert "1. first step" in out and "2. second" in out
    assert all(len(line) <= 40 for line in out.splitlines())
    assert out.splitlines()[-1].startswith("  ")  # a wrapped bullet is indented under its text


def test_markdown_subset_to_html():
    html = _md_html("**Bold** and *it* <tag>\n\n- one\n  more\n1. two")
    assert html == "<p><b>Bold</b> and <i>it</i> &lt;tag&gt;</p><ul><li>one more</li></ul><ol><li>two</li></ol>"
    expected = "<p>Intro:</p><ul><li>a</li><li>b</li></ul><p>After the list.</p>"
    assert _md_html("Intro:\n- a\n- b\nAfter the list.") == expected
    assert all(_md_html(q.question) for q in load_exam_questions())


def test_wrong_then_right_still_weighs_the_topic_as_weak(progress):
    """First attempts count: a topic got wrong and then right keeps its weight and its questions come first."""
    qs = _answer_all(progress, "rfm", "incorrect", n=2)
    _answer_all(progress, "rfm", "correct")  # every rfm question now right; only the first two were missed
    w = topic_weights(progress).set_index("topic")
    n = len([q for q in load_bank() if q.topic == "rfm"])
    assert w.loc["rfm", "score"] == pytest.approx((n - 2) / n)  # latest statuses would give 1.0
    picked = [q.id for q in drill_questions(40, seed=1, progress_path=progress) if q.topic == "rfm"][:2]
    assert picked and set(picked) <= {q.id for q in qs}  # the ones missed at first come first


def test_exam_practice_has_an_html_view_for_static_renderers():
    from course_lib.learning.revision import exam_practice, load_exam_questions, render_answer

    practice = exam_practice(2, values=VALUES)
    bundle = practice._repr_mimebundle_()
    html = bundle["text/html"]
    assert 'class="mm-exam-static"' in html and "application/vnd.jupyter.widget-view+json" in bundle
    for q in practice.questions:
        assert q.id in html and "<summary>Model answer</summary>" in html
    first = " ".join(render_answer(load_exam_questions(2)[0], VALUES).split()[:12])
    assert first in html


def test_revision_notes_use_the_course_definitions():
    """Currency and the brief's definitions in the notes students read (issue 15, issue 20)."""
    notes = load_notes()
    text = " ".join(notes["point"]).lower()
    assert "$" not in text and not re.search(r"\brs\.? ?\d", text)  # USD 0.15 and ₹1,200, never $ or Rs
    assert "hold-out" not in text
    assert "macro (mass)" not in text and "not macromarketing" in text
    hashed = [p for p in notes["point"] if "hashed" in p.lower()]
    assert hashed and all("pseudonymis" in p.lower() for p in hashed)
    reach = [p for p in notes["point"] if p.startswith("**Reach**")]
    assert reach and "unique people" in reach[0] and "contacts / reach" in reach[0]
    assert all("new customers" in p for p in notes["point"] if "CAC" in p)
    assert not any("SMS/WhatsApp" in p for p in notes["point"])  # WhatsApp needs its own opt-in
    loop = " ".join(learning_loop()["what"]).lower()
    assert "hold-out" not in loop
