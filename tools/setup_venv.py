"""Create or refresh the course's virtual environment in ``.venv``.

Run by ``make lab`` / ``make test`` (and directly on machines without make)::

    python3 tools/setup_venv.py

What it guarantees:

* an unsupported Python, or one without the ``venv`` module, stops with ONE
  line saying what to install;
* ``.venv`` is (re)built when it is missing, when ``requirements.txt`` or
  ``pyproject.toml`` changed, or when an earlier install was interrupted: the
  stamp file ``.venv/.course-stamp`` is written last, atomically, and holds a
  hash of the inputs, so a half-built environment never has a valid stamp and
  is rebuilt instead of silently reused;
* when the stamp matches, nothing is installed (the check takes well under a
  second).

Only the standard library is used here, because it runs before any package is
installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP_NAME = ".course-stamp"
#: Files whose content decides whether the environment is current.
INPUTS = ("requirements.txt", "pyproject.toml", "tools/setup_venv.py")
SUPPORTED = ((3, 11), (3, 13))  # inclusive range of minor versions the pins are built for

#: JupyterLab defaults for the course: no news pop-up covering a notebook, no update check,
#: and a notebook's own python3 kernel starts without a "Select Kernel" dialog.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"autoStartDefaultKernel": True},
}


def python_problem(version: tuple[int, int], has_venv: bool) -> str | None:
    """Return a one-line message when this Python cannot build the course, else None."""
    lo, hi = SUPPORTED
    wanted = f"Python {lo[0]}.{lo[1]}-{hi[0]}.{hi[1]}"
    if not lo <= tuple(version[:2]) <= hi:
        return (
            f"error: found Python {version[0]}.{version[1]}, the course needs {wanted}: "
            "install it (https://www.python.org/downloads/ or your package manager) and re-run "
            "with PYTHON=/path/to/python3.x"
        )
    if not has_venv:
        return (
            f"error: this Python has no working 'venv' module: install it "
            f"(Debian/Ubuntu: sudo apt install python{version[0]}.{version[1]}-venv) and re-run"
        )
    return None


def _has_venv() -> bool:
    try:
        import ensurepip  # noqa: F401  (Debian strips it out of python3 without python3-venv)
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def inputs_hash(root: Path = ROOT) -> str:
    """Hash of the files that define the environment, plus the Python version."""
    digest = hashlib.sha256(f"{sys.version_info[0]}.{sys.version_info[1]}".encode())
    for name in INPUTS:
        path = root / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def venv_python(venv: Path) -> Path:
    """The interpreter inside ``venv`` on this operating system."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def needs_rebuild(venv: Path, expected: str) -> str | None:
    """Why ``venv`` must be rebuilt, or None when it is current and usable."""
    if not venv.exists():
        return "no .venv yet"
    stamp = venv / STAMP_NAME
    if not stamp.exists():
        return "the last install did not finish (no stamp)"
    if stamp.read_text(encoding="utf-8").strip() != expected:
        return "requirements.txt or pyproject.toml changed"
    if not venv_python(venv).exists():
        return "its Python is missing"
    return None


def _run(cmd: list[str]) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build(venv: Path, expected: str) -> None:
    """Build ``venv`` from scratch and write the stamp last."""
    if venv.exists():
        shutil.rmtree(venv)
    _run([sys.executable, "-m", "venv", str(venv)])
    py = str(venv_python(venv))
    _run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements.txt"])
    _run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", "."])
    settings = venv / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    _write_atomic(settings / "overrides.json", json.dumps(LAB_OVERRIDES, indent=2) + "\n")
    _write_atomic(venv / STAMP_NAME, expected + "\n")


def main(argv: list[str] | None = None) -> int:
    """Build or refresh .venv; with ``--check`` only report whether it is current (exit 1 if not)."""
    check_only = "--check" in (sys.argv[1:] if argv is None else argv)
    problem = python_problem(sys.version_info[:2], _has_venv())
    if problem:
        print(problem, file=sys.stderr)
        return 1
    expected = inputs_hash()
    reason = needs_rebuild(VENV, expected)
    if reason is None:
        print(f"environment up to date ({VENV.name})")
        return 0
    if check_only:
        print(f"{VENV.name} needs building: {reason}")
        return 1
    print(f"building {VENV.name}: {reason} (takes a minute or two)", flush=True)
    try:
        build(VENV, expected)
    except subprocess.CalledProcessError as exc:
        print(f"error: set-up failed while running: {' '.join(exc.cmd)}; re-run to retry", file=sys.stderr)
        return 1
    print(f"environment ready ({VENV.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
