"""The set-up script: clear one-line refusals, and no half-built .venv is ever reused."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib.base.paths import REPO_ROOT

spec = importlib.util.spec_from_file_location("setup_venv", REPO_ROOT / "tools" / "setup_venv.py")
setup_venv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(setup_venv)


@pytest.mark.parametrize("version", [(3, 8), (3, 10), (3, 14), (2, 7)])
def test_unsupported_python_gets_one_line(version) -> None:
    message = setup_venv.python_problem(version, has_venv=True)
    assert message is not None and "\n" not in message
    assert f"{version[0]}.{version[1]}" in message and "3.11" in message


def test_missing_venv_module_says_what_to_install() -> None:
    message = setup_venv.python_problem((3, 11), has_venv=False)
    assert message is not None and "\n" not in message and "python3.11-venv" in message


def test_supported_python_is_accepted() -> None:
    assert setup_venv.python_problem((3, 11), has_venv=True) is None
    assert setup_venv.python_problem((3, 13), has_venv=True) is None


def test_half_built_or_stale_venv_is_rebuilt(tmp_path: Path) -> None:
    venv = tmp_path / ".venv"
    assert "no .venv" in setup_venv.needs_rebuild(venv, "abc")
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (venv / "Scripts").mkdir()
    (venv / "Scripts" / "python.exe").write_text("")
    assert "did not finish" in setup_venv.needs_rebuild(venv, "abc")  # interrupted: no stamp
    (venv / setup_venv.STAMP_NAME).write_text("old\n")
    assert "changed" in setup_venv.needs_rebuild(venv, "abc")
    (venv / setup_venv.STAMP_NAME).write_text("abc\n")
    assert setup_venv.needs_rebuild(venv, "abc") is None


def test_inputs_hash_follows_the_requirements(tmp_path: Path) -> None:
    for name in setup_venv.INPUTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    before = setup_venv.inputs_hash(tmp_path)
    (tmp_path / "requirements.txt").write_text("pandas==9")
    assert setup_venv.inputs_hash(tmp_path) != before


def test_this_environment_is_current() -> None:
    """The suite runs in the .venv the script built, and a second call installs nothing."""
    result = subprocess.run(
        [sys.executable, "tools/setup_venv.py", "--check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "up to date" in result.stdout, result.stdout + result.stderr
    assert Path(sys.prefix).resolve() == (REPO_ROOT / ".venv").resolve(), "run the suite with `make test`"


def test_cli_lists_commands_and_rejects_unknown() -> None:
    ok = subprocess.run([sys.executable, "-m", "course_lib", "--help"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "lab" in ok.stdout and "grade" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "course_lib", "nope"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown command 'nope'" in bad.stderr
