"""Driving JupyterLab from Playwright: open a notebook, run all cells, read outputs."""

from __future__ import annotations

import re
import time

import pytest

PROMPT = ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt"


def _counts(page) -> list[int | None]:
    prompts = [p.strip() for p in page.locator(PROMPT).all_inner_texts()]
    return [int(m[1]) if (m := re.fullmatch(r"\[(\d+)\]:", p)) else None for p in prompts]


def _run_all_and_wait(page, timeout: float = 45) -> None:
    """Clear all outputs, click Run > Run All Cells, wait until every cell shows a count from this run."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Edit$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Clear Outputs of All Cells$")).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-OutputArea-output')].length === 0"
    )
    before = max([c for c in _counts(page) if c is not None], default=0)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = _counts(page)
        if counts and None not in counts and counts[0] > before and counts == list(range(counts[0], counts[0] + len(counts))):
            return
        time.sleep(0.25)
    pytest.fail(f"not every cell finished within {timeout:.0f} s: {_counts(page)}")


def run_all_cells(page, lab_url: str, path: str, token: str) -> None:
    """Open a notebook in a fresh workspace, wait for its kernel, run all cells.

    Right after a kernel starts, JupyterLab's widget manager may not have
    attached yet; widgets displayed in that instant fall back to their text
    form. A widget output shown as text therefore triggers one more Run All
    (a student would simply run the cell again); a second text fallback fails.
    """
    page.goto(f"{lab_url}/lab/tree/{path}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    # the status bar reads "Python 3 (ipykernel) | Idle" once the kernel is connected
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=60_000)
    _run_all_and_wait(page)
    if widgets_shown_as_text(page):
        _run_all_and_wait(page)


def widgets_shown_as_text(page) -> list[str]:
    """Outputs of widget cells that rendered as their plain-text fallback."""
    texts = page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='text/plain']").all_inner_texts()
    return [t for t in texts if t.startswith(("Self-check:", "Flashcards:"))]


def no_error_outputs(page) -> list[str]:
    return page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
