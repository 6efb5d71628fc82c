"""Run the visible code of a notebook in the test process, to compare it with a course_lib helper.

"Open the box once": the first time a chapter uses a method it shows it as
plain pandas / scikit-learn code, then uses the helper. A test proves the two
agree on the course data by running the notebook's own cells (not a copy of
them) with :func:`notebook_namespace` and comparing a variable with what the
helper returns.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


def notebook_namespace(notebook: str, until_tag: str) -> dict[str, Any]:
    """Execute the code cells of ``notebooks/<notebook>.ipynb`` up to the cell tagged ``until_tag``.

    IPython-only lines (``%...``, ``!...``) are skipped and ``display`` prints
    nothing. Returns the namespace the cells built.
    """
    path = ROOT / "notebooks" / f"{notebook}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    if not any(until_tag in c.get("metadata", {}).get("tags", []) for c in cells):
        raise AssertionError(f"{path.name} has no cell tagged {until_tag!r}")
    namespace: dict[str, Any] = {"display": lambda *a, **k: None, "__name__": "__notebook__"}
    old = os.getcwd()
    os.chdir(path.parent)
    try:
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            exec(compile(code, f"{path.name}", "exec"), namespace)  # noqa: S102 - the course's own notebook
            if until_tag in cell.get("metadata", {}).get("tags", []):
                return namespace
    finally:
        os.chdir(old)
        import matplotlib.pyplot as plt

        plt.close("all")
    return namespace
