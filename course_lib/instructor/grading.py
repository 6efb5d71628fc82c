"""Autograde a folder of submitted workbooks into a CSV (for instructors).

``python -m course_lib grade SUBMISSIONS_DIR --out grades.csv [--timeout SECONDS] [--jobs N]``

Every ``*.ipynb`` below the folder is one submission (side by side or one folder per
student). Each is read into memory (never modified), identified (metadata, then the
``load_workbook`` call, then the file name), run top to bottom in a fresh kernel in a
temporary folder with a private ``MICROMARKETING_PROGRESS`` file and a time limit (errors
do not stop the run), then every exercise is re-checked on the kernel's variables so a
deleted ``q1.check()`` neither loses nor fakes marks. Submissions run in parallel; a bad
one gets a note and never stops the others. ``grades.csv`` (written atomically) has
``submission``, ``workbook``, ``status`` (one of ``STATUSES``), one column per exercise,
``total``, ``max`` and ``note``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from course_lib.base.files import ArgumentParser, check_writable, number_in
from course_lib.learning.exercises import ____, workbook_exercises
from course_lib.learning.progress import PROGRESS_ENV, atomic_write_text, load_progress, record_result

__all__ = [
    "STATUSES", "find_submissions", "identify_workbook", "record_final_checks", "grade_submission",
    "grade_directory", "write_grades", "main",
]

#: Values of the ``status`` column.
STATUSES = ("ok", "error", "timeout", "unparseable", "unknown-workbook")
_WORKBOOK = re.compile(r"\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*")
_IMPORT = re.compile(r"load_workbook\(\s*['\"](\d{2}-[a-z0-9-]+)['\"]")


def find_submissions(directory: str | os.PathLike[str]) -> list[Path]:
    """Every ``*.ipynb`` below ``directory`` (checkpoints excluded), sorted.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "b.ipynb").write_text("{}"); _ = (d / "a.ipynb").write_text("{}")
    >>> [p.name for p in find_submissions(d)]
    ['a.ipynb', 'b.ipynb']
    """
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a folder path, got {type(directory).__name__}.")
    root = Path(directory)
    if not root.is_dir():
        raise ValueError(f"submissions folder {str(root)!r} does not exist or is not a folder.")
    found = [p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _known(workbook: str) -> bool:
    try:
        workbook_exercises(workbook)
    except ValueError:
        return False
    return True


def identify_workbook(nb: Mapping[str, Any], filename: str = "") -> str | None:
    """Which workbook a notebook is (metadata, ``load_workbook("NN-stem")`` call, file name), or None.

    >>> identify_workbook({"metadata": {}, "cells": []}, "alice-00-start-here.ipynb")
    '00-start-here'
    """
    meta = (nb.get("metadata") or {}).get("micromarketing") or {}
    candidate = meta.get("workbook") if isinstance(meta, Mapping) else None
    if isinstance(candidate, str) and _WORKBOOK.fullmatch(candidate) and _known(candidate):
        return candidate
    for cell in nb.get("cells") or []:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for match in _IMPORT.finditer(source):
            stem = match.group(1)
            if _known(stem):
                return stem
    for match in _WORKBOOK.finditer(filename):
        if _known(match.group(0)):
            return match.group(0)
    return None


def record_final_checks(workbook: str, namespace: Mapping[str, Any]) -> None:
    """Check every exercise of ``workbook`` on ``namespace`` (``globals()``) and save the results silently.

    A missing variable counts as not attempted.

    >>> import os, tempfile
    >>> os.environ["MICROMARKETING_PROGRESS"] = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> record_final_checks("00-start-here", {"best_ad": "local-radius-3km"})
    >>> load_progress()["exercise"]["00-start-here:q2"]["status"]
    'correct'
    """
    if not isinstance(namespace, Mapping):
        raise TypeError(f"namespace must be a mapping such as globals(), got {type(namespace).__name__}.")
    for ex in workbook_exercises(workbook):
        feedback = ex.evaluate(namespace.get(ex.var, ____))
        record_result("exercise", ex.key, feedback.status, topic=ex.topic or None, notebook=ex.notebook)


def _row(submission: str, workbook: str | None, status: str, note: str, results: dict[str, str],
         maximum: int | None = None) -> dict[str, Any]:
    return {"submission": submission, "workbook": workbook or "", "status": status, "note": note,
            "results": results, "max": len(results) if maximum is None else maximum}


def _first_error(nb: nbformat.NotebookNode) -> str:
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                value = str(out.get("evalue", "")).strip().replace("\n", " ")
                if len(value) > 160:
                    value = value[:157] + "..."
                return f"cell {index + 1} raised {out.get('ename', 'an error')}: {value}"
    return ""


def _prepare(path: Path, label: str) -> dict[str, Any] | tuple[nbformat.NotebookNode, str]:
    """Read a submission and find its workbook; a finished row when it cannot be executed."""
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a note, not a crash
        if isinstance(exc, (nbformat.reader.NotJSONError, json.JSONDecodeError)):
            reason = "not valid notebook JSON"
        else:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        workbook = identify_workbook({"metadata": {}, "cells": []}, path.as_posix())
        maximum = len(workbook_exercises(workbook)) if workbook else 0
        return _row(label, workbook, "unparseable", f"could not be read as a notebook ({reason})", {}, maximum)
    workbook = identify_workbook(nb, path.name)
    if workbook is None:
        return _row(label, None, "unknown-workbook", "could not tell which workbook this is; not executed", {})
    return nb, workbook


async def _await(awaitable: Any) -> None:
    await awaitable


async def _run(client: Any, timeout: float) -> None:
    # the kernel's own log lines (e.g. its TCP notice) would flood the instructor's terminal
    await asyncio.wait_for(client.async_execute(stderr=subprocess.DEVNULL), timeout=timeout)


def grade_submission(path: str | os.PathLike[str], *, name: str | None = None, timeout: float = 120,
                     kernel_name: str = "python3") -> dict[str, Any]:
    """Execute one submission and return its record: ``submission``, ``workbook``, ``status``,
    ``note`` and ``results`` (exercise key -> status). Never raises because of the content.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    path = Path(path)
    label = name or path.name
    prepared = _prepare(path, label)
    if isinstance(prepared, dict):
        return prepared
    nb, workbook = prepared
    exercises = workbook_exercises(workbook)
    results = {ex.key: "not_attempted" for ex in exercises}
    nb.cells.append(nbformat.v4.new_code_cell("import course_lib.instructor.grading as _mm_grading\n"
                                              f"_mm_grading.record_final_checks({workbook!r}, globals())"))
    status, note = "ok", ""
    with tempfile.TemporaryDirectory(prefix="mm-grade-") as work:
        progress = Path(work) / "progress.json"
        old = os.environ.get(PROGRESS_ENV)
        os.environ[PROGRESS_ENV] = str(progress)
        client = NotebookClient(nb, timeout=max(1, int(timeout) + 1), kernel_name=kernel_name, allow_errors=True,
                                record_timing=False, store_widget_state=False, shutdown_kernel="immediate",
                                resources={"metadata": {"path": work}})
        started = time.monotonic()
        try:
            asyncio.run(_run(client, timeout))
        except Exception as exc:  # noqa: BLE001 - a broken submission must not stop the batch
            if isinstance(exc, (asyncio.TimeoutError, CellTimeoutError)) or time.monotonic() - started >= timeout:
                # cancelling a busy kernel can surface as DeadKernelError: the clock decides
                status, note = "timeout", f"stopped after {timeout:g} s (time limit); results so far were kept"
            elif isinstance(exc, DeadKernelError):
                status, note = "error", "the kernel died while running the notebook"
            else:
                status, note = "error", f"could not be executed ({type(exc).__name__}: {str(exc)[:160]})"
        finally:
            km = getattr(client, "km", None)
            try:  # normally already done by nbclient; make sure no kernel outlives its submission
                if km is not None and km.has_kernel:
                    pending = km.shutdown_kernel(now=True)
                    if inspect.isawaitable(pending):
                        asyncio.run(_await(pending))
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass
            if old is None:
                os.environ.pop(PROGRESS_ENV, None)
            else:
                os.environ[PROGRESS_ENV] = old
        if status == "ok":
            error = _first_error(nb)
            if error:
                status, note = "error", error
        try:
            saved = load_progress(progress)["exercise"] if progress.exists() else {}
        except Exception:  # noqa: BLE001
            saved = {}
    for key in results:
        if key in saved:
            results[key] = saved[key]["status"]
    return _row(label, workbook, status, note, results)


def _worker(path: str, name: str, timeout: float, kernel_name: str) -> dict[str, Any]:
    return grade_submission(path, name=name, timeout=timeout, kernel_name=kernel_name)


def grade_directory(directory: str | os.PathLike[str], *, timeout: float = 120, jobs: int | None = None,
                    kernel_name: str = "python3") -> pd.DataFrame:
    """Grade every submission below ``directory`` (``jobs`` at a time) and return the grades table.

    >>> grade_directory("submissions/", timeout=60, jobs=2)  # doctest: +SKIP
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    if jobs is None:
        jobs = os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number >= 1, got {jobs!r}.")
    root = Path(directory)
    submissions = find_submissions(root)
    names = [p.relative_to(root).as_posix() for p in submissions]
    rows: list[dict[str, Any]] = []
    runnable: list[tuple[Path, str]] = []
    for path, name in zip(submissions, names, strict=True):
        prepared = _prepare(path, name)  # unreadable / unknown ones need no kernel
        if isinstance(prepared, dict):
            rows.append(prepared)
        else:
            runnable.append((path, name))
    if runnable:
        context = multiprocessing.get_context("spawn")  # no fork of a parent that may hold threads
        with ProcessPoolExecutor(max_workers=min(jobs, len(runnable)), mp_context=context) as pool:
            futures = [pool.submit(_worker, str(p), n, float(timeout), kernel_name) for p, n in runnable]
            for future, (_, name) in zip(futures, runnable, strict=True):
                try:
                    rows.append(future.result())
                except Exception as exc:  # noqa: BLE001 - e.g. a worker killed by the OS
                    rows.append(_row(name, None, "error", f"grader failed ({type(exc).__name__}: {exc})", {}))
    return _table(rows)


def _table(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    keys: list[str] = []
    for row in rows:
        for key in row["results"]:
            if key not in keys:
                keys.append(key)
    records = []
    for row in rows:
        records.append({"submission": row["submission"], "workbook": row["workbook"], "status": row["status"],
                        **{key: row["results"].get(key, "") for key in keys},
                        "total": sum(v == "correct" for v in row["results"].values()), "max": row["max"],
                        "note": row["note"]})
    columns = ["submission", "workbook", "status", *keys, "total", "max", "note"]
    table = pd.DataFrame(records, columns=columns)
    table["total"] = table["total"].astype("int64")
    table["max"] = table["max"].astype("int64")
    return table.sort_values("submission", kind="stable").reset_index(drop=True)


def write_grades(grades: pd.DataFrame, out: str | os.PathLike[str]) -> Path:
    """Write the grades table as CSV, atomically; return the path.

    >>> import tempfile, pathlib
    >>> f = write_grades(pd.DataFrame({"submission": ["a.ipynb"], "total": [2]}),
    ...                  pathlib.Path(tempfile.mkdtemp()) / "grades.csv")
    >>> f.read_text().splitlines()[0]
    'submission,total'
    """
    if not isinstance(grades, pd.DataFrame):
        raise TypeError(f"grades must be a DataFrame, got {type(grades).__name__}.")
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a file path, got {type(out).__name__}.")
    target = Path(out)
    atomic_write_text(target, grades.to_csv(index=False, lineterminator="\n"))
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_lib grade SUBMISSIONS_DIR --out grades.csv [--timeout S] [--jobs N]``."""
    parser = ArgumentParser(
        prog="python -m course_lib grade",
        description="Execute every submitted workbook in a fresh kernel and write one row of grades per submission.",
    )
    parser.add_argument("submissions", help="folder holding the submitted .ipynb files (searched recursively)")
    parser.add_argument("--out", default="grades.csv", help="CSV file to write (default: grades.csv)")
    parser.add_argument("--timeout", type=number_in(0.1, 86_400, whole=False), default=120.0, help="seconds allowed per notebook (default: 120)")
    parser.add_argument("--jobs", type=number_in(1, 1024), default=None, help="notebooks graded in parallel (default: CPU cores)")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    started = time.monotonic()
    try:
        check_writable(args.out, "--out", folder=False)
        grades = grade_directory(args.submissions, timeout=args.timeout, jobs=args.jobs)
        out = write_grades(grades, args.out)
    except (ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started
    counts = grades["status"].value_counts().to_dict()
    summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES if s in counts) or "no submissions"
    print(f"graded {len(grades)} submission(s) in {elapsed:.1f} s ({summary}); wrote {out}")
    for row in grades.itertuples(index=False):
        if row.note:
            print(f"  {row.submission}: {row.note}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
