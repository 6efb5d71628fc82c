"""Explorers: controls that redraw a chart and a short reading on every change, reliably.

Every chapter's explorer is an :class:`Explorer`: a few ipywidgets controls and a
``draw(fig, **values)`` function that draws on a fresh
:class:`matplotlib.figure.Figure` (never pyplot's global state, so a redraw can
never come out blank or leak into the log) and returns what to show above the
chart: a line of Markdown, a DataFrame, or both as a tuple. Errors inside
``draw`` (a value the controls allow but the analysis cannot use) are shown
inside the explorer's own output as one friendly line, never as a traceback in
the kernel log.

Outside a live kernel (a notebook opened before it runs, ``nbconvert --to
html``, a Git hosting preview) the explorer shows a readable text version of
its first view instead of a raw ``VBox(children=...)``.

Examples
--------
>>> import ipywidgets as w
>>> def draw(fig, n):
...     fig.subplots().bar(range(n), range(n))
...     return f"{n} bars"
>>> ex = Explorer({"n": w.IntSlider(value=3, min=1, max=9)}, draw, title="Bars")
>>> ex.result, ex.error
('3 bars', None)
>>> ex.set(n=5).result
'5 bars'
>>> print(ex._repr_mimebundle_()["text/plain"])
Bars (an explorer: run the notebook to use its controls). 3 bars
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from course_lib.learning.feedback import Feedback, code_spans

__all__ = ["Explorer"]

Draw = Callable[..., Any]


def _as_parts(result: Any) -> tuple[str, pd.DataFrame | None]:
    """Split what ``draw`` returned into (Markdown text, table)."""
    parts = result if isinstance(result, tuple) else (result,)
    text = " ".join(p for p in parts if isinstance(p, str))
    tables = [p for p in parts if isinstance(p, (pd.DataFrame, pd.Series))]
    table = tables[0].to_frame() if tables and isinstance(tables[0], pd.Series) else (tables[0] if tables else None)
    return text, table


class Explorer:
    """Controls and a chart that is redrawn from scratch on every change.

    Parameters
    ----------
    controls : mapping of name -> ipywidgets control
        Passed to ``draw`` as keyword arguments (their ``.value``).
    draw : callable
        ``draw(fig, **values)`` draws on ``fig`` and returns a Markdown line,
        a DataFrame, or a tuple of both (or None).
    title : str
        Shown in the text version.
    figsize : (float, float)
        Size of the figure in inches.
    """

    def __init__(self, controls: Mapping[str, Any], draw: Draw, *, title: str,
                 figsize: tuple[float, float] = (8.0, 4.0)) -> None:
        import ipywidgets as w  # noqa: PLC0415 (import cost)

        if not isinstance(controls, Mapping) or not controls:
            raise TypeError("controls must be a non-empty mapping of name -> ipywidgets control.")
        if not callable(draw):
            raise TypeError(f"draw must be a function draw(fig, **values), got {type(draw).__name__}.")
        if not isinstance(title, str) or not title:
            raise TypeError("title must be a non-empty str.")
        self.controls, self.draw, self.title, self.figsize = dict(controls), draw, title, figsize
        self.output = w.Output()
        self.box = w.VBox([*self.controls.values(), self.output])
        self.result: Any = None
        self.error: str | None = None
        self.figure: Any = None
        self._first_view: tuple[str, pd.DataFrame | None] = ("", None)
        for control in self.controls.values():
            control.observe(lambda _change: self.redraw(), names="value")
        self.redraw()
        self._first_view = _as_parts(self.result) if self.error is None else (self.error, None)

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: Any) -> Explorer:
        """Set controls by name (as a student would) and return the explorer; unknown names are refused."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}; this explorer has {sorted(self.controls)}.")
        for name, value in values.items():
            self.controls[name].value = value
        return self

    def redraw(self) -> None:
        """Draw the current view on a new Figure and show it in the explorer's output."""
        from IPython.display import Image, Markdown, clear_output, display  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415

        fig = Figure(figsize=self.figsize, layout="constrained")
        try:
            self.result, self.error = self.draw(fig, **self.values), None
        except Exception as exc:  # noqa: BLE001 - any failure is shown to the student as one line
            self.result, self.error = None, f"this combination cannot be shown: {exc}"
        self.figure = fig if self.error is None and fig.axes else None
        from IPython import get_ipython  # noqa: PLC0415

        if get_ipython() is None:  # a script or a test: keep the results, show nothing
            return
        with self.output:
            clear_output(wait=True)
            if self.error is not None:
                display(Feedback("info", self.error))
                return
            text, table = _as_parts(self.result)
            if text:
                display(Markdown(text))
            if table is not None:
                display(table)
            if self.figure is not None:  # as a PNG: works whether or not pyplot's inline backend is active
                buffer = io.BytesIO()
                self.figure.savefig(buffer, format="png", dpi=100)
                display(Image(data=buffer.getvalue(), format="png"))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        text, table = self._first_view
        plain = f"{self.title} (an explorer: run the notebook to use its controls). {text}".strip()
        body = f"<p><b>{html.escape(self.title)}</b> (an explorer: run the notebook to use its controls).</p>"
        if text:
            body += "<p>" + re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", code_spans(text)) + "</p>"
        if table is not None:
            body += table.to_html()
        bundle = {"text/plain": plain, "text/html": f'<div class="mm-explorer">{body}</div>'}
        bundle.update(self.box._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = plain  # the friendly line, not VBox(children=...)
        return bundle
