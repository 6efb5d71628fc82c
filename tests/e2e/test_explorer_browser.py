"""The segmentation-levels explorer redraws when a student moves its slider (real JupyterLab, headless Chromium)."""

from __future__ import annotations

import hashlib

import pytest

from course_lib.base.paths import NOTEBOOKS_DIR
from tests.e2e.lab_helpers import no_error_outputs, run_all_cells

NOTEBOOK = "notebooks/02-segmentation-levels.ipynb"


@pytest.fixture(scope="module")
def levels(page, lab_url, lab_token):
    before = hashlib.sha256((NOTEBOOKS_DIR / "02-segmentation-levels.ipynb").read_bytes()).hexdigest()
    run_all_cells(page, lab_url, NOTEBOOK, lab_token)
    yield page
    after = hashlib.sha256((NOTEBOOKS_DIR / "02-segmentation-levels.ipynb").read_bytes()).hexdigest()
    assert before == after, "running the notebook in the browser must not rewrite the committed file"


def test_notebook_runs_without_errors(levels) -> None:
    assert no_error_outputs(levels) == []


def test_explorer_redraws_when_the_age_slider_moves(levels) -> None:
    page = levels
    slider = page.locator(".widget-slider", has_text="Segment: age band").first
    slider.wait_for()
    explorer = slider.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    output = explorer.locator(".widget-output").first
    output.locator("table").first.wait_for()
    before = output.locator("table").first.inner_text()
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")  # raise the lower age bound by five years
    page.wait_for_function(
        "([el, old]) => { const t = el.querySelector('table'); return t && t.innerText !== old; }",
        arg=[output.element_handle(), before],
        timeout=20_000,
    )
    after = output.locator("table").first.inner_text()
    assert after != before
    output.locator("img").first.wait_for(timeout=20_000)  # the redraw ends with the chart
