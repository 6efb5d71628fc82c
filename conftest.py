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


# --------------------------------------------------------------------------- the `slow` marker
# `pytest -m "not slow"` is the quick loop while editing; `make test` still runs everything.
# Slow: every notebook run (nbval), the browser tests, and the unit tests that start kernels,
# JupyterLab or a full data regeneration.
_SLOW_FILES = {"test_grading.py", "test_export.py", "test_lab_serves.py", "test_generate.py",
               "test_student_version.py", "test_setup.py"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a long test (notebook runs, browser, kernels, data regeneration)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb" or "e2e" in path.parts or path.name in _SLOW_FILES:
            item.add_marker(slow)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Say in one line when the browser tests could not run, not only as skips."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any("need Chromium" in str(getattr(rep, "longrepr", "")) for rep in skipped):
        terminalreporter.write_line(
            "NOTE: the browser tests were skipped because Chromium is not installed. "
            "Install it with `sudo apt-get install chromium` (Debian/Ubuntu) and run `make test` again.",
            yellow=True, bold=True)
