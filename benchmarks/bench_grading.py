"""Benchmark: grading 20 copies of the warm-up workbook with both cores busy.

Run with ``.venv/bin/python benchmarks/bench_grading.py [--copies 20] [--jobs 2]``.

It prints the wall-clock seconds per submission for the parallel run and,
as a same-process baseline, for grading 2 copies one at a time (``--jobs 1``);
the ratio shows what parallel grading buys on this machine. Goal: under
10 s per submission on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from course_lib.base import paths
from course_lib.instructor.grading import grade_directory

WORKBOOK = "00-start-here"


def _copies(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = paths.SOLUTIONS_DIR / f"{WORKBOOK}.ipynb"
    for i in range(n):
        shutil.copyfile(source, folder / f"student-{i:02d}.ipynb")
    return folder


def _time(folder: Path, jobs: int, timeout: float) -> tuple[float, int]:
    started = time.perf_counter()
    grades = grade_directory(folder, timeout=timeout, jobs=jobs)
    elapsed = time.perf_counter() - started
    bad = int((grades["status"] != "ok").sum() + (grades["total"] != grades["max"]).sum())
    return elapsed, bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--baseline-copies", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mm-bench-") as tmp:
        base_dir = _copies(Path(tmp) / "baseline", args.baseline_copies)
        many_dir = _copies(Path(tmp) / "many", args.copies)
        base_s, base_bad = _time(base_dir, 1, args.timeout)
        many_s, many_bad = _time(many_dir, args.jobs, args.timeout)
    per_base = base_s / args.baseline_copies
    per_many = many_s / args.copies
    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}")
    print(f"baseline: {args.baseline_copies} copies, 1 job : {base_s:6.1f} s total, {per_base:5.2f} s/submission")
    print(f"parallel: {args.copies} copies, {args.jobs} jobs: {many_s:6.1f} s total, {per_many:5.2f} s/submission")
    print(f"ratio parallel/baseline (per submission): {per_many / per_base:.2f}  (goal: < 10 s/submission)")
    if base_bad or many_bad:
        print(f"WARNING: {base_bad + many_bad} submission(s) were not graded full marks")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
