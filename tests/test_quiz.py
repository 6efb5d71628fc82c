"""Quiz: grading every question type, the text fallback, the widget, the schema checker."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from course_lib.learning import quiz
from course_lib.learning.progress import PROGRESS_ENV, load_progress
from course_lib.learning.quiz import (
    QuestionBankError,
    answer,
    get_question,
    grade_answer,
    load_bank,
    quiz_text,
    self_check,
    validate_bank,
)


@pytest.fixture(autouse=True)
def private_progress(tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "progress.json"))


def _label(qid: str, correct: bool = True, seed: int = 0) -> list[str]:
    """Labels of the (in)correct options as displayed with ``seed``."""
    return [lab for lab, opt in get_question(qid).presented(seed) if opt.correct == correct]


# --------------------------------------------------------------------------- grading


def test_single_choice_right_and_wrong():
    right = _label("start-01")[0]
    fb = grade_answer("start-01", right)
    assert fb.status == "correct"
    assert fb.message.startswith(f"({right}) Right.")
    for wrong in _label("start-01", correct=False):
        fb = grade_answer("start-01", wrong)
        assert fb.status == "incorrect"
        assert fb.message.startswith(f"({wrong}) No.")  # the chosen option's own explanation


def test_multiple_select_needs_exactly_the_right_set():
    right = _label("start-04")
    wrong = _label("start-04", correct=False)
    assert grade_answer("start-04", right).status == "correct"
    assert grade_answer("start-04", ", ".join(reversed(right))).status == "correct"
    partial = grade_answer("start-04", right[:2])
    assert partial.status == "incorrect" and "You missed 1 correct option." in partial.message
    too_many = grade_answer("start-04", right + wrong)
    assert too_many.status == "incorrect"


def test_true_false_accepts_bools_and_words():
    assert grade_answer("start-03", True).status == "correct"
    assert grade_answer("start-03", "TRUE").status == "correct"
    assert grade_answer("start-03", False).status == "incorrect"
    assert grade_answer("basics-04", False).status == "correct"


def test_numeric_with_tolerance_and_known_mistakes():
    assert grade_answer("start-07", 0.025).status == "correct"
    assert grade_answer("start-07", "0.02505").status == "correct"  # within tolerance 0.0001
    fb = grade_answer("start-07", 2.5)
    assert fb.status == "incorrect" and "percentage" in fb.message
    fb = grade_answer("start-07", 0.5)
    assert fb.status == "incorrect" and "Hint:" in fb.message
    assert grade_answer("metrics-01", "3%").status == "correct"
    assert "not a number" in grade_answer("metrics-01", "three").message


@pytest.mark.parametrize(
    ("choice", "fragment"),
    [
        (None, "no answer"),
        ("z", "'z' is not an option; choose from a, b, c, d."),
        (3, "option letter"),
        ("a, b", "exactly one"),
        ([], "no option"),
    ],
)
def test_unusable_choices_get_a_message_not_an_error(choice, fragment):
    fb = grade_answer("start-01", choice)
    assert fb.status == "incorrect"
    assert fragment in fb.message


def test_unknown_question_suggests_close_ids():
    with pytest.raises(ValueError, match="Did you mean 'start-01'"):
        get_question("start-1")
    with pytest.raises(TypeError):
        get_question(1)


def test_answer_shows_and_records_the_same_feedback_as_the_widget(capsys):
    right = _label("start-02")[0]
    answer("start-02", right)
    printed = capsys.readouterr().out.strip()
    widget = self_check("00-start-here", ids=["start-02"])
    panel = widget.panels[0]
    panel.select(right)
    fb = panel.check()
    assert printed == fb.text
    assert "Correct" in panel.feedback.value
    rec = load_progress()["quiz"]["start-02"]
    assert rec["status"] == "correct" and rec["attempts"] == 2 and rec["topic"] == "how-the-course-works"


# --------------------------------------------------------------------------- presentation


def test_options_are_shuffled_by_seed_and_relabelled():
    q = get_question("levels-01")
    order0 = [o.key for _, o in q.presented(0)]
    assert order0 == [o.key for _, o in q.presented(0)]  # deterministic
    orders = {tuple(o.key for _, o in q.presented(s)) for s in range(10)}
    assert len(orders) > 1  # the seed matters
    assert [lab for lab, _ in q.presented(3)] == ["a", "b", "c", "d"]
    # the same letter means the same option for grade_answer with the same seed
    for seed in range(5):
        right = _label("levels-01", seed=seed)[0]
        assert grade_answer("levels-01", right, seed=seed).status == "correct"


def test_true_false_is_not_shuffled():
    assert get_question("start-03").labels(7) == ["true", "false"]


def test_text_fallback_is_deterministic_and_complete():
    questions = load_bank(notebook="00-start-here")
    text = quiz_text(questions)
    assert text == quiz_text(load_bank(notebook="00-start-here"))
    assert text.isascii()
    for q in questions:
        assert f"[{q.id}] {q.prompt}" in text
        for label, opt in q.presented(0):
            assert f"({label}) {opt.text}" in text


def test_widget_text_plain_is_the_full_text():
    widget = self_check("00-start-here")
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"] == quiz_text(widget.questions, title="Self-check: 00-start-here")
    assert len(bundle["text/plain"]) > 110  # not truncated like the default widget repr
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_widget_check_retry_and_score():
    widget = self_check("00-start-here", ids=["start-01", "start-07", "start-04"])
    single, numeric, multiple = widget.panels
    assert "mm-quiz" in widget._dom_classes
    assert "mm-check" in single.button._dom_classes
    assert "mm-feedback" in single.feedback._dom_classes
    assert "mm-score" in widget.score_label._dom_classes
    assert widget.score_label.value == "Score: 0 / 3 (checked 0)"
    single.select(_label("start-01", correct=False)[0])
    single.button.click()
    assert "mm-incorrect" in single.feedback.value
    assert widget.score_label.value == "Score: 0 / 3 (checked 1)"
    single.select(_label("start-01")[0])  # retry
    single.button.click()
    assert "mm-correct" in single.feedback.value
    numeric.input.value = "0.025"
    numeric.button.click()
    right = set(_label("start-04"))
    labels = multiple.question.labels(0)
    for label, box in zip(labels, multiple.input.children, strict=True):
        box.value = label in right
    multiple.button.click()
    assert widget.score == 3
    assert widget.score_label.value == "Score: 3 / 3 (checked 3)"
    assert load_progress()["quiz"]["start-01"]["attempts"] == 2


def test_widget_empty_answer_gets_feedback():
    widget = self_check("00-start-here", ids=["start-07"])
    fb = widget.panels[0].check()
    assert fb.status == "incorrect" and "no answer" in fb.message


def test_self_check_validates_arguments():
    with pytest.raises(ValueError, match="no questions"):
        self_check("99-nothing-here")
    with pytest.raises(TypeError, match="seed"):
        self_check("00-start-here", seed="1")
    with pytest.raises(ValueError, match="no question"):
        self_check("00-start-here", ids=["basics-01"])
    with pytest.raises(TypeError, match="ids"):
        self_check("00-start-here", ids="start-01")


def test_load_bank_filters():
    assert {q.notebook for q in load_bank(notebook="02-segmentation-levels")} == {"02-segmentation-levels"}
    assert {q.topic for q in load_bank(topic="metrics")} == {"metrics"}
    with pytest.raises(TypeError):
        load_bank(notebook=2)


# --------------------------------------------------------------------------- schema checker

GOOD = """
  - id: t-01
    type: single
    topic: basics
    difficulty: easy
    notebook: 01-what-is-micromarketing
    prompt: Pick one.
    options:
      a: {text: One, explanation: Right because.}
      b: {text: Two, explanation: Wrong because.}
    answer: a
"""


def _bank(tmp_path: Path, body: str, name: str = "t.yaml") -> Path:
    (tmp_path / name).write_text("questions:" + textwrap.dedent(body), encoding="utf-8")
    return tmp_path


def test_schema_accepts_a_good_file(tmp_path):
    assert validate_bank(_bank(tmp_path, GOOD)) == []
    assert [q.id for q in load_bank(tmp_path)] == ["t-01"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace("    answer: a\n", "    answer: c\n"), "the answer 'c' is not one of the options"),
        (lambda s: s.replace("    answer: a\n", ""), "missing field 'answer'"),
        (lambda s: s.replace(", explanation: Wrong because.", ""), "option 'b' has no explanation"),
        (lambda s: s.replace("type: single", "type: essay"), "type must be one of"),
        (lambda s: s.replace("difficulty: easy", "difficulty: trivial"), "difficulty must be one of"),
        (lambda s: s.replace("notebook: 01-what-is-micromarketing", "notebook: intro"), "notebook must be a file stem"),
        (lambda s: s.replace("id: t-01", "id: T 01"), "id must be lowercase"),
        (lambda s: s.replace("    prompt: Pick one.\n", "    prompt: Pick one.\n    colour: red\n"), "unknown field(s) 'colour'"),
        (lambda s: s.replace("      b: {text: Two, explanation: Wrong because.}\n", ""), "at least two keys"),
        (lambda s: s.replace("type: single", "type: multiple").replace("answer: a", "answer: [a, b]"), "every option is correct"),
        (lambda s: s.replace("type: single", "type: multiple"), "non-empty list"),
        (lambda s: s.replace("text: One, ", ""), "option 'a' has no text"),
    ],
)
def test_schema_errors_point_at_file_and_question(tmp_path, edit, message):
    _bank(tmp_path, edit(GOOD), name="topic-x.yaml")
    errors = validate_bank(tmp_path)
    assert errors, "the malformed question was accepted"
    assert any(message in e for e in errors), errors
    assert all(e.startswith("topic-x.yaml") for e in errors)
    with pytest.raises(QuestionBankError) as info:
        load_bank(tmp_path)
    assert message in str(info.value)


def test_schema_duplicate_id_names_both_files(tmp_path):
    _bank(tmp_path, GOOD, name="a.yaml")
    _bank(tmp_path, GOOD, name="b.yaml")
    errors = validate_bank(tmp_path)
    assert errors == ["b.yaml question 't-01': duplicate id (also in a.yaml)."]


def test_schema_true_false_and_numeric(tmp_path):
    body = """
      - id: tf-01
        type: true_false
        topic: basics
        difficulty: easy
        notebook: 01-what-is-micromarketing
        prompt: Yes?
        options:
          true: {explanation: Because.}
          maybe: {explanation: Hmm.}
        answer: "true"
      - id: num-01
        type: numeric
        topic: metrics
        difficulty: easy
        notebook: 01-what-is-micromarketing
        prompt: How much?
        answer: {value: 2, tolerance: -1}
        mistakes:
          - {value: 3}
    """
    errors = validate_bank(_bank(tmp_path, body))
    text = "\n".join(errors)
    assert "tf-01': a true_false question has exactly the options 'true' and 'false'" in text
    assert "tf-01': a true_false answer must be true or false" in text
    assert "num-01': answer tolerance must be a number >= 0" in text
    assert "num-01': a numeric question needs an explanation" in text
    assert "num-01': mistake 1 must be" in text


def test_schema_file_level_problems(tmp_path):
    (tmp_path / "bad.yaml").write_text("questions: [\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- id: x\n", encoding="utf-8")
    errors = validate_bank(tmp_path)
    assert any(e.startswith("bad.yaml is not valid YAML (line") for e in errors)
    assert any(e.startswith("list.yaml: the file must contain one key") for e in errors)
    assert validate_bank(tmp_path / "missing") == [f"{tmp_path / 'missing'}: the question folder does not exist."]


def test_load_bank_cache_sees_edits(tmp_path):
    _bank(tmp_path, GOOD)
    assert len(load_bank(tmp_path)) == 1
    import os
    import time

    _bank(tmp_path, GOOD.replace("answer: a", "answer: z"))
    later = time.time() + 5
    os.utime(tmp_path / "t.yaml", (later, later))
    with pytest.raises(QuestionBankError):
        load_bank(tmp_path)


def test_module_constants():
    assert quiz.QUESTION_TYPES == ("single", "multiple", "true_false", "numeric")


# --------------------------------------------------------------------------- what the student sees (issue 20)


def test_answer_grades_the_letters_the_drill_showed(capsys):
    """Chapter 17: the drill shows options with seed 17; answer() must grade those letters, not seed 0's."""
    from course_lib.learning.revision import drill

    quiz_widget = drill(15, seed=17)
    moved = [q for q in quiz_widget.questions if q.type == "single" and _label(q.id, seed=17) != _label(q.id, seed=0)]
    assert moved, "no drill question whose right letter depends on the seed: the test would prove nothing"
    for q in moved:
        answer(q.id, _label(q.id, seed=17)[0])
        assert capsys.readouterr().out.startswith("Correct"), q.id
        assert load_progress()["quiz"][q.id]["status"] == "correct"
    assert f'seed=17)' in repr(quiz_widget)  # the text view says which letters it uses
    answer(moved[0].id, _label(moved[0].id, seed=0)[0], seed=0)  # an explicit seed still wins
    assert capsys.readouterr().out.startswith("Correct")


def test_single_choice_ticks_one_option_at_a_time():
    panel = self_check("00-start-here", ids=["start-01"]).panels[0]
    boxes = panel.input.children
    boxes[0].value = True
    boxes[1].value = True
    assert [b.value for b in boxes] == [False, True] + [False] * (len(boxes) - 2)
    assert panel.choice() == panel.question.labels(0)[1]


def test_option_labels_render_code_not_backticks():
    with_code = [q for q in load_bank() if q.type != "numeric" and any("`" in o.text for o in q.options)]
    assert with_code, "the bank has no option with `code` to check"
    q = with_code[0]
    panel = self_check(q.notebook, ids=[q.id]).panels[0]
    descriptions = [box.description for box in panel.input.children]
    assert all(box.description_allow_html for box in panel.input.children)
    assert not any("`" in d for d in descriptions) and any("<code>" in d for d in descriptions)


def test_right_and_wrong_feedback_look_different():
    panel = self_check("00-start-here", ids=["start-01"]).panels[0]
    panel.select(_label("start-01", correct=False)[0])
    panel.check()
    wrong = panel.feedback.value
    panel.select(_label("start-01")[0])
    panel.check()
    right = panel.feedback.value
    assert "mm-incorrect" in wrong and "\u2717" in wrong and "#b3261e" in wrong and "Incorrect:" in wrong
    assert "mm-correct" in right and "\u2713" in right and "#1a7f37" in right and "Correct:" in right
    assert 'aria-hidden="true"' in right  # the icon is decoration; the word is read out


def test_self_check_opens_with_the_chapters_own_questions():
    for notebook in sorted({q.notebook for q in load_bank()}):
        questions = self_check(notebook).questions
        sources = [q.source for q in questions]
        own = max(set(sources), key=sources.count)
        assert questions[0].source == own, (notebook, questions[0].id)
    assert self_check("02-segmentation-levels").questions[0].id.startswith("levels-")


def test_a_long_self_check_is_paged():
    widget = self_check("02-segmentation-levels")
    assert len(widget.questions) == 16 and widget.pages == 2 and widget.per_page == 8
    shown = [p.box.layout.display != "none" for p in widget.panels]
    assert sum(shown) == 8 and shown[:8] == [True] * 8
    widget.nav.children[2].click()  # Next questions
    assert [p.box.layout.display != "none" for p in widget.panels][8:] == [True] * 8
    assert widget.page_label.value == "Questions 9-16 of 16" and widget.nav.children[2].disabled
    short = self_check("00-start-here")
    assert short.pages == 1 and short.nav.layout.display == "none"
    for notebook in sorted({q.notebook for q in load_bank()}):  # no page longer than 10 questions
        assert self_check(notebook).per_page <= 10, notebook


def test_widget_has_an_html_view_for_static_renderers():
    widget = self_check("00-start-here")
    html = widget._repr_mimebundle_()["text/html"]
    assert 'class="mm-quiz-static"' in html
    for q in widget.questions:
        assert quiz.code_spans(q.prompt) in html
    assert "<code>____</code>" in html and "`" not in html.replace("<code>", "")


def test_case_questions_name_their_case_chapter():
    assert get_question("case-coaching-01").case_chapter == "13-case-coaching-centre"
    assert get_question("levels-01").case_chapter is None
