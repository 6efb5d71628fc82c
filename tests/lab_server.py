"""Start the course's JupyterLab exactly as `make lab` does, for tests (loopback only)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from course_lib.base.paths import REPO_ROOT


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_lab(token: str, log_path: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[str]:
    """Run ``python -m course_lib lab --no-browser`` on a free port; yield its base URL; stop it.

    Raises ``RuntimeError`` with the end of the server log when it does not answer within ``timeout``.
    """
    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "course_lib", "lab", "--no-browser", "--port", str(port), "--token", token],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                try:
                    request = urllib.request.Request(f"{base}/api/status", headers={"Authorization": f"token {token}"})
                    urllib.request.urlopen(request, timeout=2).close()
                    break
                except (urllib.error.URLError, OSError):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"JupyterLab did not start: {log_path.read_text()[-2000:]}") from None
                    time.sleep(0.3)
            yield base
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
