"""Repository-wide pytest set-up (applies to unit tests and to nbval notebook runs).

nbval starts one kernel per notebook. Each kernel inherits this process's
environment when it starts, so before the first cell of every notebook we
point ``MICROMARKETING_PROGRESS`` at a fresh, empty progress file: a notebook
can never see progress saved by a student, an author, or another notebook,
and its committed outputs stay reproducible.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="mm-pytest-"))
_COUNTER = itertools.count()
_LAST_NOTEBOOK: list[Path | None] = [None]

# Default for anything that runs before a more specific fixture takes over.
os.environ["MICROMARKETING_PROGRESS"] = str(_TMP / "session-progress.json")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    path = Path(str(item.path))
    if path.suffix == ".ipynb" and path != _LAST_NOTEBOOK[0]:
        _LAST_NOTEBOOK[0] = path
        os.environ["MICROMARKETING_PROGRESS"] = str(_TMP / f"{path.stem}-{next(_COUNTER)}.json")
