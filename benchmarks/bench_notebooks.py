"""Benchmark: executing every chapter notebook in a fresh kernel, as `make execute` and nbval do.

Run with ``.venv/bin/python benchmarks/bench_notebooks.py [--jobs 2]``.

Each notebook in ``notebooks/`` runs top to bottom in its own ``python3``
kernel with a fresh progress file; nothing is written back. The baseline, run
in the same process first, is a two-cell notebook that only starts a kernel
and imports what every chapter imports (pandas, matplotlib, the quiz), so the
ratio column shows how much each chapter costs beyond that fixed start-up.
Then the whole folder runs again with ``--jobs`` kernels at a time and the
wall-clock time is printed. Goals (issue 7): chapters 00-12 under 90 s in
total on the 2-core machine; every notebook runs in seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
BASELINE = nbformat.v4.new_notebook(
    cells=[
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nimport pandas as pd\n\n"
                                  "from course_lib.learning.quiz import self_check"),
        nbformat.v4.new_code_cell("pd.DataFrame({'a': [1, 2]}).plot();"),
    ],
    metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
)


def run(nb: nbformat.NotebookNode, folder: Path) -> float:
    """Execute ``nb`` (a copy) in a fresh kernel; return the seconds from kernel start to the last cell."""
    nb = nbformat.from_dict(nb)
    with tempfile.TemporaryDirectory(prefix="mm-bench-") as tmp:
        os.environ["MICROMARKETING_PROGRESS"] = str(Path(tmp) / "progress.json")
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}})
        started = time.perf_counter()
        client.execute()
        return time.perf_counter() - started


def _run_path(path: Path) -> float:
    return run(nbformat.read(path, as_version=4), path.parent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="kernels at a time for the wall-clock run (default 2)")
    args = parser.parse_args(argv)
    base = min(run(BASELINE, ROOT / "notebooks") for _ in range(2))
    print(f"baseline (kernel start + common imports + one small chart): {base:.1f} s")
    print(f"{'notebook':<48}{'seconds':>8}{'x baseline':>12}")
    times = {}
    for path in NOTEBOOKS:
        times[path.stem] = _run_path(path)
        print(f"{path.stem:<48}{times[path.stem]:>8.1f}{times[path.stem] / base:>12.1f}")
    part12 = sum(t for stem, t in times.items() if int(stem[:2]) <= 12)
    total = sum(times.values())
    print(f"chapters 00-12, one after another: {part12:.1f} s (goal < 90 s); "
          f"all {len(times)} notebooks: {total:.1f} s; fixed start-up share: {base * len(times) / total:.0%}")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(_run_path, NOTEBOOKS))
    wall = time.perf_counter() - started
    print(f"all {len(times)} notebooks, {args.jobs} kernels at a time: {wall:.1f} s wall "
          f"({total / wall:.2f}x faster than one at a time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
