"""Start JupyterLab on the course: ``python -m course_lib lab``.

This is the one command behind ``make lab``; the test suite starts exactly the
same command (with ``--no-browser`` on a free port) to prove the course is
served. It opens the start-here notebook, serves the whole repository, binds
to the loopback address only, and adds ``--allow-root`` when run as root
(JupyterLab refuses to start as root without it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from course_lib.base.paths import NOTEBOOKS_DIR, REPO_ROOT

#: The notebook the course opens on, relative to the repository root.
START_NOTEBOOK = "notebooks/00-start-here.ipynb"


def lab_command(
    *,
    port: int | None = None,
    token: str | None = None,
    open_browser: bool = True,
    python: str = sys.executable,
) -> list[str]:
    """Build the JupyterLab command line for the course.

    Parameters
    ----------
    port : int, optional
        TCP port; JupyterLab picks a free one from 8888 upwards when omitted.
    token : str, optional
        Access token; JupyterLab generates one when omitted.
    open_browser : bool, default True
        Whether JupyterLab opens a browser tab on the start-here notebook.
    python : str
        The interpreter whose JupyterLab is started (the course's .venv).

    Returns
    -------
    list of str
        The argument vector, ready for :func:`subprocess.run`.

    Examples
    --------
    >>> cmd = lab_command(port=8899, token="secret", open_browser=False)
    >>> cmd[1:3]
    ['-m', 'jupyterlab']
    >>> "--no-browser" in cmd
    True
    """
    if port is not None and not (isinstance(port, int) and 0 < port < 65536):
        raise ValueError(f"port must be a whole number between 1 and 65535, got {port!r}.")
    if token is not None and not isinstance(token, str):
        raise TypeError(f"token must be a string, got {type(token).__name__}.")
    cmd = [
        python,
        "-m",
        "jupyterlab",
        START_NOTEBOOK,
        f"--ServerApp.root_dir={REPO_ROOT}",
        "--ServerApp.ip=127.0.0.1",
    ]
    if port is not None:
        cmd += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def main(argv: list[str] | None = None) -> int:
    """Run JupyterLab in the foreground until the user stops it (Ctrl+C)."""
    parser = argparse.ArgumentParser(prog="python -m course_lib lab", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=None, help="port to serve on (default: first free from 8888)")
    parser.add_argument("--token", default=None, help="access token (default: generated)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    args = parser.parse_args(argv)
    if not (NOTEBOOKS_DIR / "00-start-here.ipynb").exists():
        print(f"error: {START_NOTEBOOK} is missing; is this a complete clone of the course?", file=sys.stderr)
        return 1
    cmd = lab_command(port=args.port, token=args.token, open_browser=not args.no_browser)
    os.chdir(REPO_ROOT)
    if os.name == "posix":
        # Become JupyterLab (same pid), so stopping this process stops the server too.
        os.execv(cmd[0], cmd)
    try:  # pragma: no cover - Windows has no exec
        return subprocess.call(cmd)
    except KeyboardInterrupt:  # pragma: no cover
        return 0
