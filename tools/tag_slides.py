"""Give a chapter a first set of slide tags (``make slides`` shows the cells tagged ``slides``).

Usage::

    python tools/tag_slides.py notebooks/07-types-of-micromarketing.ipynb [...]

For a notebook that has no ``slides`` tag yet, this tags the title cell, every
Markdown cell that opens a section (``## ...``), the first figure after each
section heading, and the key takeaways. Authors then adjust the tags by hand in
JupyterLab (property inspector -> cell tags). A notebook that already has slide
tags is left alone, so hand edits are never overwritten. Only metadata changes:
outputs and execution counts stay as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

TAG = "slides"


def propose(nb: nbformat.NotebookNode) -> int:
    """Tag ``nb`` in place; return how many cells were tagged (0 if it already had tags)."""
    if any(TAG in c.get("metadata", {}).get("tags", []) for c in nb.cells):
        return 0
    chosen: list[int] = []
    figure_wanted = False
    for i, cell in enumerate(nb.cells):
        src = cell.source.lstrip()
        if cell.cell_type == "markdown" and (i == 0 or src.startswith("## ")):
            chosen.append(i)
            figure_wanted = not src.lower().startswith("## key takeaways")
        elif cell.cell_type == "code" and figure_wanted and any(
            "image/png" in o.get("data", {}) for o in cell.get("outputs", [])
        ):
            chosen.append(i)
            figure_wanted = False
    for i in chosen:
        tags = nb.cells[i].setdefault("metadata", {}).setdefault("tags", [])
        tags.append(TAG)
    return len(chosen)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for name in argv:
        path = Path(name)
        nb = nbformat.read(path, as_version=4)
        n = propose(nb)
        if n:
            nbformat.write(nb, path)
        print(f"{path}: {'tagged ' + str(n) + ' cells' if n else 'already has slide tags, left alone'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
