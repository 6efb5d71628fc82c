"""Checked exercises for the workbooks, in the style of Kaggle Learn.

Each workbook ``solutions/NN-name.ipynb`` has a module here named after it
(``00-start-here`` -> :mod:`course_lib.exercises.start_here`) that defines its
exercises ``q1``, ``q2``, ... and lists them in ``EXERCISES``. A workbook's
first code cell imports them together with the placeholder ``____``::

    from course_lib.exercises import ____
    from course_lib.exercises.start_here import load_ads, q1, q2

Examples
--------
>>> from course_lib.exercises import workbook_exercises
>>> [ex.id for ex in workbook_exercises("00-start-here")]
['q1', 'q2']
"""

from __future__ import annotations

import importlib
import re

from course_lib.exercises.core import ____, Exercise, Feedback, Mismatch, Placeholder

__all__ = ["____", "Exercise", "Feedback", "Mismatch", "Placeholder", "module_name", "workbook_exercises"]

_STEM = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def module_name(notebook: str) -> str:
    """Return the exercise module for a workbook stem.

    Examples
    --------
    >>> module_name("02-segmentation-levels")
    'course_lib.exercises.segmentation_levels'
    """
    if not isinstance(notebook, str):
        raise TypeError(f"notebook must be a str like '00-start-here', got {type(notebook).__name__}.")
    if not _STEM.match(notebook):
        raise ValueError(f"notebook must look like '00-start-here' (two digits, a dash, a name), got {notebook!r}.")
    return "course_lib.exercises." + notebook[3:].replace("-", "_")


def workbook_exercises(notebook: str) -> list[Exercise]:
    """Return the exercises of a workbook, in order.

    Raises ``ValueError`` when the workbook has no exercise module.
    """
    name = module_name(notebook)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise ValueError(f"there are no exercises for the workbook {notebook!r} (no module {name}).") from None
    if getattr(module, "NOTEBOOK", None) != notebook:
        raise ValueError(f"{name}.NOTEBOOK is {getattr(module, 'NOTEBOOK', None)!r}, expected {notebook!r}.")
    return list(module.EXERCISES)
