"""Estimate how long a student needs for a notebook, from what it asks them to do.

The method (stated in instructors/guide.md, checked by tests/test_notebook_hygiene.py):

* reading: the words of the Markdown cells at 120 words a minute (careful study of new ideas,
  not skimming);
* code: 1.5 minutes per code cell (read it, run it, look at the output, perhaps change it);
* explorers: 3 more minutes for each cell that shows a widget to play with (not the quizzes);
* self-check questions: 1 minute per question in the chapter's quiz;
* the total is rounded up to the next 5 minutes.

Usage::

    python tools/estimate_time.py notebooks/*.ipynb     # prints stated vs estimated minutes
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

WORDS_PER_MINUTE = 120
MINUTES_PER_CODE_CELL = 1.5
MINUTES_PER_EXPLORER = 3
MINUTES_PER_QUIZ_QUESTION = 1
_STATED = re.compile(r"Estimated time:\s*(?:about\s*)?(\d+)(?:\s*[-–]\s*(\d+))?\s*minutes", re.I)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _bank_questions(stem: str) -> int:
    """Questions of the question bank that belong to this notebook (its self-check)."""
    bank = Path(__file__).resolve().parents[1] / "data" / "questions"
    return sum(len(re.findall(rf"^\s*notebook:\s*{re.escape(stem)}\s*$", f.read_text(encoding="utf-8"), re.M))
               for f in bank.glob("*.yaml"))


def estimate_minutes(path: str | Path) -> int:
    """Estimated minutes for one notebook (rounded up to 5)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    words = sum(len(re.findall(r"[A-Za-z0-9₹']+", _source(c))) for c in cells if c["cell_type"] == "markdown")
    code = [c for c in cells if c["cell_type"] == "code"]
    widgets = sum(1 for c in code if "self_check(" not in _source(c)  # quiz time is counted per question
                  and any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.get("outputs", [])))
    quiz = _bank_questions(Path(path).stem) if any("self_check(" in _source(c) for c in code) else 0
    minutes = (words / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * len(code) + MINUTES_PER_EXPLORER * widgets
               + MINUTES_PER_QUIZ_QUESTION * quiz)
    return int(5 * math.ceil(minutes / 5))


def stated_minutes(path: str | Path) -> tuple[int, int] | None:
    """The (low, high) minutes the notebook's first cell states, or None."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    match = _STATED.search(_source(cells[0])) if cells else None
    if not match:
        return None
    low = int(match.group(1))
    return low, int(match.group(2) or low)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{Path(arg).name:55s} stated {stated_minutes(arg)}  estimated {estimate_minutes(arg)}")
