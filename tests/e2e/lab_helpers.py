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


STATIC_VIEWS = ".mm-quiz-static, .mm-flashcards-static, .mm-exam-static, .mm-explorer"


def widgets_shown_as_text(page) -> list[str]:
    """Outputs of widget cells that rendered as their static text/HTML fallback instead of the live widget."""
    texts = page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='text/plain']").all_inner_texts()
    static = page.locator(".jp-NotebookPanel .jp-OutputArea-output").locator(STATIC_VIEWS)
    return [t for t in texts if t.startswith(("Self-check:", "Flashcards:"))] + static.all_inner_texts()


# --------------------------------------------------------------------------- charts


def chart_png(output) -> bytes | None:
    """The PNG of the first chart in a widget output (None when there is no chart)."""
    import base64

    img = output.locator("img")
    if img.count() == 0:
        return None
    src = img.first.get_attribute("src") or ""
    return base64.b64decode(src.split(",", 1)[1]) if src.startswith("data:image/png;base64,") else None


def blank_reason(png: bytes | None) -> str | None:
    """Why a chart counts as blank (missing, tiny, or nearly one colour), or None when it shows something."""
    import io

    from PIL import Image

    if not png:
        return "no chart image"
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width < 50 or image.height < 50:
        return f"a {image.width}x{image.height} image"
    colours = image.getcolors(maxcolors=image.width * image.height)
    background = max(colours)[0]
    drawn = 1 - background / (image.width * image.height)
    return None if drawn > 0.01 else f"only {drawn:.2%} of the pixels differ from the background"


def explorer_outputs(page) -> list:
    """The output area of every explorer on the page (a widget box with controls and a chart), in page order."""
    boxes = page.locator(".jp-OutputArea-output .widget-vbox:has(> .widget-output img):has(.widget-slider, "
                         ".widget-dropdown, .widget-toggle-buttons, .widget-radio)")
    return [boxes.nth(i) for i in range(boxes.count())]


def change_control(explorer) -> str:
    """Change the explorer's first control as a student would (keyboard on a slider, another dropdown item)."""
    slider = explorer.locator(".widget-slider .noUi-handle")
    if slider.count():
        handle = slider.first
        handle.focus()
        now, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
        key = "ArrowLeft" if now == top else "ArrowRight"
        for _ in range(3):
            handle.press(key)
        return f"slider {key} x3"
    select = explorer.locator(".widget-dropdown select")
    if select.count():
        options = select.first.locator("option").all_inner_texts()
        current = select.first.evaluate("el => el.options[el.selectedIndex].text")
        choice = next(o for o in options if o != current)
        select.first.select_option(label=choice)
        return f"dropdown -> {choice}"
    buttons = explorer.locator(".widget-toggle-buttons button:not(.mod-active), .widget-radio input:not(:checked)")
    buttons.first.click()
    return "another option"


def assert_chart_redraws(page, explorer, changes: int = 2, timeout: float = 20_000) -> None:
    """Each change must give a new chart (not the same image: stale) that shows something (not blank)."""
    output = explorer.locator(".widget-output").first
    before = chart_png(output)
    assert blank_reason(before) is None, f"the first chart is blank: {blank_reason(before)}"
    for n in range(1, changes + 1):
        what = change_control(explorer)
        # poll through the locator, not an element handle: JupyterLab may re-render (or window out) the output's
        # DOM node, and a handle to the old node would never see the new chart
        deadline = time.monotonic() + timeout / 1000
        while (now := chart_png(output)) in (before, None) and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        if now in (before, None):
            pytest.fail(f"change {n} ({what}): no new chart within {timeout / 1000:.0f} s "
                        f"(blank or stale; the output shows {output.inner_text()[:200]!r})")
        after = _settled(page, output)
        reason = blank_reason(after)
        assert reason is None, f"change {n} ({what}): the chart is blank ({reason})"
        assert after != before, f"change {n} ({what}): the chart did not change (stale)"
        before = after


def _settled(page, output, quiet: float = 1.0, limit: float = 15.0) -> bytes | None:
    """The chart once it has stopped changing for ``quiet`` seconds (a slider may queue several redraws)."""
    last, since, start = chart_png(output), time.monotonic(), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() - start < limit:
        page.wait_for_timeout(200)
        now = chart_png(output)
        if now != last:
            last, since = now, time.monotonic()
    return last


def no_error_outputs(page) -> list[str]:
    return page.locator(".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
