"""The explorers of chapters 02, 05 and 13 redraw on every change (real JupyterLab, headless Chromium).

Each explorer's chart is read (the PNG in its output) before and after a student's change:
it must change (not stale) and show something (not blank), on the first change and the next.
"""

from __future__ import annotations

import hashlib

import pytest

from course_lib.base.paths import REPO_ROOT
from tests.e2e.lab_helpers import assert_chart_redraws, explorer_outputs, no_error_outputs, run_all_cells

NOTEBOOKS = ["notebooks/02-segmentation-levels.ipynb", "notebooks/05-rfm-micro-segments.ipynb",
             "notebooks/13-case-coaching-centre.ipynb"]


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.split("/")[1][:2])
def chapter(request, page, lab_url, lab_token):
    path = REPO_ROOT / request.param
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run_all_cells(page, lab_url, request.param, lab_token)
    yield page
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "running in the browser must not rewrite the file"


def test_runs_without_errors(chapter) -> None:
    assert no_error_outputs(chapter) == []


def test_every_explorer_redraws_a_new_chart_on_each_change(chapter) -> None:
    page = chapter
    explorers = explorer_outputs(page)
    assert explorers, "no explorer (controls + chart) found in the notebook"
    for explorer in explorers:
        explorer.scroll_into_view_if_needed()
        assert_chart_redraws(page, explorer, changes=2)


def test_the_chart_check_catches_a_blank_chart() -> None:
    """The check itself: a one-colour image is blank, a drawn one is not, a missing one is blank."""
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from tests.e2e.lab_helpers import blank_reason

    def png(draw: bool) -> bytes:
        fig = Figure(figsize=(4, 3))
        if draw:
            fig.subplots().bar(range(5), [3, 1, 4, 1, 5])
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()

    assert blank_reason(png(True)) is None
    assert "differ" in blank_reason(png(False))
    assert blank_reason(None) == "no chart image"
    tiny = io.BytesIO()
    Image.new("RGB", (10, 10)).save(tiny, format="PNG")
    assert "10x10" in blank_reason(tiny.getvalue())
