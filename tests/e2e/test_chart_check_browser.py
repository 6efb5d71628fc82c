"""The browser check of explorers can fail: in real JupyterLab it catches a chart that goes blank or stays stale.

A small notebook (written under ``tmp/``, which git ignores; JupyterLab does not serve hidden folders) shows three explorers on
:class:`~course_lib.learning.explorer.Explorer`: one that redraws properly, one whose chart is
empty after the first change (the bug of issue 20) and one that ignores its control (stale).
"""

from __future__ import annotations

import nbformat
import pytest

from course_lib.base.paths import REPO_ROOT
from tests.e2e.lab_helpers import assert_chart_redraws, explorer_outputs, run_all_cells

CODE = '''%matplotlib inline
import ipywidgets as w
from course_lib.learning.explorer import Explorer

calls = {"n": 0}

def good(fig, n):
    fig.subplots().bar(range(n), range(1, n + 1))
    return f"good: {n} bars"

def blank_after_first(fig, n):
    calls["n"] += 1
    ax = fig.subplots()
    if calls["n"] == 1:
        ax.bar(range(n), range(1, n + 1))
    else:
        ax.axis("off")  # an empty white chart
    return f"blank: {n} bars"

def stale(fig, n):
    fig.subplots().bar(range(3), [1, 2, 3])  # ignores the control
    return "stale"

def slider():
    return w.IntSlider(value=3, min=1, max=9, description="Bars", continuous_update=False,
                       layout=w.Layout(width="400px"))'''


@pytest.fixture(scope="module")
def checks(page, lab_url, lab_token):
    folder = REPO_ROOT / "tmp" / "e2e"
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(CODE)] + [
        nbformat.v4.new_code_cell(f'Explorer({{"n": slider()}}, {name}, title="{name}").box')
        for name in ("good", "blank_after_first", "stale")
    ]
    nbformat.write(nb, folder / "chart-check.ipynb")
    run_all_cells(page, lab_url, "tmp/e2e/chart-check.ipynb", lab_token)
    explorers = explorer_outputs(page)
    assert len(explorers) == 3
    return page, explorers


def test_a_proper_explorer_passes(checks) -> None:
    page, (good, _blank, _stale) = checks
    assert_chart_redraws(page, good, changes=2)


def test_a_chart_that_goes_blank_fails(checks) -> None:
    page, (_good, blank, _stale) = checks
    with pytest.raises((AssertionError, pytest.fail.Exception), match="blank"):
        assert_chart_redraws(page, blank, changes=1, timeout=8_000)


def test_a_stale_chart_fails(checks) -> None:
    page, (_good, _blank, stale) = checks
    with pytest.raises((AssertionError, pytest.fail.Exception), match="stale"):
        assert_chart_redraws(page, stale, changes=1, timeout=5_000)
