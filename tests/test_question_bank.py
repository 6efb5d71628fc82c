"""Schema and coverage checks over the real question bank and flashcard decks."""

from __future__ import annotations

import collections
import re

import pytest

from course_lib.learning.flashcards import load_deck, validate_decks
from course_lib.learning.quiz import DIFFICULTIES, QUESTIONS_DIR, QuestionBankError, grade_answer, load_bank, validate_bank


def _bank_or_empty():
    """The bank for parametrisation; a malformed bank is reported by test_the_question_bank_is_valid."""
    try:
        return load_bank()
    except QuestionBankError:
        return []


def test_the_question_bank_is_valid():
    errors = validate_bank()
    assert errors == [], "\n".join(errors)


def test_the_flashcard_decks_are_valid():
    errors = validate_decks()
    assert errors == [], "\n".join(errors)


def test_files_are_grouped_by_topic():
    names = sorted(p.name for p in QUESTIONS_DIR.glob("*.yaml"))
    assert names, "no question files"
    for name in names:
        assert re.fullmatch(r"[a-z0-9-]+\.yaml", name), name


def test_coverage_of_the_first_notebooks():
    counts = collections.Counter(q.notebook for q in load_bank())
    assert counts["00-start-here"] >= 5
    assert counts["01-what-is-micromarketing"] + counts["02-segmentation-levels"] >= 15
    types = {q.type for q in load_bank()}
    assert types == {"single", "multiple", "true_false", "numeric"}
    assert {q.difficulty for q in load_bank()} <= set(DIFFICULTIES)


@pytest.mark.parametrize("question", _bank_or_empty(), ids=lambda q: q.id)
def test_every_question_can_be_answered_right_and_wrong(question):
    """Grading the keyed answer gives Correct; a wrong answer gives Incorrect."""
    if question.type == "numeric":
        assert grade_answer(question, question.value).status == "correct"
        off = question.value + 10 * question.tolerance + 1 + abs(question.value)
        assert grade_answer(question, off).status == "incorrect"
        for wrong, _ in question.mistakes:
            assert grade_answer(question, wrong).status == "incorrect"
        return
    labels = question.presented(0)
    right = [lab for lab, opt in labels if opt.correct]
    wrong = [lab for lab, opt in labels if not opt.correct]
    assert wrong, f"{question.id}: every option is correct"
    assert grade_answer(question, right if question.type == "multiple" else right[0]).status == "correct"
    assert grade_answer(question, wrong[0]).status == "incorrect"
    for _, opt in labels:
        assert opt.explanation and opt.text


def test_metric_questions_are_consistent_with_their_numbers():
    """Recompute the numeric answers from the figures in the prompts (independent reference)."""
    expected = {
        "start-07": 50 / 2000,
        "metrics-01": 100 * 240 / 8000,
        "metrics-02": 1500 / 60,
        "metrics-03": 1800 / 400,
        "metrics-06": 100 * 12 / 150,
    }
    bank = {q.id: q for q in load_bank()}
    for qid, value in expected.items():
        assert bank[qid].value == pytest.approx(value, abs=bank[qid].tolerance), qid


def test_flashcards_cover_the_basics():
    cards = load_deck()
    assert len(cards) >= 12
    assert {c.kind for c in cards} == {"term", "comparison"}


def test_bank_size_and_topic_balance():
    """Issue 9: at least 150 questions, every topic of topics.yaml with at least 5 (mock exams draw evenly)."""
    from course_lib.learning.quiz import load_topics

    bank = load_bank()
    assert len(bank) >= 150, f"the bank has {len(bank)} questions; the course promises at least 150"
    counts = collections.Counter(q.topic for q in bank)
    thin = {t: counts[t] for t in load_topics() if counts[t] < 5}
    assert thin == {}, f"topics with fewer than 5 questions: {thin}"
    assert set(counts) <= set(load_topics())


def test_every_chapter_has_its_self_check():
    """Every chapter and case notebook (not the revision drill, which draws from all) has at least 5 questions."""
    from course_lib.base.paths import NOTEBOOKS_DIR

    counts = collections.Counter(q.notebook for q in load_bank())
    stems = [p.stem for p in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")) if "revision" not in p.stem]
    short = {s: counts[s] for s in stems if counts[s] < 5}
    assert short == {}, f"notebooks with fewer than 5 questions: {short}"


def test_flashcards_cover_every_topic():
    """Issue 9: at least 60 cards, and every marketing topic has cards of its own."""
    from course_lib.learning.quiz import load_topics

    cards = load_deck()
    assert len(cards) >= 60
    counts = collections.Counter(c.topic for c in cards)
    missing = {t: counts[t] for t in load_topics() if t != "how-the-course-works" and counts[t] < 4}
    assert missing == {}, f"topics with fewer than 4 flashcards: {missing}"
    assert len({c.front.strip().lower() for c in cards}) == len(cards), "two cards share the same front"
