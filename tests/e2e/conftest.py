"""Fixtures for the browser tests: real JupyterLab, driven in headless Chromium.

The browser is Debian's ``chromium`` (``.ci/run`` installs it), driven by
Playwright for Python through ``executable_path``; no browser is downloaded.
JupyterLab is started with the same command as ``make lab``, on a free
loopback port with a token, with autosave switched off (so running a notebook
in the browser never rewrites the committed file) and a private, empty
progress file. On failure each test saves a screenshot under
``.e2e-artifacts/``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator

import pytest

from course_lib.base.paths import REPO_ROOT
from tests.lab_server import running_lab

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "course-e2e-token"
ARTIFACTS = REPO_ROOT / ".e2e-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the browser tests: install Debian's chromium (apt-get install chromium)")
    skip = pytest.mark.skip(reason="browser tests need Chromium: sudo apt install chromium")
    for item in items:
        if "e2e" in str(item.path):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def lab_token() -> str:
    """The token the test server accepts."""
    return TOKEN


@pytest.fixture(scope="session")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running JupyterLab serving the course; stopped after the session."""
    tmp = tmp_path_factory.mktemp("lab")
    settings = tmp / "user-settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    # Render every cell (no virtual scrolling), so tests can read any cell's prompt and output.
    tracker = tmp / "user-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}))
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp / "workspaces")
    env["MICROMARKETING_PROGRESS"] = str(tmp / "progress.json")
    with running_lab(TOKEN, tmp / "lab.log", env=env) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="module")
def page(browser) -> Iterator[object]:
    """One browser page per test module (a notebook is run once, then inspected by several tests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Save the page as .e2e-artifacts/<test>.png when a browser test fails."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and "page" in request.fixturenames:
        ARTIFACTS.mkdir(exist_ok=True)
        request.getfixturevalue("page").screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
