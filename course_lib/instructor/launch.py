"""Start JupyterLab on the course: ``python -m course_lib lab``.

The one command behind ``make lab`` (the tests start the same command): it opens the
start-here notebook (the URL it prints opens it too, not the Launcher), serves the repository
on the loopback address only, and adds ``--allow-root`` when run as root (JupyterLab refuses
to start as root without it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from course_lib.base.paths import NOTEBOOKS_DIR, REPO_ROOT

#: The notebook the course opens on, relative to the repository root.
START_NOTEBOOK = "notebooks/00-start-here.ipynb"
#: The page the printed URL (and the server's ``/``) opens: the start-here notebook.
START_URL = f"/lab/tree/{START_NOTEBOOK}"
#: How to stop the server, printed when it starts.
STOP_HINT = "To stop JupyterLab: File > Shut Down in the browser, or press Ctrl+C twice in this terminal."


def lab_command(*, port: int | None = None, token: str | None = None, open_browser: bool = True,
                python: str = sys.executable) -> list[str]:
    """The JupyterLab argument vector for the course (``port`` and ``token`` chosen by JupyterLab when omitted).

    >>> cmd = lab_command(port=8899, token="secret", open_browser=False)
    >>> cmd[1:3], "--no-browser" in cmd
    (['-m', 'jupyterlab'], True)
    """
    if port is not None and not (isinstance(port, int) and 0 < port < 65536):
        raise ValueError(f"port must be a whole number between 1 and 65535, got {port!r}.")
    if token is not None and not isinstance(token, str):
        raise TypeError(f"token must be a string, got {type(token).__name__}.")
    cmd = [python, "-m", "jupyterlab", START_NOTEBOOK, f"--ServerApp.root_dir={REPO_ROOT}", "--ServerApp.ip=127.0.0.1",
           f"--LabApp.default_url={START_URL}"]  # LabApp's, not ServerApp's: the extension sets the latter
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
    print(STOP_HINT, file=sys.stderr, flush=True)
    if os.name == "posix":
        # Become JupyterLab (same pid), so stopping this process stops the server too.
        os.execv(cmd[0], cmd)
    try:  # pragma: no cover - Windows has no exec
        return subprocess.call(cmd)
    except KeyboardInterrupt:  # pragma: no cover
        return 0
