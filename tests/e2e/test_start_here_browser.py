"""The start-here notebook, run for real in JupyterLab in headless Chromium."""

from __future__ import annotations

import hashlib
import re
import time

import pytest

from course_lib.paths import NOTEBOOKS_DIR
from course_lib.quiz import get_question

NOTEBOOK = "notebooks/00-start-here.ipynb"


PROMPT = ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt"


def _counts(page) -> list[int | None]:
    prompts = [p.strip() for p in page.locator(PROMPT).all_inner_texts()]
    return [int(m[1]) if (m := re.fullmatch(r"\[(\d+)\]:", p)) else None for p in prompts]


def _run_all_and_wait(page, timeout: float = 45) -> None:
    """Clear all outputs, click Run > Run All Cells, wait until every cell shows a count from this run."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Edit$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Clear Outputs of All Cells$")).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-OutputArea-output')].length === 0"
    )
    before = max([c for c in _counts(page) if c is not None], default=0)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = _counts(page)
        if counts and None not in counts and counts[0] > before and counts == list(range(counts[0], counts[0] + len(counts))):
            return
        time.sleep(0.25)
    pytest.fail(f"not every cell finished within {timeout:.0f} s: {_counts(page)}")


def run_all_cells(page, lab_url: str, path: str, token: str) -> None:
    """Open a notebook in a fresh workspace, wait for its kernel, run all cells.

    Right after a kernel starts, JupyterLab's widget manager may not have
    attached yet; widgets displayed in that instant fall back to their text
    form. A widget output shown as text therefore triggers one more Run All
    (a student would simply run the cell again); a second text fallback fails.
    """
    page.goto(f"{lab_url}/lab/tree/{path}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    # the status bar reads "Python 3 (ipykernel) | Idle" once the kernel is connected
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=60_000)
    _run_all_and_wait(page)
    if widgets_shown_as_text(page):
        _run_all_and_wait(page)


def widgets_shown_as_text(page) -> list[str]:
    """Outputs of widget cells that rendered as their plain-text fallback."""
    texts = page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='text/plain']").all_inner_texts()
    return [t for t in texts if t.startswith(("Self-check:", "Flashcards:"))]


def no_error_outputs(page) -> list[str]:
    return page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


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
    panel.locator("label", has_text=wrong.text).click()
    panel.locator(".mm-check").click()
    feedback = panel.locator(".mm-feedback")
    feedback.locator(".mm-incorrect").wait_for()
    assert wrong.explanation.replace("`", "") in feedback.inner_text()  # backticks render as <code>
    assert "Score: 0 / 7" in score.inner_text()

    right = question.option(question.correct_keys[0])
    panel.locator("label", has_text=right.text).click()
    panel.locator(".mm-check").click()
    feedback.locator(".mm-correct").wait_for()
    assert right.explanation.replace("`", "") in feedback.inner_text()
    page.wait_for_function("document.querySelector('.mm-quiz .mm-score').innerText.includes('Score: 1 / 7')")


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
    assert wrong_text != right_text and right_text.startswith("Correct")
