"""Re-execute notebooks in place so their committed outputs are fresh (``make execute``).

Usage::

    python tools/execute_notebooks.py notebooks solutions      # folders or .ipynb files
    python tools/execute_notebooks.py --jobs 2 notebooks       # two notebooks at a time

Each notebook runs top to bottom in a fresh ``python3`` kernel, in its own
folder, with a fresh empty progress file (so saved progress from an author's
own study never leaks into committed outputs), and with timing metadata
switched off and no saved widget state, so re-running an unchanged notebook
changes nothing. Authors never hand-edit outputs: they run this.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent


def notebooks_in(targets: list[str]) -> list[Path]:
    """Expand folders into their ``*.ipynb`` files (sorted); keep files as given."""
    found: list[Path] = []
    for target in targets:
        path = (ROOT / target) if not Path(target).is_absolute() else Path(target)
        if path.is_dir():
            found += sorted(p for p in path.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            raise SystemExit(f"error: {target} is neither a folder nor an existing .ipynb file")
    return found


def execute(path: Path, timeout: int = 120) -> float:
    """Execute one notebook in place; return the seconds it took.

    The kernel talks over IPC sockets in a private temporary folder rather than TCP ports, so two kernels
    started at the same moment can never race for the same port (a rare hang seen with --jobs 2).
    """
    from jupyter_client.manager import KernelManager

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="mm-exec-") as tmp:
        os.environ["MICROMARKETING_PROGRESS"] = str(Path(tmp) / "progress.json")
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(tmp) / "kernel"))
        client = NotebookClient(
            nb,
            km=km,
            timeout=timeout,
            startup_timeout=60,
            resources={"metadata": {"path": str(path.parent)}},
            record_timing=False,
        )
        start = time.perf_counter()
        client.execute()
        elapsed = time.perf_counter() - start
    # No saved widget state: a static view (nbconvert, a Git hosting preview) then shows each widget's
    # readable text/HTML fallback instead of an empty widget; a live kernel redraws the widgets anyway.
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return elapsed


def _run(path: Path) -> tuple[Path, float | None, str]:
    """Execute one notebook (in a worker process when --jobs > 1); never raises for a failing cell."""
    try:
        return path, execute(path), ""
    except CellExecutionError as exc:
        return path, None, str(exc)[:2000]
    except Exception as exc:  # noqa: BLE001 - a stuck or dead kernel: one retry in a fresh kernel, then report it
        try:
            return path, execute(path), ""
        except Exception as again:  # noqa: BLE001
            return path, None, f"{type(exc).__name__} then {type(again).__name__}: {str(again)[:500]}"


def main(argv: list[str]) -> int:
    jobs = 1
    if argv[:1] == ["--jobs"] and len(argv) >= 2:
        jobs, argv = max(1, int(argv[1])), argv[2:]
    paths = notebooks_in(argv or ["notebooks", "solutions"])
    failed = 0
    total = 0.0
    started = time.perf_counter()
    if jobs == 1:
        results = map(_run, paths)
    else:  # each notebook in its own process and kernel, `jobs` at a time
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_run, paths)
    for path, seconds, error in results:
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if seconds is None:
            failed += 1
            print(f"FAILED {rel}\n{error}", file=sys.stderr)
            continue
        total += seconds
        print(f"executed {rel} in {seconds:.1f} s")
    wall = time.perf_counter() - started
    print(f"{len(paths) - failed} executed, {failed} failed, {total:.1f} s of kernel time, "
          f"{wall:.1f} s wall with {jobs} job(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
