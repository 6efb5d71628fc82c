"""The start-here notebook, run for real in JupyterLab in headless Chromium."""

from __future__ import annotations

import hashlib

import pytest

from course_lib.base.paths import NOTEBOOKS_DIR
from course_lib.learning.quiz import get_question
from tests.e2e.lab_helpers import no_error_outputs, run_all_cells, widgets_shown_as_text

NOTEBOOK = "notebooks/00-start-here.ipynb"


@pytest.fixture(scope="module")
def start_here(page, lab_url, lab_token):
    before = hashlib.sha256((NOTEBOOKS_DIR / "00-start-here.ipynb").read_bytes()).hexdigest()
    run_all_cells(page, lab_url, NOTEBOOK, lab_token)
    yield page
    after = hashlib.sha256((NOTEBOOKS_DIR / "00-start-here.ipynb").read_bytes()).hexdigest()
    assert before == after, "running the notebook in the browser must not rewrite the committed file"


def test_runs_without_errors_and_renders_the_quiz(start_here) -> None:
    page = start_here
    assert no_error_outputs(page) == []
    assert widgets_shown_as_text(page) == []
    quiz = page.locator(".mm-quiz")
    quiz.wait_for(state="visible")
    assert quiz.locator(".mm-question").count() == 7
    assert page.locator(".mm-flashcards").count() == 1


def test_quiz_feedback_and_score(start_here) -> None:
    page = start_here
    question = get_question("start-01")
    panel = page.locator(".mm-quiz .mm-q-start-01")
    score = page.locator(".mm-quiz .mm-score")
    assert "Score: 0 / 7" in score.inner_text()

    wrong = question.option("b")  # "leave it as it is": explained as wrong in the bank
    panel.locator("label", has_text=wrong.text.replace("`", "")).click()
    panel.locator(".mm-check").click()
    feedback = panel.locator(".mm-feedback").first  # the widget; the coloured box inside has the class too
    feedback.locator(".mm-incorrect").wait_for()
    assert wrong.explanation.replace("`", "") in feedback.inner_text()  # backticks render as <code>
    assert "Score: 0 / 7" in score.inner_text()
    wrong_look = _look(feedback.locator(".mm-incorrect"))

    right = question.option(question.correct_keys[0])
    panel.locator("label", has_text=right.text.replace("`", "")).click()
    panel.locator(".mm-check").click()
    feedback.locator(".mm-correct").wait_for()
    assert right.explanation.replace("`", "") in feedback.inner_text()
    page.wait_for_function("document.querySelector('.mm-quiz .mm-score').innerText.includes('Score: 1 / 7')")
    right_look = _look(feedback.locator(".mm-correct"))

    # right and wrong look different: colour and icon, with the words kept for screen readers
    assert (wrong_look["icon"], right_look["icon"]) == ("\u2717", "\u2713")
    assert wrong_look["background"] != right_look["background"] and wrong_look["border"] != right_look["border"]
    assert right_look["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert wrong_look["text"].startswith("Incorrect:") and right_look["text"].startswith("Correct:")
    assert right_look["icon_hidden"] == "true"


def _look(box) -> dict[str, str]:
    """How a feedback box looks on screen: its colours, its icon and its text without the icon."""
    return box.evaluate("""el => { const icon = el.querySelector('.mm-icon'); const s = getComputedStyle(el);
        return {background: s.backgroundColor, border: s.borderLeftColor, icon: icon ? icon.innerText.trim() : '',
                icon_hidden: icon ? icon.getAttribute('aria-hidden') : '',
                text: el.innerText.replace(icon ? icon.innerText : '', '').trim()}; }""")


def test_option_labels_show_code_not_backticks(start_here) -> None:
    labels = start_here.locator(".mm-quiz .mm-options label").all_inner_texts()
    assert labels and not any("`" in text for text in labels)
    prompt = start_here.locator(".mm-quiz .mm-q-start-01 .mm-prompt")
    assert prompt.locator("code").count() >= 1 and "`" not in prompt.inner_text()


def test_exercise_check_gives_different_feedback_for_wrong_and_right(start_here) -> None:
    page = start_here
    not_attempted = page.locator(".jp-OutputArea-output .mm-not-attempted")
    incorrect = page.locator(".jp-OutputArea-output .mm-incorrect")
    correct = page.locator(".jp-OutputArea-output .mm-correct")
    for loc in (not_attempted, incorrect, correct):
        loc.first.wait_for()
    assert "Not attempted yet" in not_attempted.first.inner_text()
    wrong_text = incorrect.filter(has_text="percentage").first.inner_text()
    right_text = correct.filter(has_text="CTR").first.inner_text()
    assert wrong_text != right_text and right_text.lstrip("\u2713 ").startswith("Correct")  # after the icon
