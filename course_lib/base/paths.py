"""Where the course's folders are, independent of the current directory.

Notebooks, tests and command-line tools all find files through these
constants, so a notebook works whether JupyterLab was started in the
repository root or in ``notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

#: The repository root (the folder holding ``README.md`` and ``data/``).
REPO_ROOT: Path = Path(__file__).resolve().parents[2]
#: Generated and shipped data files.
DATA_DIR: Path = REPO_ROOT / "data"
#: The teaching notebooks (with committed outputs).
NOTEBOOKS_DIR: Path = REPO_ROOT / "notebooks"
#: Workbooks written once, with solutions between nbgrader markers.
SOLUTIONS_DIR: Path = REPO_ROOT / "solutions"
#: Student workbooks generated from ``solutions/`` (never edited by hand).
EXERCISES_DIR: Path = REPO_ROOT / "exercises"
