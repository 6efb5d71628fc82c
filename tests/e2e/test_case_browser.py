"""A worked case in real JupyterLab (headless Chromium): the coaching-centre chapter and its workbook.

The chapter is run as a student runs it (Run All Cells); then its quiz is
answered wrong and right, and its budget slider is moved. The student workbook
is run with nothing filled in, then its first answer cell is edited twice in
the browser, a typical wrong answer and then the right one, and the two
feedbacks are compared.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from course_lib.base.paths import REPO_ROOT
from course_lib.learning.quiz import load_bank
from tests.e2e.lab_helpers import no_error_outputs, run_all_cells, widgets_shown_as_text

STEM = "13-case-coaching-centre"
CHAPTER = f"notebooks/{STEM}.ipynb"
WORKBOOK = f"exercises/{STEM}.ipynb"


def _digest(rel: str) -> str:
    return hashlib.sha256((REPO_ROOT / rel).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def chapter(page, lab_url, lab_token):
    before = _digest(CHAPTER)
    run_all_cells(page, lab_url, CHAPTER, lab_token)
    yield page
    assert _digest(CHAPTER) == before, "running the case in the browser must not rewrite the committed file"


def test_case_runs_without_errors_and_renders_its_quiz(chapter) -> None:
    page = chapter
    assert no_error_outputs(page) == []
    assert widgets_shown_as_text(page) == []
    quiz = page.locator(".mm-quiz")
    quiz.wait_for(state="visible")
    assert quiz.locator(".mm-question").count() == len(load_bank(notebook=STEM))


def test_case_quiz_explains_a_wrong_answer_and_scores_a_right_one(chapter) -> None:
    page = chapter
    question = next(q for q in load_bank(notebook=STEM) if q.type == "single")
    total = len(load_bank(notebook=STEM))
    panel = page.locator(f".mm-quiz .mm-q-{question.id}")
    score = page.locator(".mm-quiz .mm-score")
    assert f"Score: 0 / {total}" in score.inner_text()

    wrong = next(o for o in question.options if not o.correct)
    panel.locator("label", has_text=wrong.text.replace("`", "")).click()
    panel.locator(".mm-check").click()
    feedback = panel.locator(".mm-feedback").first  # the widget; the coloured box inside has the class too
    feedback.locator(".mm-incorrect").wait_for()
    assert wrong.explanation.replace("`", "") in feedback.inner_text()
    assert f"Score: 0 / {total}" in score.inner_text()

    right = question.option(question.correct_keys[0])
    panel.locator("label", has_text=right.text.replace("`", "")).click()
    panel.locator(".mm-check").click()
    feedback.locator(".mm-correct").wait_for()
    page.wait_for_function(
        f"document.querySelector('.mm-quiz .mm-score').innerText.includes('Score: 1 / {total}')"
    )


def test_budget_slider_redraws_the_projection(chapter) -> None:
    page = chapter
    slider = page.locator(".widget-slider", has_text="Share moved to best segment").first
    slider.wait_for()
    explorer = slider.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    output = explorer.locator(".widget-output").first
    output.get_by_text(re.compile(r"^Moving \d+% to ")).wait_for()
    before = output.inner_text()
    start = int(re.search(r"Moving (\d+)% to ", before).group(1))
    target = f"Moving {start + 20}% to "
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(4):
        handle.press("ArrowRight")  # four steps of 5 points: move 20 points more of the budget
    page.wait_for_function(
        "([el, want]) => el.innerText.includes(want)",
        arg=[output.element_handle(), target],
        timeout=20_000,
    )
    after = output.inner_text()
    assert after != before and target in after
    output.locator("img").first.wait_for(timeout=20_000)  # the chart is redrawn too


def _answer_cell(page, var: str):
    cell = page.locator(".jp-NotebookPanel .jp-CodeCell", has_text=f"{var} = ").first
    cell.wait_for()
    return cell


def _type_and_run(page, cell, code: str) -> None:
    editor = cell.locator(".jp-InputArea-editor .cm-content").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)  # inserted as is: no auto-indent or auto-closed brackets
    page.keyboard.press("Shift+Enter")


@pytest.fixture(scope="module")
def workbook(chapter, lab_url, lab_token):
    page = chapter
    before = _digest(WORKBOOK)
    run_all_cells(page, lab_url, WORKBOOK, lab_token)
    yield page
    assert _digest(WORKBOOK) == before, "editing answers in the browser must not rewrite the committed workbook"


def test_workbook_check_gives_specific_feedback_then_correct(workbook) -> None:
    page = workbook
    assert no_error_outputs(page) == []
    cell = _answer_cell(page, "n_unique")
    cell.locator(".mm-not-attempted").wait_for()
    assert "Not attempted yet" in cell.locator(".jp-OutputArea").inner_text()

    # a typical mistake: drop_duplicates() on every column finds nothing, because repeats have a new id
    _type_and_run(page, cell, "clean = enquiries.drop_duplicates()\nn_unique = len(clean)\nq1.check()")
    cell.locator(".mm-incorrect").wait_for(timeout=20_000)
    wrong = cell.locator(".jp-OutputArea").inner_text()
    assert "before cleaning" in wrong and "Traceback" not in wrong

    _type_and_run(page, cell, 'clean = dedupe(enquiries, ignore="enquiry_id")\nn_unique = len(clean)\nq1.check()')
    cell.locator(".mm-correct").wait_for(timeout=20_000)
    right = cell.locator(".jp-OutputArea").inner_text()
    assert right != wrong and right.lstrip().lstrip("\u2713 ").startswith("Correct")  # after the icon
    assert no_error_outputs(page) == []
