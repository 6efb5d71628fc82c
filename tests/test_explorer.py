"""learning.explorer: every change redraws on a fresh Figure; errors stay inside; a readable static version."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
import pytest

from course_lib.learning.explorer import Explorer


def _draw(fig, n, kind):
    if n == 0:
        raise ValueError("no customers are left")
    ax = fig.subplots()
    ax.bar(range(n), range(1, n + 1))
    return f"**{n}** bars ({kind})", pd.DataFrame({"n": [n]})


def _explorer():
    return Explorer({"n": w.IntSlider(value=3, min=0, max=9), "kind": w.Dropdown(options=["a", "b"], value="a")},
                    _draw, title="Bars")


def test_every_change_draws_a_new_non_empty_figure():
    ex = _explorer()
    first = ex.figure
    assert first is not None and len(first.axes[0].patches) == 3
    ex.set(n=5)
    assert ex.figure is not first and len(ex.figure.axes[0].patches) == 5
    ex.set(kind="b")
    assert ex.result[0] == "**5** bars (b)" and len(ex.figure.axes[0].patches) == 5
    ex.controls["n"].value = 7  # a change made in the widget itself
    assert len(ex.figure.axes[0].patches) == 7


def test_a_value_the_analysis_cannot_use_gives_a_line_not_a_traceback():
    ex = _explorer().set(n=0)
    assert ex.error == "this combination cannot be shown: no customers are left"
    assert ex.figure is None and ex.result is None
    assert ex.set(n=2).error is None  # and it recovers on the next change


def test_static_views_get_readable_text_not_vbox():
    bundle = _explorer().set(n=8)._repr_mimebundle_()
    assert bundle["text/plain"] == "Bars (an explorer: run the notebook to use its controls). **3** bars (a)"
    assert "<b>3</b> bars (a)" in bundle["text/html"] and "<table" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "VBox" not in bundle["text/plain"]


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="controls"):
        Explorer({}, _draw, title="x")
    with pytest.raises(TypeError, match="draw"):
        Explorer({"n": w.IntSlider()}, "draw", title="x")
    with pytest.raises(ValueError, match="unknown control"):
        _explorer().set(colour="red")
