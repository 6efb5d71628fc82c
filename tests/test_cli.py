"""Command-line errors (issue 17): one line on stderr naming the argument or file, a non-zero exit, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_lib.base import paths


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(paths.REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "course_lib", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "a-file").write_text("x")
    (root / "subs").mkdir()
    (root / "sols").mkdir()
    (root / "sols" / "01-bad.ipynb").write_text("{ not a notebook")
    (root / "nocells").mkdir()
    (root / "nocells" / "01-x.ipynb").write_text('{"metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    nbformat.write(nbformat.v4.new_notebook(), root / "subs" / "00-start-here.ipynb")
    return root


CASES = [
    (["nope"], "nope"),
    (["mock-exam", "--out", "o", "--questions", "0"], "--questions"),
    (["mock-exam", "--out", "o", "--questions", "-3"], "--questions"),
    (["mock-exam", "--out", "o", "--questions", "nan"], "--questions"),
    (["mock-exam", "--out", "o", "--questions", "1e9999"], "--questions"),
    (["mock-exam", "--out", "a-file"], "a-file"),
    (["mock-exam", "--out", "a-file/sub"], "a-file"),
    (["mock-exam"], "--out"),
    (["grade", "subs", "--timeout", "nan"], "--timeout"),
    (["grade", "subs", "--timeout", "0"], "--timeout"),
    (["grade", "subs", "--timeout", "inf"], "--timeout"),
    (["grade", "subs", "--jobs", "0"], "--jobs"),
    (["grade", "subs", "--jobs", "100000000"], "--jobs"),
    (["grade", "subs", "--out", "subs"], "subs"),
    (["grade", "subs", "--out", "a-file/grades.csv"], "a-file"),
    (["grade", "missing-folder"], "missing-folder"),
    (["grade", "a-file"], "a-file"),
    (["data", "--customers", "0"], "--customers"),
    (["data", "--customers", "nan"], "--customers"),
    (["data", "--customers", "1000000000000"], "--customers"),
    (["data", "--seed", "-1"], "--seed"),
    (["data", "--out", "a-file"], "a-file"),
    (["exercises", "--solutions", "a-file", "--exercises", "ex"], "a-file"),
    (["exercises", "--solutions", "sols", "--exercises", "ex"], "01-bad.ipynb"),
    (["exercises", "--solutions", "nocells", "--exercises", "ex"], "01-x.ipynb"),
    (["exercises", "--exercises", "a-file"], "a-file"),
    (["html", "--out", "a-file"], "a-file"),
    (["slides", "--out", "a-file/slides"], "a-file"),
]


@pytest.mark.parametrize(("args", "named"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_gives_one_line_and_a_non_zero_exit(place, args, named):
    result = run(*args, cwd=place)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert named in result.stderr
    assert not (place / "o").exists() and not (place / "ex").exists()  # nothing written
