"""Saved progress: quiz, exercise and flashcard results on the student's disk.

Every check (``q1.check()``, a quiz's Check button, ``answer(...)``, a flashcard's Know /
Don't know) is recorded here for :func:`progress_report` and the autograder. The file is
``~/.micromarketing-course/progress.json`` unless ``MICROMARKETING_PROGRESS`` names
another; it is JSON written atomically under a lock (``.progress.json.lock``) so two kernels
never lose each other's results, and a file that cannot be read for any reason is renamed
``progress.json.corrupt-N`` with a one-line :class:`ProgressWarning`, never silently dropped.

>>> import os, tempfile
>>> os.environ["MICROMARKETING_PROGRESS"] = os.path.join(tempfile.mkdtemp(), "p.json")
>>> record_result("exercise", "00-start-here:q1", "correct", topic="metrics")
>>> load_progress()["exercise"]["00-start-here:q1"]["status"]
'correct'
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib.base.files import atomic_write, file_lock

__all__ = [
    "PROGRESS_ENV", "DEFAULT_PROGRESS_PATH", "STATUSES", "ProgressWarning", "progress_path", "load_progress",
    "record_result", "results_frame", "progress_report", "reset_progress", "atomic_write_text",
]

#: Environment variable that overrides where progress is saved.
PROGRESS_ENV: str = "MICROMARKETING_PROGRESS"
#: Where progress is saved when ``MICROMARKETING_PROGRESS`` is not set.
DEFAULT_PROGRESS_PATH: Path = Path("~/.micromarketing-course/progress.json")
#: The statuses each kind of result may have; the first one counts as a success.
STATUSES: dict[str, tuple[str, ...]] = {
    "exercise": ("correct", "incorrect", "not_attempted"),
    "quiz": ("correct", "incorrect"),
    "flashcard": ("know", "dont_know"),
}
_SUCCESS = {"correct", "know"}
_FORMAT_VERSION = 1


class ProgressWarning(UserWarning):
    """Progress could not be read or saved (the course keeps working)."""


def progress_path() -> Path:
    """The progress file in use: ``MICROMARKETING_PROGRESS`` if set and not empty, else the default.

    >>> progress_path().suffix
    '.json'
    """
    override = os.environ.get(PROGRESS_ENV, "").strip()
    return Path(override).expanduser() if override else DEFAULT_PROGRESS_PATH.expanduser()


def _resolve(path: str | os.PathLike[str] | None) -> Path:
    if path is None:
        return progress_path()
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or Path), got {type(path).__name__}.")
    return Path(path).expanduser()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (temp file in the same folder + ``os.replace``), creating folders.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write_text(target, "hello")
    >>> target.read_text()
    'hello'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}.")
    atomic_write(path, text)


def _empty() -> dict[str, Any]:
    return {"version": _FORMAT_VERSION, **{kind: {} for kind in STATUSES}}


def _is_valid(data: Any) -> bool:
    if not isinstance(data, dict) or data.get("version") != _FORMAT_VERSION:
        return False
    for kind, allowed in STATUSES.items():
        section = data.get(kind, {})
        if not isinstance(section, dict):
            return False
        for record in section.values():
            if not isinstance(record, dict) or record.get("status") not in allowed:
                return False
            if record.get("first_status", allowed[0]) not in allowed:  # older files have no first_status
                return False
            attempts = record.get("attempts", 1)
            if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
                return False
            if any(not isinstance(record.get(k, ""), str) for k in ("topic", "notebook")):
                return False
    return True


def _move_aside(path: Path, reason: str) -> None:
    """Rename an unreadable progress file (called under the lock, so only one process moves it)."""
    reason = " ".join(str(reason).split())[:200]
    n = 1
    while os.path.lexists(aside := path.with_name(f"{path.name}.corrupt-{n}")):
        n += 1
    try:
        os.rename(path, aside)
        where = f"It was moved to {aside.name} and a new progress file was started; nothing was deleted."
    except FileNotFoundError:
        return  # already moved
    except OSError as exc:
        where = f"It could not be moved aside ({exc.strerror}); progress is not saved until it is fixed."
    warnings.warn(f"The progress file {path} could not be read ({reason}). {where}", ProgressWarning, stacklevel=4)


def _lock_path(target: Path) -> Path:
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{target.name}.lock")


def load_progress(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read the progress file: ``{"version": 1, "exercise": {...}, "quiz": {...}, "flashcard": {...}}``.

    Each section maps an item id to a record with at least ``status``; a missing file gives
    empty sections, a corrupted one is moved aside with a :class:`ProgressWarning`.

    >>> import tempfile, pathlib
    >>> sorted(load_progress(pathlib.Path(tempfile.mkdtemp()) / "none.json"))
    ['exercise', 'flashcard', 'quiz', 'version']
    """
    target = _resolve(path)
    with file_lock(_lock_path(target)):
        return _load(target)


def _load(target: Path) -> dict[str, Any]:
    try:
        data = json.loads(target.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return _empty()
    except (OSError, ValueError, RecursionError) as exc:  # a folder, no permission, not UTF-8 / JSON, too deep
        _move_aside(target, getattr(exc, "strerror", None) or f"not valid JSON: {getattr(exc, 'msg', exc)}")
        return _empty()
    if not _is_valid(data):
        _move_aside(target, "unexpected content")
        return _empty()
    for kind in STATUSES:
        data.setdefault(kind, {})
    return data


def record_result(kind: str, item_id: str, status: str, *, topic: str | None = None, notebook: str | None = None,
                  path: str | os.PathLike[str] | None = None) -> None:
    """Save one result: the latest status, the first attempt's status (``first_status``), the number of
    attempts and a UTC timestamp.

    ``status`` must be one of ``STATUSES[kind]``; ``topic`` and ``notebook`` group the scores
    in :func:`progress_report`. A blank exercise (``not_attempted``) is not a first attempt.
    An unwritable file gives a :class:`ProgressWarning`, not an error.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> record_result("quiz", "basics-01", "incorrect", topic="basics", path=f)
    >>> record_result("quiz", "basics-01", "correct", topic="basics", path=f)
    >>> {k: load_progress(f)["quiz"]["basics-01"][k] for k in ("status", "first_status", "attempts")}
    {'status': 'correct', 'first_status': 'incorrect', 'attempts': 2}
    """
    if not isinstance(kind, str) or kind not in STATUSES:
        raise ValueError(f"kind must be one of {', '.join(map(repr, STATUSES))}; got {kind!r}.")
    if not isinstance(item_id, str) or not item_id.strip():
        raise TypeError(f"item_id must be a non-empty str, got {item_id!r}.")
    if status not in STATUSES[kind]:
        allowed = ", ".join(map(repr, STATUSES[kind]))
        raise ValueError(f"status for a {kind} must be one of {allowed}; got {status!r}.")
    for name, value in (("topic", topic), ("notebook", notebook)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str or None, got {type(value).__name__}.")
    target = _resolve(path)
    with file_lock(_lock_path(target)):
        _record(target, kind, item_id, status, topic, notebook)


def _record(target: Path, kind: str, item_id: str, status: str, topic: str | None, notebook: str | None) -> None:
    data = _load(target)
    previous = data[kind].get(item_id, {})
    first = _first_status(previous) if previous else None
    record: dict[str, Any] = {"status": status, "first_status": status if first in (None, "not_attempted") else first,
                              "attempts": int(previous.get("attempts", 0)) + 1,
                              "updated": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if topic is not None:
        record["topic"] = topic
    if notebook is not None:
        record["notebook"] = notebook
    data[kind][item_id] = record
    try:
        atomic_write_text(target, json.dumps(data, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        warnings.warn(f"Could not save progress to {target}: {exc}", ProgressWarning, stacklevel=3)


def _first_status(record: dict[str, Any]) -> str:
    """The status of the first attempt (a file from before first_status was kept: the saved status)."""
    return record.get("first_status") or record["status"]


def reset_progress(path: str | os.PathLike[str] | None = None) -> None:
    """Start again with empty progress (the old file is replaced atomically).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> reset_progress(f)
    >>> load_progress(f)["quiz"]
    {}
    """
    target = _resolve(path)
    with file_lock(_lock_path(target)):
        atomic_write_text(target, json.dumps(_empty(), indent=2, sort_keys=True) + "\n")


def results_frame(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every saved result, one row per item: kind, item, status, topic, notebook, attempts, success
    (the latest status is a success) and first_success (the first attempt was).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> record_result("quiz", "basics-01", "correct", topic="basics", path=f)
    >>> results_frame(f)[["kind", "item", "success"]].to_dict("records")
    [{'kind': 'quiz', 'item': 'basics-01', 'success': True}]
    >>> record_result("quiz", "basics-02", "incorrect", topic="basics", path=f)
    >>> record_result("quiz", "basics-02", "correct", topic="basics", path=f)
    >>> results_frame(f)[["item", "success", "first_success"]].to_dict("records")[1]
    {'item': 'basics-02', 'success': True, 'first_success': False}
    """
    data = load_progress(path)
    rows = []
    for kind in STATUSES:
        for item, record in sorted(data[kind].items()):
            rows.append({"kind": kind, "item": item, "status": record["status"],
                         "topic": record.get("topic") or "(no topic)", "notebook": record.get("notebook") or "",
                         "attempts": int(record.get("attempts", 1)), "success": record["status"] in _SUCCESS,
                         "first_success": _first_status(record) in _SUCCESS})
    columns = ["kind", "item", "status", "topic", "notebook", "attempts", "success", "first_success"]
    return pd.DataFrame(rows, columns=columns)


def progress_report(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Scores by topic, weakest first: ``attempted``, ``right_first_time``, ``score`` (0-1) and ``revise_next``.

    First attempts count: an item answered wrong and then right is a weakness, so it is not
    ``right_first_time`` and stays in ``revise_next`` (with the items still wrong, not
    attempted or not known).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> record_result("quiz", "basics-01", "correct", topic="basics", path=f)
    >>> record_result("quiz", "levels-02", "incorrect", topic="segmentation-levels", path=f)
    >>> record_result("quiz", "levels-02", "correct", topic="segmentation-levels", path=f)
    >>> progress_report(f)[["topic", "score", "revise_next"]].to_dict("records")[0]
    {'topic': 'segmentation-levels', 'score': 0.0, 'revise_next': 'levels-02'}
    """
    results = results_frame(path)
    columns = ["topic", "attempted", "right_first_time", "score", "revise_next"]
    if results.empty:
        dtypes = ["str", "int64", "int64", "float64", "str"]
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, dtypes, strict=True)})
    rows = []
    for topic, group in results.groupby("topic", sort=True):
        todo = group.loc[~(group["success"] & group["first_success"]), "item"].tolist()
        attempted = int(len(group))
        correct = int(group["first_success"].sum())
        rows.append({"topic": topic, "attempted": attempted, "right_first_time": correct,
                     "score": round(correct / attempted, 3), "revise_next": ", ".join(todo)})
    report = pd.DataFrame(rows, columns=columns)
    return report.sort_values(["score", "topic"], kind="stable").reset_index(drop=True)
