"""`make lab` really serves the course.

Starts the very command `make lab` runs (``python -m course_lib lab``) with
``--no-browser`` on a free loopback port, fetches ``/lab`` and the start-here
notebook through the server's contents API, checks that the URL it prints (and
``/``) opens the start-here notebook rather than the Launcher, then stops it.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request

import pytest

from course_lib.instructor.launch import START_NOTEBOOK, STOP_HINT, lab_command
from tests.lab_server import running_lab

TOKEN = "course-test-token"


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # loopback only
        return response.status, response.read()


LOG: dict[str, object] = {}


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    LOG["path"] = log
    with running_lab(TOKEN, log) as base:
        yield base


def test_printed_url_opens_the_start_here_notebook(lab_server: str) -> None:
    """The URL JupyterLab prints (what a student clicks) opens notebooks/00-start-here.ipynb, not the Launcher."""
    log = LOG["path"].read_text()  # type: ignore[union-attr]
    printed = re.findall(r"(http://127\.0\.0\.1:\d+/\S*)\?token=", log)
    assert printed, log[-2000:]
    assert all(url == f"{lab_server}/lab/tree/{START_NOTEBOOK}" for url in printed), printed
    assert STOP_HINT in log
    status, body = get(f"{lab_server}/")  # the server's root goes there too (after redirects)
    assert status == 200 and b"JupyterLab" in body
    request = urllib.request.Request(f"{lab_server}/", headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.geturl().split("?")[0] == f"{lab_server}/lab/tree/{START_NOTEBOOK}"


def test_lab_page_is_served(lab_server: str) -> None:
    status, body = get(f"{lab_server}/lab")
    assert status == 200 and b"JupyterLab" in body


def test_start_here_notebook_is_served(lab_server: str) -> None:
    status, body = get(f"{lab_server}/api/contents/{START_NOTEBOOK}")
    model = json.loads(body)
    assert status == 200 and model["type"] == "notebook"
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"


def test_wrong_token_is_refused(lab_server: str) -> None:
    request = urllib.request.Request(f"{lab_server}/api/contents/{START_NOTEBOOK}", headers={"Authorization": "token wrong"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 403


def test_lab_command_opens_start_here_and_allows_root() -> None:
    cmd = lab_command(port=9999, token="t", open_browser=False)
    assert START_NOTEBOOK in cmd and "--no-browser" in cmd and "--ServerApp.ip=127.0.0.1" in cmd
    assert f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}" in cmd
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)
    with pytest.raises(ValueError, match="port"):
        lab_command(port=70000)
