"""Checked exercises for the workbooks (in the style of Kaggle Learn).

In a workbook the student writes the answer into a named variable and runs::

    ctr = ads["clicks"] / ads["impressions"]
    q1.check()      # finds `ctr` in the notebook and gives feedback
    q1.hint()       # first hint; q1.hint(2) for the second
    q1.solution()   # the model answer, read from solutions/

Each workbook's checks are declared in ``data/exercises/<workbook>.yaml``
(variable, kind of value, tolerance, hints, typical mistakes and their
feedback) and :func:`load_workbook` builds them; the right values come from
``answers()`` in the chapter module (:func:`chapter_module`), computed from the
course data, never typed in. The comparisons (:func:`expect_number`,
:func:`expect_label`, :func:`expect_series`, :func:`expect_frame`) are
tolerant of types and order and explain what is wrong. "Not attempted" (the
blank ``____``) is never "incorrect"; a value that breaks a check gets
feedback, never a traceback. Feedback text is deterministic and every check
is saved to the progress file.

Examples
--------
>>> import pandas as pd
>>> ex = Exercise(
...     id="demo", notebook="99-demo", var="total", topic="metrics",
...     checker=lambda v: expect_number(v, 6.0, name="total"),
...     hints=["Add the numbers up."], title="Total",
... )
>>> ex.evaluate(6).status
'correct'
>>> ex.evaluate(____).status
'not_attempted'
>>> print(ex.evaluate(5).text)
Incorrect: `total` should be 6, but it is 5.
"""

from __future__ import annotations

import ast
import importlib
import html
import json
import math
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from course_lib.base import paths
from course_lib.base.content import read_yaml
from course_lib.learning.feedback import ____, Feedback, Placeholder, show
from course_lib.learning.progress import record_result

__all__ = [
    "chapter_module",
    "load_workbook",
    "workbook_exercises",
    "Placeholder",
    "____",
    "expect_single",
    "Placeholder",
    "Feedback",
    "Mismatch",
    "Exercise",
    "show",
    "expect_number",
    "expect_label",
    "expect_series",
    "expect_frame",
    "solution_source",
]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"


class Mismatch(Exception):
    """Raised by a checker when the answer is wrong; the message is shown to the student."""


# --------------------------------------------------------------------------- comparisons


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame with {value.shape[0]} rows and {value.shape[1]} columns"
    if isinstance(value, pd.Series):
        return f"a Series of length {len(value)}"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if isinstance(value, (list, tuple, set, dict)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{type(value).__name__} {value!r}"


def _fmt_number(x: float) -> str:
    return f"{x:.6g}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (Real, Decimal, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _close(a: float, b: float, rel: float, abs_: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_)


def expect_number(
    value: Any,
    expected: float,
    *,
    name: str,
    rel_tol: float = 1e-6,
    abs_tol: float = 1e-9,
    mistakes: Iterable[tuple[float, str]] = (),
) -> None:
    """Check that ``value`` is a number close to ``expected``.

    Parameters
    ----------
    value : object
        The student's answer.
    expected : float
        The right value, computed from the course data.
    name : str
        The variable name used in messages.
    rel_tol, abs_tol : float
        Tolerances (``math.isclose``).
    mistakes : iterable of (value, message)
        Known wrong values (e.g. a percentage instead of a fraction, the
        diameter instead of the radius) and the message to show for each.

    Raises
    ------
    Mismatch
        With a specific message when the answer is wrong.

    Examples
    --------
    >>> expect_number(0.5, 1 / 2, name="share")
    >>> try:
    ...     expect_number(50, 0.5, name="share", mistakes=[(50, "Give a fraction, not a percentage.")])
    ... except Mismatch as exc:
    ...     print(exc)
    Give a fraction, not a percentage.
    """
    if value is None:
        raise Mismatch(f"`{name}` is None. Did you forget to assign the result (or use print instead of return)?")
    if isinstance(value, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(value) == 1:
        value = np.asarray(value).reshape(-1)[0]
    if not _is_number(value):
        raise Mismatch(f"`{name}` should be a single number, but it is {_describe(value)}.")
    if not math.isfinite(float(value)):
        raise Mismatch(f"`{name}` is {float(value)}; check for a division by zero or a missing value.")
    if _close(value, expected, rel_tol, abs_tol):
        return
    for wrong, message in mistakes:
        if _close(value, wrong, max(rel_tol, 1e-6), abs_tol):
            raise Mismatch(message)
    raise Mismatch(f"`{name}` should be {_fmt_number(expected)}, but it is {_fmt_number(float(value))}.")


_COLLECTIONS: tuple[type, ...] = (pd.DataFrame, pd.Series, pd.Index, list, tuple, set)


def expect_single(
    value: Any,
    *,
    name: str,
    hint: str = "",
    also: tuple[type, ...] = (),
    allow_size_one: bool = False,
) -> None:
    """Reject a table or collection where one number is expected, saying how to reduce it.

    Call it before :func:`expect_number` when a typical mistake is to hand in
    the whole table or column; :func:`expect_number` would reject it too, but
    without the exercise-specific ``hint``.

    Parameters
    ----------
    value : object
        The student's answer.
    name : str
        The variable name used in the message.
    hint : str
        How to get one number (e.g. "`len(...)` of the cleaned table gives the number of rows.").
    also : tuple of types
        More collection types to reject (e.g. ``np.ndarray``, ``dict``).
    allow_size_one : bool
        Let a collection holding exactly one value through (``expect_number`` unwraps arrays and Series).

    Examples
    --------
    >>> try:
    ...     expect_single([1, 2], name="n", hint="Use `len(...)`.")
    ... except Mismatch as exc:
    ...     print(exc)
    `n` should be a single number, but it is a list of length 2. Use `len(...)`.
    """
    if not isinstance(value, _COLLECTIONS + tuple(also)):
        return
    if allow_size_one and np.size(value) == 1:
        return
    kind = type(value).__name__
    article = "an" if kind[0] in "aeiou" else "a"
    raise Mismatch(f"`{name}` should be a single number, but it is {article} {kind} of length "
                   f"{len(value)}. {hint}".rstrip())


def expect_label(
    value: Any,
    expected: Any,
    *,
    name: str,
    choices: Sequence[Any] | None = None,
    mistakes: Iterable[tuple[Any, str]] = (),
) -> None:
    """Check that ``value`` equals the label ``expected`` (a name, a segment, ...).

    Text is compared ignoring case and surrounding spaces. ``choices`` lists
    the valid labels, for a "not one of the options" message.

    Examples
    --------
    >>> expect_label(" Ad-B ", "ad-b", name="best")
    >>> try:
    ...     expect_label("ad-x", "ad-b", name="best", choices=["ad-a", "ad-b"])
    ... except Mismatch as exc:
    ...     print(exc)
    `best` is 'ad-x', which is not one of the labels: 'ad-a', 'ad-b'.
    """

    def norm(x: Any) -> Any:
        return x.strip().casefold() if isinstance(x, str) else x

    if value is None:
        raise Mismatch(f"`{name}` is None. Did you forget to assign the result?")
    if isinstance(value, (pd.Series, pd.Index, pd.DataFrame, list, tuple, np.ndarray)):
        raise Mismatch(
            f"`{name}` should be a single label, but it is {_describe(value)}. "
            "Pick one element (for example with `.idxmax()`)."
        )
    if isinstance(expected, str) and not isinstance(value, str):
        raise Mismatch(f"`{name}` should be text (a str), but it is {_describe(value)}.")
    if norm(value) == norm(expected):
        return
    for wrong, message in mistakes:
        if norm(value) == norm(wrong):
            raise Mismatch(message)
    if choices is not None and norm(value) not in {norm(c) for c in choices}:
        listed = ", ".join(repr(c) for c in choices)
        raise Mismatch(f"`{name}` is {value!r}, which is not one of the labels: {listed}.")
    raise Mismatch(f"`{name}` is {value!r}, which is not the right answer. Try again, or ask for a hint.")


def _series_values_match(a: pd.Series, b: pd.Series, rel: float, abs_: float) -> pd.Series:
    if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b) and not (
        pd.api.types.is_bool_dtype(a) or pd.api.types.is_bool_dtype(b)
    ):
        av = a.to_numpy(dtype="float64", na_value=np.nan)
        bv = b.to_numpy(dtype="float64", na_value=np.nan)
        ok = np.isclose(av, bv, rtol=rel, atol=abs_, equal_nan=True)
        return pd.Series(ok, index=a.index)
    same = [(x == y) or (pd.isna(x) and pd.isna(y)) if not isinstance(x, (list, dict)) else x == y
            for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    return pd.Series(same, index=a.index, dtype=bool)


def _labels(items: Iterable[Any], limit: int = 6) -> str:
    items = list(items)
    shown = ", ".join(repr(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def expect_series(
    value: Any,
    expected: pd.Series,
    *,
    name: str,
    what: str = "label",
    rel_tol: float = 1e-6,
    abs_tol: float = 1e-9,
    mistakes: Iterable[tuple[pd.Series, str]] = (),
) -> None:
    """Check a Series answer tolerantly.

    The order of the index does not matter, integer and float values compare
    equal, and small float error is ignored. Messages say which labels
    (``what``, e.g. "ad" or "segment") are missing or extra and which values
    differ. ``mistakes`` pairs a known wrong Series with its message.

    Examples
    --------
    >>> import pandas as pd
    >>> right = pd.Series({"a": 0.1, "b": 0.2})
    >>> expect_series(pd.Series({"b": 0.2, "a": 0.1}), right, name="ctr")
    >>> try:
    ...     expect_series(pd.Series({"a": 0.1}), right, name="ctr", what="ad")
    ... except Mismatch as exc:
    ...     print(exc)
    `ctr` is missing the ad 'b'.
    """
    if value is None:
        raise Mismatch(f"`{name}` is None. Did you forget to assign the result?")
    if isinstance(value, pd.DataFrame):
        if value.shape[1] == 1:
            value = value.iloc[:, 0]
        else:
            raise Mismatch(
                f"`{name}` should be a Series (one value per {what}), but it is {_describe(value)}. "
                "Select or compute a single column."
            )
    if isinstance(value, (list, tuple, np.ndarray)):
        raise Mismatch(
            f"`{name}` should be a pandas Series labelled by {what}, but it is {_describe(value)} "
            "without labels. Compute it from the DataFrame's columns so the labels are kept."
        )
    if not isinstance(value, pd.Series):
        raise Mismatch(f"`{name}` should be a pandas Series (one value per {what}), but it is {_describe(value)}.")
    if value.index.has_duplicates:
        dups = value.index[value.index.duplicated()].unique().tolist()
        raise Mismatch(f"`{name}` has the {what} {_labels(dups)} more than once; each {what} should appear once.")
    missing = [k for k in expected.index if k not in value.index]
    extra = [k for k in value.index if k not in expected.index]
    if missing and len(missing) == len(expected) and len(value) == len(expected):
        raise Mismatch(
            f"`{name}` has the right length but its labels are not the {what}s (it has {_labels(value.index)}). "
            f"Make the {what} the index, e.g. with `.set_index(...)`."
        )
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise Mismatch(f"`{name}` is missing the {what}{plural} {_labels(missing)}.")
    if extra:
        plural = "s" if len(extra) > 1 else ""
        raise Mismatch(f"`{name}` has unexpected {what}{plural} {_labels(extra)}.")
    aligned = value.reindex(expected.index)
    if _series_values_match(aligned, expected, rel_tol, abs_tol).all():
        return
    for wrong, message in mistakes:
        if _series_values_match(aligned, wrong.reindex(expected.index), rel_tol, abs_tol).all():
            raise Mismatch(message)
    ok = _series_values_match(aligned, expected, rel_tol, abs_tol)
    first = ok[~ok].index[0]
    got, want = aligned[first], expected[first]
    fmt = (lambda x: _fmt_number(float(x))) if _is_number(want) and _is_number(got) else repr
    n_bad = int((~ok).sum())
    raise Mismatch(
        f"{n_bad} of {len(expected)} values in `{name}` are not right; "
        f"for example, for {first!r} it should be {fmt(want)}, but it is {fmt(got)}."
    )


def expect_frame(
    value: Any,
    expected: pd.DataFrame,
    *,
    name: str,
    what: str = "row",
    check_row_order: bool = False,
    rel_tol: float = 1e-6,
    abs_tol: float = 1e-9,
) -> None:
    """Check a DataFrame answer tolerantly (column by column).

    Row order is ignored unless ``check_row_order``; column order is always
    ignored; int vs float and small float error are ignored. Messages name
    the missing/extra column or row label and the first wrong value.

    Examples
    --------
    >>> import pandas as pd
    >>> right = pd.DataFrame({"x": [1.0, 2.0]}, index=["a", "b"])
    >>> expect_frame(pd.DataFrame({"x": [2, 1]}, index=["b", "a"]), right, name="table")
    >>> try:
    ...     expect_frame(pd.DataFrame({"y": [1, 2]}, index=["a", "b"]), right, name="table")
    ... except Mismatch as exc:
    ...     print(exc)
    `table` is missing the column 'x'.
    """
    if value is None:
        raise Mismatch(f"`{name}` is None. Did you forget to assign the result?")
    if isinstance(value, pd.Series) and expected.shape[1] == 1:
        value = value.to_frame(name=expected.columns[0])
    if not isinstance(value, pd.DataFrame):
        raise Mismatch(f"`{name}` should be a DataFrame, but it is {_describe(value)}.")
    missing_cols = [c for c in expected.columns if c not in value.columns]
    if missing_cols:
        plural = "s" if len(missing_cols) > 1 else ""
        raise Mismatch(f"`{name}` is missing the column{plural} {_labels(missing_cols)}.")
    extra_cols = [c for c in value.columns if c not in expected.columns]
    if extra_cols:
        plural = "s" if len(extra_cols) > 1 else ""
        raise Mismatch(f"`{name}` has unexpected column{plural} {_labels(extra_cols)}.")
    if len(value) != len(expected):
        raise Mismatch(f"`{name}` should have {len(expected)} {what}s, but it has {len(value)}.")
    if check_row_order and list(value.index) != list(expected.index):
        raise Mismatch(f"`{name}` has the right {what}s in the wrong order; expected {_labels(expected.index)}.")
    for col in expected.columns:
        expect_series(value[col], expected[col], name=f"{name}[{col!r}]", what=what, rel_tol=rel_tol, abs_tol=abs_tol)


# --------------------------------------------------------------------------- solutions


def solution_source(notebook: str, var: str) -> str | None:
    """Return the code between the solution markers that assigns ``var``.

    The model answers are written once, in ``solutions/<notebook>.ipynb``;
    :meth:`Exercise.solution` shows them from there. Returns ``None`` when
    the notebook or the region cannot be found.

    Examples
    --------
    >>> print(solution_source("00-start-here", "best_ad"))  # doctest: +SKIP
    roas = ads["revenue"] / ads["spend"]
    best_ad = roas.idxmax()
    """
    nb_path = paths.SOLUTIONS_DIR / f"{notebook}.ipynb"
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pattern = re.compile(
        rf"^[ \t]*{re.escape(BEGIN_SOLUTION)}[^\n]*\n(.*?)^[ \t]*{re.escape(END_SOLUTION)}", re.M | re.S
    )
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        for match in pattern.finditer(source):
            region = textwrap.dedent(match.group(1))
            try:
                tree = ast.parse(region)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and any(
                    isinstance(t, ast.Name) and t.id == var for t in targets
                ):
                    return region.rstrip("\n")
    return None


# --------------------------------------------------------------------------- exercise

Checker = Callable[[Any], "str | None"]


@dataclass
class Exercise:
    """One checked exercise of a workbook.

    Parameters
    ----------
    id : str
        Short name used in the notebook, e.g. ``"q1"``.
    notebook : str
        The workbook's file stem, e.g. ``"00-start-here"``.
    var : str
        The variable the student assigns; :meth:`check` finds it by name.
    checker : callable
        ``checker(value) -> str | None``; raises :class:`Mismatch` when wrong.
    hints : list of str
        From gentle to explicit; ``hint(1)``, ``hint(2)``, ...
    topic : str
        Used by the progress report.
    title : str
        A few words shown with the feedback.
    success : str
        Sentence added to the "Correct" message.

    Examples
    --------
    >>> ex = Exercise(id="q9", notebook="99-demo", var="n", topic="demo",
    ...               checker=lambda v: expect_number(v, 3, name="n"), hints=["Count them."])
    >>> ex.evaluate(3).text
    'Correct: well done.'
    """

    id: str
    notebook: str
    var: str
    checker: Checker
    hints: list[str] = field(default_factory=list)
    topic: str = ""
    title: str = ""
    success: str = "well done."
    points: float = 1

    def __post_init__(self) -> None:
        for name in ("id", "notebook", "var"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise TypeError(f"Exercise {name} must be a non-empty str, got {getattr(self, name)!r}.")
        if not self.var.isidentifier():
            raise ValueError(f"Exercise var must be a Python variable name, got {self.var!r}.")
        if not callable(self.checker):
            raise TypeError(f"Exercise checker must be callable, got {type(self.checker).__name__}.")
        if not isinstance(self.hints, list) or not all(isinstance(h, str) and h for h in self.hints):
            raise TypeError("Exercise hints must be a list of non-empty strings.")

    @property
    def key(self) -> str:
        """The id saved in the progress file: ``"<notebook>:<id>"``."""
        return f"{self.notebook}:{self.id}"

    def __repr__(self) -> str:
        return f"<Exercise {self.key}: {self.title or self.var}>"

    def evaluate(self, value: Any) -> Feedback:
        """Judge ``value`` and return the feedback, without saving or showing it.

        ``____`` (or the variable still missing) gives ``not_attempted``; a
        wrong answer gives ``incorrect`` with a specific message; an error
        inside the check is turned into feedback, never a traceback.
        """
        if value is ____:
            return Feedback(
                "not_attempted",
                f"replace `____` with your answer, assign it to `{self.var}`, run that cell, then check again.",
            )
        try:
            extra = self.checker(value)
        except Mismatch as exc:
            return Feedback("incorrect", str(exc))
        except Exception as exc:  # noqa: BLE001 - a student's value must never produce a traceback
            return Feedback(
                "incorrect",
                f"`{self.var}` could not be checked ({type(exc).__name__}: {exc}). "
                "Make sure it is the kind of object the question asks for.",
            )
        message = self.success if not extra else f"{self.success} {extra}"
        return Feedback("correct", message)

    def check(self, *args: Any) -> None:
        """Check your answer and show feedback.

        With no argument, the variable named :attr:`var` is looked up in the
        notebook (the caller's globals). ``q1.check(value)`` checks ``value``
        instead. The result is saved to your progress file.
        """
        if len(args) > 1:
            raise TypeError(f"check() takes at most one value, got {len(args)}.")
        if args:
            feedback = self.evaluate(args[0])
        else:
            caller = sys._getframe(1).f_globals
            if self.var not in caller:
                feedback = Feedback(
                    "not_attempted",
                    f"there is no variable `{self.var}` yet. Write your answer in the cell above, run it, "
                    "then check again.",
                )
            else:
                feedback = self.evaluate(caller[self.var])
        record_result("exercise", self.key, feedback.status, topic=self.topic or None, notebook=self.notebook)
        show(feedback)

    def hint(self, n: int = 1) -> None:
        """Show hint number ``n`` (1 = gentlest)."""
        if not self.hints:
            show(Feedback("hint", "there is no hint for this exercise; try `.solution()`."))
            return
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(self.hints):
            show(Feedback("info", f"{self.id} has hints 1 to {len(self.hints)}: try `{self.id}.hint(1)`."))
            return
        more = f" (hint {n} of {len(self.hints)}; try .hint({n + 1}) for more)" if n < len(self.hints) else ""
        show(Feedback("hint", self.hints[n - 1] + more))

    def solution(self) -> None:
        """Show the model answer (taken from the ``solutions/`` workbook)."""
        code = solution_source(self.notebook, self.var)
        if code is None:
            show(Feedback("solution", f"see solutions/{self.notebook}.ipynb."))
        else:
            show(Feedback("solution", "one way to do it:", code=code))


# --------------------------------------------------------------------------- declarative workbooks

#: Where each workbook's checks are declared (``data/exercises/<workbook>.yaml``).
SPECS_DIR = paths.DATA_DIR / "exercises"
_STEM = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
_EXPECT = ("number", "label", "series", "frame", "check")
_EXERCISE_KEYS = {"id", "var", "topic", "title", "expect", "answer", "check", "rel_tol", "abs_tol", "what",
                  "choices", "check_row_order", "single", "mistakes", "success", "hints", "points"}


def chapter_module(notebook: str) -> str:
    """The chapter module that computes a workbook's answers from the course data.

    Examples
    --------
    >>> chapter_module("05-rfm-micro-segments")
    'course_lib.chapters.ch05_rfm_micro_segments'
    """
    if not isinstance(notebook, str):
        raise TypeError(f"notebook must be a str like '05-rfm-micro-segments', got {type(notebook).__name__}.")
    if not _STEM.match(notebook):
        raise ValueError(f"notebook must look like '05-rfm-micro-segments' (two digits, a dash, a name), "
                         f"got {notebook!r}.")
    return "course_lib.chapters.ch" + notebook.replace("-", "_")


class _Answers:
    """The values a workbook's checks compare with, computed from the course data on first use.

    ``answers(**constants)`` of the chapter module gives the right answers
    and the facts used in messages; ``wrong_answers(**constants)``, when the
    module has it, gives the values of typical mistakes and is only computed
    when an answer is wrong.
    """

    def __init__(self, module: Any, constants: dict[str, Any]) -> None:
        self.module, self.constants = module, constants
        self._right: dict[str, Any] | None = None
        self._wrong: dict[str, Any] | None = None

    @property
    def right(self) -> dict[str, Any]:
        if self._right is None:
            self._right = {**self.constants, **self.module.answers(**self.constants)}
        return self._right

    def wrong(self, key: str) -> Any:
        if key in self.right:
            return self.right[key]
        if self._wrong is None:
            more = getattr(self.module, "wrong_answers", None)
            self._wrong = more(**self.constants) if more else {}
        return self._wrong[key]


def _matches(value: Any, wrong: Any, rel_tol: float, abs_tol: float) -> bool:
    """Does ``value`` equal a known wrong answer? Never raises."""
    try:
        if isinstance(wrong, pd.DataFrame):
            expect_frame(value, wrong, name="x", rel_tol=rel_tol, abs_tol=abs_tol)
        elif isinstance(wrong, pd.Series):
            expect_series(value, wrong, name="x", rel_tol=rel_tol, abs_tol=abs_tol)
        elif isinstance(wrong, str):
            expect_label(value, wrong, name="x")
        elif _is_number(wrong):
            if isinstance(value, (pd.DataFrame, pd.Series, np.ndarray)) and np.size(value) == 1:
                value = np.asarray(value).reshape(-1)[0]
            return _is_number(value) and _close(value, wrong, max(rel_tol, 1e-6), abs_tol)
        else:
            return bool(value == wrong)
    except Exception:  # noqa: BLE001 - a mismatch or a strange value simply does not match
        return False
    return True


def _spec_checker(spec: dict[str, Any], answers: _Answers, module: Any, where: str) -> Checker:
    """Build ``checker(value)`` from one exercise's declaration."""
    kind, name = spec["expect"], spec["var"]
    tol = {"rel_tol": float(spec.get("rel_tol", 1e-6)), "abs_tol": float(spec.get("abs_tol", 1e-9))}
    if kind == "check":
        custom = getattr(module, spec["check"], None)
        if not callable(custom):
            raise ValueError(f"{where}: the chapter module has no function {spec['check']!r}.")

    def compare(value: Any, expected: Any) -> str | None:
        if kind == "check":
            return custom(value, answers.right)
        if kind == "number":
            expect_number(value, expected, name=name, **tol)
        elif kind == "label":
            choices = spec.get("choices")
            choices = answers.right[choices] if isinstance(choices, str) else choices
            expect_label(value, expected, name=name, choices=choices)
        elif kind == "series":
            expect_series(value, expected, name=name, what=spec.get("what", "label"), **tol)
        else:
            expect_frame(value, expected, name=name, what=spec.get("what", "row"),
                         check_row_order=bool(spec.get("check_row_order", False)), **tol)
        return None

    def checker(value: Any) -> str | None:
        right = answers.right
        expected = right.get(spec.get("answer")) if kind != "check" else None
        try:
            extra = compare(value, expected)
        except Mismatch as first:
            for mistake in spec.get("mistakes", []):
                message = mistake["message"].format_map(right)
                if "length" in mistake:
                    if isinstance(value, _COLLECTIONS) and len(value) == right[mistake["length"]]:
                        raise Mismatch(message) from None
                    continue
                wrong = mistake["value"] if "value" in mistake else answers.wrong(mistake["answer"])
                if kind != "check" and _matches(expected, wrong, **tol):
                    continue  # on some data a typical mistake gives the right answer: never call it wrong
                if _matches(value, wrong, **tol):
                    raise Mismatch(message) from None
            if spec.get("single") and isinstance(value, _COLLECTIONS + (np.ndarray, dict)) and (
                    isinstance(value, dict) or np.size(value) != 1):
                expect_single(value, name=name, hint=spec["single"], also=(np.ndarray, dict))
            raise first from None
        success = spec.get("success")
        parts = [success.format_map(right) if success else "", extra or ""]
        return " ".join(p for p in parts if p) or None

    return checker


def _validate_spec(spec: Any, where: str) -> None:
    if not isinstance(spec, dict):
        raise ValueError(f"{where} must be a mapping, got {type(spec).__name__}.")
    unknown = sorted(set(spec) - _EXERCISE_KEYS)
    if unknown:
        raise ValueError(f"{where} has unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_EXERCISE_KEYS))}.")
    for key in ("id", "var", "expect"):
        if not isinstance(spec.get(key), str) or not spec[key]:
            raise ValueError(f"{where} needs {key!r} (text).")
    if spec["expect"] not in _EXPECT:
        raise ValueError(f"{where}: expect must be one of {', '.join(_EXPECT)}, got {spec['expect']!r}.")
    if spec["expect"] == "check" and not isinstance(spec.get("check"), str):
        raise ValueError(f"{where}: expect 'check' needs 'check' (the name of a function in the chapter module).")
    if spec["expect"] != "check" and not isinstance(spec.get("answer"), str):
        raise ValueError(f"{where} needs 'answer' (a key of the chapter module's answers()).")
    for i, mistake in enumerate(spec.get("mistakes", []) or []):
        if not isinstance(mistake, dict) or not isinstance(mistake.get("message"), str) or \
                len({"answer", "value", "length"} & set(mistake)) != 1:
            raise ValueError(f"{where}, mistake {i + 1}: give a 'message' and one of 'answer', 'value' or 'length'.")


def load_workbook(notebook: str) -> list[Exercise]:
    """The checked exercises of a workbook, built from their declaration.

    Each workbook's checks are declared in ``data/exercises/<notebook>.yaml``:
    the variable, what kind of value it is (``number``, ``label``,
    ``series``, ``frame``), which of the chapter module's ``answers()``
    it must equal, the tolerance, the hints, the known mistakes with their
    feedback and a success message. ``answers()`` lives in the chapter module
    (:func:`chapter_module`) and computes every value from the course data.

    Examples
    --------
    >>> q1, q2 = load_workbook("00-start-here")
    >>> q2.var, q2.evaluate(____).status
    ('best_ad', 'not_attempted')
    """
    module_path = chapter_module(notebook)
    path = SPECS_DIR / f"{notebook}.yaml"
    if not path.exists():
        raise ValueError(f"there are no exercises for the workbook {notebook!r} (no file data/exercises/{path.name}).")
    data = read_yaml(path, what="exercise")
    if data.get("notebook") != notebook:
        raise ValueError(f"{path.name}: 'notebook' is {data.get('notebook')!r}, expected {notebook!r}.")
    module = importlib.import_module(module_path)  # the chapter's answers: a plug-in named by the data
    constants = dict(data.get("constants") or {})
    answers = _Answers(module, constants)
    exercises = []
    for i, spec in enumerate(data.get("exercises") or []):
        where = f"{path.name}, exercise {i + 1}"
        _validate_spec(spec, where)
        exercises.append(Exercise(
            id=spec["id"], notebook=notebook, var=spec["var"], topic=spec.get("topic", ""),
            title=spec.get("title", "").format_map(constants),
            hints=[h.format_map(constants) for h in spec.get("hints", [])],
            checker=_spec_checker(spec, answers, module, where), success="well done.",
            points=spec.get("points", 1),
        ))
    if not exercises:
        raise ValueError(f"{path.name} declares no exercises.")
    return exercises


#: The name the grader and the tests use for :func:`load_workbook`.
workbook_exercises = load_workbook
