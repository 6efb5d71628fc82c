"""The exam questions of notebook 17: schema, balance across mark levels and topics, and honest model answers.

The schema is checked twice: on the raw YAML (independently of the loader) and through
``course_lib.learning.revision.load_exam_questions``, whose checks are also run on broken copies of the file.
"""

from __future__ import annotations

import copy
import string
from collections import Counter

import pytest
import yaml

from course_lib.learning.quiz import load_topics
from course_lib.learning.revision import (
    EXAM_QUESTIONS_PATH,
    MARK_LEVELS,
    TEN_MARK_STRUCTURE,
    RevisionError,
    exam_questions_frame,
    load_exam_questions,
    render_answer,
)

RAW = yaml.safe_load(EXAM_QUESTIONS_PATH.read_text(encoding="utf-8"))
FIELDS = {"id", "marks", "topic", "question", "model_answer", "marking_scheme"}


def _names(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def test_every_question_has_the_schema():
    topics = load_topics()
    ids = [q["id"] for q in RAW["questions"]]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    for q in RAW["questions"]:
        assert set(q) == FIELDS, q.get("id")
        assert q["marks"] in {2, 5, 10}, q["id"]
        assert q["topic"] in topics, q["id"]
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert isinstance(q["model_answer"], str) and len(q["model_answer"].split()) >= 15, q["id"]
        scheme = q["marking_scheme"]
        assert scheme and all(set(item) == {"point", "marks"} for item in scheme), q["id"]
        assert sum(item["marks"] for item in scheme) == q["marks"], f"{q['id']}: scheme does not add up"


@pytest.mark.parametrize("marks", MARK_LEVELS)
def test_at_least_four_questions_per_level_on_different_topics(marks):
    level = [q for q in RAW["questions"] if q["marks"] == marks]
    assert len(level) >= 4
    assert len({q["topic"] for q in level}) >= 4, f"{marks}-mark questions should cover different topics"


def test_answers_grow_with_the_marks():
    words = {m: [len(q["model_answer"].split()) for q in RAW["questions"] if q["marks"] == m] for m in MARK_LEVELS}
    assert max(words[2]) < min(words[10])
    assert sum(words[2]) / len(words[2]) < sum(words[5]) / len(words[5]) < sum(words[10]) / len(words[10])


def test_ten_mark_answers_are_structured():
    for q in RAW["questions"]:
        if q["marks"] == 10:
            positions = [q["model_answer"].find(f"**{label}") for label in TEN_MARK_STRUCTURE]
            assert -1 not in positions and positions == sorted(positions), q["id"]


def test_numbers_are_placeholders_or_cited():
    """Every placeholder is declared, every declared value is used, and an answer with a figure either
    uses placeholders or cites a source."""
    declared = set(RAW["values"])
    used = set().union(*(_names(q["model_answer"]) for q in RAW["questions"]))
    assert used <= declared, f"undeclared: {used - declared}"
    assert declared <= used, f"declared but never used: {declared - used}"
    for q in RAW["questions"]:
        text = q["model_answer"]
        bare = "".join(part for part, *_ in string.Formatter().parse(text))
        has_figure = any(ch.isdigit() for ch in bare.replace("10-mark", "").replace("5B", ""))
        if has_figure and not _names(text):
            assert "source:" in text or "chapter" in text or "(Types from" in text, q["id"]


def test_loader_matches_the_file():
    questions = load_exam_questions()
    assert [q.id for q in questions] == [q["id"] for q in RAW["questions"]]
    counts = Counter(q.marks for q in questions)
    assert all(counts[m] >= 4 for m in MARK_LEVELS)
    assert {q.marks for q in load_exam_questions(5)} == {5}
    assert all(q.topic == "basics" for q in load_exam_questions(topic="basics"))
    frame = exam_questions_frame(10)
    assert set(frame["marks"]) == {10} and len(frame) == counts[10]


def test_every_answer_renders_with_values():
    values = {name: 1234.5 for name in RAW["values"]}
    values |= {name: 12 for name in RAW["values"] if name.endswith(("reach", "conversions"))}
    for q in load_exam_questions():
        text = render_answer(q, values)
        assert "{" not in text and "}" not in text, q.id
    roas = next(q for q in load_exam_questions(2) if "micro_roas" in q.placeholders)
    assert "7.97" in render_answer(roas, {"micro_revenue": 121807.91, "micro_spend": 15278.76, "micro_roas": 7.972})


def test_missing_or_wrong_values_are_named():
    q = next(q for q in load_exam_questions(10) if q.placeholders)
    with pytest.raises(ValueError, match=f"{q.id} needs value"):
        render_answer(q, {})
    with pytest.raises(ValueError, match="does not fit its format"):
        render_answer(q, {name: "many" for name in q.placeholders})
    with pytest.raises(TypeError, match="ExamQuestion"):
        render_answer("exam-2-01")
    with pytest.raises(TypeError, match="mapping"):
        render_answer(q, [1, 2])


# --- the loader's checks can fail -----------------------------------------------------------------


def _write(tmp_path, mutate):
    data = copy.deepcopy(RAW)
    mutate(data)
    path = tmp_path / "exam.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set(index, key, value):
    def mutate(data):
        data["questions"][index][key] = value
    return mutate


def test_the_unchanged_copy_loads(tmp_path):
    assert len(load_exam_questions(path=_write(tmp_path, lambda d: None))) == len(RAW["questions"])


@pytest.mark.parametrize(
    "mutate, message",
    [
        (_set(0, "marks", 3), "marks must be one of"),
        (_set(0, "marks", 5), "id says 2 marks"),
        (_set(0, "topic", "astrology"), "not a key of topics.yaml"),
        (_set(0, "question", " "), "question must be non-empty"),
        (_set(0, "marking_scheme", [{"point": "All of it", "marks": 1}]), "adds up to 1, not 2"),
        (_set(0, "marking_scheme", [{"point": "All of it", "marks": 2.0}]), "whole number"),
        (_set(0, "model_answer", "ROAS was {unknown_value:.1f}."), "not declared under 'values'"),
        (_set(0, "model_answer", "ROAS was {micro_roas:.1f."), "malformed placeholder"),
        (lambda d: d["questions"][0].pop("marking_scheme"), "missing marking_scheme"),
        (lambda d: d["questions"][0].update(hint="x"), "unknown hint"),
        (lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])), "appears twice"),
    ],
)
def test_broken_questions_are_reported(tmp_path, mutate, message):
    with pytest.raises(RevisionError, match=message):
        load_exam_questions(path=_write(tmp_path, mutate))


def test_a_ten_mark_answer_without_its_structure_is_rejected(tmp_path):
    index = next(i for i, q in enumerate(RAW["questions"]) if q["marks"] == 10)

    def mutate(data):
        answer = data["questions"][index]["model_answer"]
        data["questions"][index]["model_answer"] = answer.replace("**Evaluation.**", "On the other hand,")
    with pytest.raises(RevisionError, match="Definition, Framework, Example, Evaluation, Conclusion"):
        load_exam_questions(path=_write(tmp_path, mutate))


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="marks must be one of"):
        load_exam_questions(4)
    with pytest.raises(ValueError, match="topic 'astrology' is not one of"):
        load_exam_questions(topic="astrology")


# --- the numbers chapter 17 gives the model answers -------------------------------------------------


@pytest.fixture(scope="module")
def chapter_values():
    from notebook_code import notebook_namespace

    return notebook_namespace("17-exam-revision", "exam-values")["values"]


def test_reach_is_people_and_never_exceeds_the_population(chapter_values):
    """exam-10-01 once reported a reach of 68,243 in a city of 50,000 (the two lines' reach added up): reach is
    unique people, contacts are messages, frequency = contacts / reach."""
    v = chapter_values
    assert v["mass_reach_min"] <= v["mass_reach_max"] <= v["population"]
    assert v["micro_reach_max"] <= v["population"]
    assert v["mass_contacts"] >= v["mass_reach_max"]
    assert v["mass_frequency_min"] == pytest.approx(v["mass_contacts"] / v["mass_reach_max"])
    assert v["mass_frequency_max"] == pytest.approx(v["mass_contacts"] / v["mass_reach_min"])
    assert v["mass_cost_per_contact"] == pytest.approx(v["mass_spend"] / v["mass_contacts"])
    assert not {k for k in RAW["values"] if k.endswith("_reach") and k != "eco_reach"}, "say which reach: min or max"


def test_every_model_answer_renders_with_the_chapter_values(chapter_values):
    assert set(RAW["values"]) <= set(chapter_values)
    for q in load_exam_questions():
        text = render_answer(q, chapter_values)
        assert "$" not in text, q.id  # US dollars are written USD 0.15 (a pair of $ is typeset as mathematics)


def test_the_exam_question_is_in_the_course_own_words():
    """The seed notes' exam question 'Discuss the steps in developing a micro-targeting strategy for an online
    retailer.' was copied word for word; the course asks it in its own words."""
    seed = "discuss the steps in developing a micro-targeting strategy"
    assert all(seed not in q["question"].lower() for q in RAW["questions"])


def test_definitions_follow_the_course():
    """Terms used as the course defines them (brief: holdout, hashing, macromarketing, CAC)."""
    text = EXAM_QUESTIONS_PATH.read_text(encoding="utf-8").lower()
    assert "hold-out" not in text  # one spelling, one meaning: the random group that gets nothing
    assert "macro (mass)" not in text and "macromarketing targets" not in text
    for q in RAW["questions"]:
        answer = q["model_answer"].lower()
        if "hashed" in answer:
            assert "pseudonymis" in answer or "personal data" in answer, q["id"]
        if "cac" in answer:
            assert "new customers" in answer, q["id"]
