"""Feedback shown to a student: one small object for quizzes, flashcards and exercises.

A :class:`Feedback` has a status, a message and optional code; it prints as deterministic
text and renders as HTML with stable CSS classes. :data:`____` is the blank a student
replaces with an answer.

>>> Feedback("hint", "Divide clicks by impressions.")
Hint: Divide clicks by impressions.
>>> bool(____)
False
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from typing import Any

__all__ = ["____", "Placeholder", "Feedback", "show"]


class Placeholder:
    """The blank ``____`` (one instance): checks answer "not attempted yet" instead of "incorrect"."""

    _instance: Placeholder | None = None

    def __new__(cls) -> Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "____"


#: The placeholder students replace with their answer.
____ = Placeholder()

_TITLES = {"correct": "Correct", "incorrect": "Incorrect", "not_attempted": "Not attempted yet", "hint": "Hint",
           "solution": "Solution", "info": "Note", "know": "Known", "dont_know": "Not known yet"}
#: Icon, accent colour and background per status: right and wrong must look different at a glance
#: (the words stay for screen readers; the icon is hidden from them).
_LOOK = {"correct": ("\u2713", "#1a7f37", "#e8f5e9"), "know": ("\u2713", "#1a7f37", "#e8f5e9"),
         "incorrect": ("\u2717", "#b3261e", "#fdecea"), "dont_know": ("\u21bb", "#8a5300", "#fff4e0"),
         "not_attempted": ("\u2026", "#5f6368", "#f1f3f4"), "hint": ("?", "#0b57d0", "#e8f0fe"),
         "solution": ("\u270e", "#6a1b9a", "#f3e8fd"), "info": ("i", "#0b57d0", "#e8f0fe")}


@dataclass(frozen=True)
class Feedback:
    """A piece of feedback: ``status`` (correct, incorrect, not_attempted, hint, solution or info),
    ``message`` (plain text, code names between backticks) and optional ``code`` shown below it.
    """

    status: str
    message: str
    code: str = ""

    @property
    def title(self) -> str:
        """The first word(s) shown: "Correct", "Incorrect", "Not attempted yet", ..."""
        return _TITLES.get(self.status, self.status.replace("_", " ").capitalize())

    @property
    def text(self) -> str:
        """The feedback as plain text (identical on every run)."""
        out = f"{self.title}: {self.message}" if self.message else f"{self.title}:"
        if self.code:
            out += "\n" + textwrap.indent(self.code.rstrip("\n"), "    ")
        return out

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        """HTML with stable CSS classes (``mm-feedback`` + ``mm-<status>``, ``mm-icon``), coloured per status.

        >>> Feedback("correct", "Yes.")._repr_html_().count("#1a7f37") > 0
        True
        """
        status = self.status.replace("_", "-")
        icon, colour, background = _LOOK.get(self.status, _LOOK["info"])
        body = (f'<span class="mm-icon" aria-hidden="true" style="color:{colour};font-weight:bold;'
                f'margin-right:.4em">{icon}</span><b>{html.escape(self.title)}:</b> {code_spans(self.message)}')
        if self.code:
            body += f'<pre class="mm-code"><code>{html.escape(self.code.rstrip(chr(10)))}</code></pre>'
        style = (f"border-left:4px solid {colour};background:{background};color:#1f1f1f;"
                 "padding:.35em .7em;margin:.25em 0;border-radius:3px")
        return f'<div class="mm-feedback mm-{status}" role="status" style="{style}">{body}</div>'


def code_spans(text: str) -> str:
    """Escape ``text`` for HTML and turn `backticks` into <code> elements.

    Examples
    --------
    >>> code_spans("use `len(x)` & go")
    'use <code>len(x)</code> &amp; go'
    """
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def show(obj: Any) -> None:
    """Display ``obj`` in a notebook, or print its text in a terminal.

    Examples
    --------
    >>> show(Feedback("hint", "Divide clicks by impressions."))
    Hint: Divide clicks by impressions.
    """
    shell = None
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython is always installed with the course
        pass
    if shell is not None:
        from IPython.display import display

        display(obj)
    else:
        print(getattr(obj, "text", obj))
