"""The course is written in its own words: no run of 10+ words shared with the source articles.

The source articles and the checker live in ``../shared`` beside an author's clone (not in a student's
clone), so the test skips with a visible reason when they are not there.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from course_lib.base.paths import REPO_ROOT

CHECKER = REPO_ROOT.parent / "shared" / "tools" / "own_words.py"
TARGETS = ["notebooks", "data", "exercises", "solutions", "instructors", "course_lib", "README.md"]


@pytest.mark.skipif(not CHECKER.is_file(), reason="../shared/tools/own_words.py is not beside this clone "
                                                   "(only authors have the source articles)")
def test_no_passage_repeats_the_sources():
    result = subprocess.run([sys.executable, str(CHECKER), *TARGETS], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", "passages repeated from the sources:\n" + result.stdout
